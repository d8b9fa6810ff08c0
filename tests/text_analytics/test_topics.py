"""Topics: multi-label keyword detection with a sentiment per topic."""

from __future__ import annotations

import pytest

from text_analytics import analyse_text
from text_analytics.topics import Condition, topic_keywords, topics_of_token
from voc_core.contracts import TOPICS


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


PRODUCT_QUALITY_MENTIONS = [
    "用了三天就坏了",
    "开箱就是坏的",
    "衣服洗了一次就掉色",
    "毛衣穿了两次就起球了",
    "拆开有一股刺鼻的味道",
    "热水器用了半年就漏水",
    "鞋子开胶了",
    "裤子线头很多，走线歪歪扭扭",
    "杯子有裂缝",
    "收到的是假货，根本不是正品",
    "这个锅很耐用，用了两年还跟新的一样",
    "面料摸起来很舒服，质感不错",
    "屏幕有划痕",
    "手机经常死机发烫",
    "桌子有点晃，螺丝松动",
    "做工很粗糙",
    "洗了以后缩水严重",
    "充电器用了一周就充不进电了",
    "吹风机冒烟了",
    "货品是二手翻新的",
    "鞋底磨损很快，不耐穿",
    "镜子边缘有个缺口",
    "沙发皮面开裂了",
    "牛奶已经变质结块了",
]

NOT_PRODUCT_QUALITY = [
    "快递员态度很好",
    "客服回复很及时",
    "价格有点贵",
    "房间很干净",
    "app老是闪退",
    "退款很快就到账了",
    "这家店环境不错",
    "物流三天就到了",
    "服务员很热情",
    "排队排了一个小时",
    "订单一直显示待发货",
    "优惠券用不了",
    "我的心情坏透了",
    "他是个坏人",
    "充值以后账号登录不了",
    "付款的时候页面卡住了",
    "门店停车不方便",
]


@pytest.mark.parametrize("text", PRODUCT_QUALITY_MENTIONS)
def test_product_quality_is_found(text: str) -> None:
    assert "product_quality" in _topics(text)


@pytest.mark.parametrize("text", NOT_PRODUCT_QUALITY)
def test_product_quality_is_not_over_tagged(text: str) -> None:
    assert "product_quality" not in _topics(text)


def test_product_faults_are_negative() -> None:
    for text in ("用了三天就坏了", "鞋子开胶了", "吹风机冒烟了", "做工很粗糙"):
        assert _topics(text)["product_quality"] == "negative", text


# Product words of the domains in the shared review corpora (books, discs, cars, fruit, clothes):
# the product itself is product_quality even when no generic quality word is used.
DOMAIN_PRODUCT_MENTIONS = [
    "情节很薄弱，提不起兴趣",
    "翻译很差，读不下去",
    "这张碟画质太差了",
    "动力太弱，油耗还高",
    "变速箱顿挫明显",
    "苹果个头太小，还不甜",
    "裤子太紧穿不上",
]


@pytest.mark.parametrize("text", DOMAIN_PRODUCT_MENTIONS)
def test_domain_product_words_are_product_quality(text: str) -> None:
    assert "product_quality" in _topics(text)


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("按键的位置不合理", "store_environment"),  # 位置 is not a premises word by itself
        ("跟商场里买的不一样", "store_environment"),
        ("这个版本的书印刷不错", "app_experience"),  # an edition, not an app version
    ],
)
def test_ambiguous_words_left_out(text: str, topic: str) -> None:
    assert topic not in _topics(text)


# Words that name a topic only in some senses (conditional keywords and "none" tokens of
# topics.txt): invented sentences, one per sense.
SENSES = [
    ("浪费钱，完全不值", "price", True),
    ("花了三十块钱买的", "price", True),
    ("2980元买的，现在跌到1600元", "price", True),
    ("书里写他为了钱出卖朋友", "price", False),
    ("到现在钱还没退", "price", False),
    ("元婴期的修炼写得很无聊", "price", False),
    ("便宜没好货，质量太差", "price", False),
    ("这本书让我对作者的信心大打折扣", "price", False),
    ("写得很烂，不值一读", "price", False),
    ("维修费用太高了", "price", True),
    ("维修费用太高了", "process", False),
    ("手机坏了，维修点说要返厂维修", "process", True),
    ("才买一周就降价了，申请价格保护被拒", "process", True),
    ("才买一周就降价了，申请价格保护被拒", "price", True),
    ("下单好几天了还没发货", "process", False),
    ("真想把天窗取消，不如没有", "process", False),
    ("游戏安装后无法运行", "process", False),
    ("这本书写的都是职场潜规则", "process", False),
]


