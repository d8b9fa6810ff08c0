"""Topics: multi-label keyword detection with a sentiment per topic."""

from __future__ import annotations

from ingestion.contracts import TOPICS
from text_analytics import analyse_text
from text_analytics.topics import topic_keywords


def _topics(text: str) -> dict[str, str]:
    return {t.topic: t.label for t in analyse_text(text).topics}


def test_aspect_sentiment_follows_its_clause() -> None:
    result = analyse_text("物流很快，但是客服态度很差")
    assert _topics("物流很快，但是客服态度很差") == {
        "logistics": "positive",
        "service_attitude": "negative",
    }
    assert result.primary_topic == "service_attitude"  # the clause after 但是
    assert result.sentiment_label == "negative"


def test_several_topics_with_their_own_sentiment() -> None:
    topics = _topics("房间很干净，价格也实惠，就是前台服务员态度冷漠")
    assert topics["store_environment"] == "positive"
    assert topics["price"] == "positive"
    assert topics["service_attitude"] == "negative"


def test_app_and_process_topics() -> None:
    topics = _topics("app更新后一直闪退，申请退款也没人处理")
    assert topics["app_experience"] == "negative"
    assert topics["process"] == "negative"


def test_compound_tokens_still_find_their_topic() -> None:
    # jieba keeps 商品质量 as one token
    assert "product_quality" in _topics("商品质量很好")


def test_enumeration_shares_the_predicate() -> None:
    assert _topics("物流、客服都很好") == {"logistics": "positive", "service_attitude": "positive"}


def test_topic_clause_without_opinion_borrows_the_next() -> None:
    assert _topics("快递员嘛，态度特别好")["logistics"] == "positive"


def test_no_keyword_gives_other_with_document_sentiment() -> None:
    result = analyse_text("非常满意，下次还来")
    assert [(t.topic, t.label) for t in result.topics] == [("other", "positive")]
    assert result.primary_topic == "other"


def test_traditional_text_gets_topics_too() -> None:
    assert _topics("物流很快，但是客服態度很差") == _topics("物流很快，但是客服态度很差")


def test_lexicon_uses_contract_topics() -> None:
    used = {t for topics in topic_keywords().values() for t in topics}
    assert used == set(TOPICS) - {"other"}
