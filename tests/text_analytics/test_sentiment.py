"""Sentiment on hand-written cases: negation, degree, contrast, emoji, neutral, aspects."""

from __future__ import annotations

import csv

import pytest

from tests.text_analytics.conftest import DATA_DIR
from text_analytics import analyse_text

CASES = list(csv.DictReader((DATA_DIR / "sentiment_cases.csv").open(encoding="utf-8")))


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("不是很满意", "negative"),
        ("没有想象中好", "negative"),
        ("一点也不差", "positive"),
        ("非常满意", "positive"),
        ("太差劲了", "negative"),
        ("虽然价格有点贵，但是质量真的很好", "positive"),
        ("虽然包装很好看，但是东西不好用", "negative"),
        ("还不错😊👍", "positive"),
        ("就这？😡💩", "negative"),
        ("没有任何问题，很满意", "positive"),
        ("不会再买了", "negative"),
    ],
)
def test_required_cases(text: str, label: str) -> None:
    assert analyse_text(text).sentiment_label == label


def test_negation_flips_the_sign() -> None:
    assert analyse_text("满意").sentiment_score > 0 > analyse_text("不满意").sentiment_score
    assert analyse_text("差").sentiment_score < 0 < analyse_text("一点也不差").sentiment_score


def test_degree_adverbs_strengthen() -> None:
    assert analyse_text("非常好").sentiment_score > analyse_text("有点好").sentiment_score
    assert analyse_text("非常差").sentiment_score < analyse_text("有点差").sentiment_score


def test_clause_after_contrast_weighs_more() -> None:
    pos_then_neg = analyse_text("质量很好，但是物流太慢").sentiment_score
    neg_then_pos = analyse_text("物流太慢，但是质量很好").sentiment_score
    assert pos_then_neg < 0 < neg_then_pos


def test_emoji_tip_the_balance() -> None:
    assert analyse_text("收到了😊👍").sentiment_score > analyse_text("收到了😡💩").sentiment_score
    assert analyse_text("收到了😡").sentiment_label == "negative"
    assert analyse_text("收到了😊").sentiment_label == "positive"
    assert analyse_text("东西到了👎").sentiment_label == "negative"


@pytest.mark.parametrize("text", ["", None, "   ", "😊👍", "😡💩", "👍👍👍", "。。。", "!!!"])
def test_empty_and_emoji_only_are_neutral(text: str | None) -> None:
    result = analyse_text(text)
    assert result.script == "none"
    assert result.sentiment_label == "neutral" and result.sentiment_score == 0.0
    assert [t.topic for t in result.topics] == ["other"] and result.primary_topic == "other"
    assert result.keywords == []


def test_scores_are_in_range() -> None:
    for case in CASES:
        assert -1.0 <= analyse_text(case["text"]).sentiment_score <= 1.0


def test_hand_written_cases_mostly_right() -> None:
    """The whole case file (incl. neutral statements and inquiries) at 85 % or better; the
    known misses are listed in the report (negated negatives such as 完全没有异味)."""
    hits = [analyse_text(c["text"]).sentiment_label == c["label"] for c in CASES]
    assert sum(hits) / len(hits) >= 0.85


def test_neutral_band_on_neutral_statements() -> None:
    neutral = [c for c in CASES if c["label"] == "neutral"]
    hits = [analyse_text(c["text"]).sentiment_label == "neutral" for c in neutral]
    assert sum(hits) / len(hits) >= 0.8


def test_inquiry_is_neutral() -> None:
    assert analyse_text("请问什么时候发货").sentiment_label == "neutral"
    assert analyse_text("请问为什么这么慢，太差了").sentiment_label == "negative"