@pytest.mark.parametrize(("text", "topic", "named"), SENSES)
def test_words_name_their_topic_only_in_that_sense(text: str, topic: str, named: bool) -> None:
    assert (topic in _topics(text)) is named


def test_lexicon_conditions_and_no_topic_tokens() -> None:
    assert topics_of_token("潜规则") == ()  # listed in topics.txt as naming no topic
    assert "钱" in topic_keywords()  # conditional keywords stay topic words (clause scores)
    assert "潜规则" not in topic_keywords()
    condition = Condition.parse("after=浪费,#num not_with=price")
    assert condition.holds(["浪费", "钱"], 1, set())
    assert condition.holds(["三十块", "钱"], 1, set())
    assert not condition.holds(["为了", "钱"], 1, set())
    assert not condition.holds(["浪费", "钱"], 1, {"price"})
    with pytest.raises(ValueError, match="bad condition"):
        Condition.parse("next=钱")
    with pytest.raises(ValueError, match="unknown topic"):
        Condition.parse("not_with=prices")


# Issue 16: negative mentions feed the key-driver regression, so a complaint must name its own
# topic only. Invented sentences.
TOPIC_SETS = [
    # a delivery failure without a logistics noun is not a product complaint
    ("发错货了", {"logistics"}),
    ("发了别的颜色", {"logistics"}),
    ("等了半个月才到", {"logistics"}),
    ("整整等了三天才收到", {"logistics"}),
    ("纸箱压扁了，里面的台灯也磕坏了", {"logistics"}),
    # the courier's attitude is the delivery's
    ("快递员态度太差", {"logistics"}),
    # goods words that name the app or the store beside those topics
    ("app更新以后找个功能要翻半天", {"app_experience"}),
    ("店里音乐太吵了", {"store_environment"}),
    # an appliance's parts and faults
    ("开关不灵，品控太差", {"product_quality"}),
]


@pytest.mark.parametrize(("text", "topics"), TOPIC_SETS)
def test_complaints_name_their_own_topic(text: str, topics: set[str]) -> None:
    assert set(_topics(text)) == topics


@pytest.mark.parametrize(
    ("text", "topic"),
    [("店里有点儿脏，但是性价比很高", "store_environment"), ("发错货了", "logistics")],
)
def test_complaint_is_negative(text: str, topic: str) -> None:
    assert _topics(text)[topic] == "negative"


@pytest.mark.parametrize(
    ("text", "token"),
    [
        ("遇到问题找客服", "遇到问题"),
        ("售后处理问题很快", "处理问题"),
        ("还没用，不好评价", "不好评价"),
    ],
)
def test_a_problem_met_or_handled_is_one_token(text: str, token: str) -> None:
    # so the polarity words 问题 and 不好 inside them do not count
    assert token in analyse_text(text).tokens


def test_lexicon_guard_turns_a_contrary_clause() -> None:
    from text_analytics.topics import clause_topic_logits

    # clause 0: negative polarity words, positive logit -> lexicon only; clause 1: words of
    # both signs, the model decides; clause 2: agrees; clause 3: no polarity word
    logits = clause_topic_logits(
        [4.0, 2.0, -1.0, 3.0], [0.0, 1.0, 0.0, 0.0], [1.5, 1.0, 1.0, 0.0], 0.1, (1.0, -2.0)
    )
    assert logits[0] == pytest.approx(0.1 - 2.0 * 0.9162907, rel=1e-6)
    assert logits[1:] == [2.0, -1.0, 3.0]


def test_opinion_of_another_topic_is_not_borrowed() -> None:
    # 客服 has no opinion of its own here; the praise is the price's
    assert _topics("保价超给力，差价自动返了，就是客服说话略冲")["service_attitude"] != "positive"
