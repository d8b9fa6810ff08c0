"""Brand mentions on hand-written posts, with the aliases and look-alikes of the dbt seeds."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from text_analytics.brands import BrandAlias, brand_counts, find_mentions, mention_rows

SEEDS = Path(__file__).resolve().parents[2] / "dbt_project" / "seeds"


def _seed(name: str) -> list[dict[str, str]]:
    with open(SEEDS / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


ALIASES = [
    BrandAlias(r["brand"], r["alias"], r["is_own_brand"] == "true") for r in _seed("brands.csv")
]
LOOKALIKES = [(r["brand"], r["word"]) for r in _seed("brand_lookalikes.csv")]


def counts(text: str) -> dict[str, int]:
    return brand_counts(text, ALIASES, LOOKALIKES)


def test_the_seed_names_each_brand_in_three_forms() -> None:
    forms: dict[str, set[str]] = {}
    for row in _seed("brands.csv"):
        forms.setdefault(row["brand"], set()).add(row["alias_form"])
    assert set(forms) == {"禾光", "长青", "小麦"}
    for brand in ("长青", "小麦"):
        assert {"simplified", "traditional", "pinyin", "english"} <= forms[brand]
    own = {r["brand"] for r in _seed("brands.csv") if r["is_own_brand"] == "true"}
    assert own == {"禾光"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # simplified aliases, hashtags and @-mentions
        ("长青的扫地机是真便宜，就是发货太慢了", {"长青": 1}),
        ("#小麦# 东西不错，客服爱答不理 @小麦官方", {"小麦": 2}),
        # traditional script
        ("長青的東西便宜，但物流慢到不行", {"长青": 1}),
        ("小麥家的電飯煲品質很好", {"小麦": 1}),
        # English and pinyin, any case, with word boundaries
        ("EVERGREEN vacuum is cheap but shipping took 2 weeks", {"长青": 1}),
        ("xiaomai的售后太差", {"小麦": 1}),
        ("Changqing和XiaoMai我都买过", {"长青": 1, "小麦": 1}),
        ("evergreens in the garden, order xiaomai123", {}),
        # a name inside another word does not count
        ("祝我们的友谊万古长青！", {}),
        ("阳台的长青藤又长高了", {}),
        ("用破壁机打了小麦粉，蒸馒头很香", {}),
        ("暑假晒成了小麦色", {}),
        ("買了兩袋小麥粉", {}),
        ("长青春的回忆", {}),
        # our own brand, the app name counted once
        ("禾光智家APP又闪退了", {"禾光": 1}),
        ("禾光的电饭煲用了三年", {"禾光": 1}),
        # two brands in one post
        ("之前一直用长青，现在换成禾光了，小麦也看过", {"长青": 1, "禾光": 1, "小麦": 1}),
        ("长青便宜，長青发货慢，长青藤不算", {"长青": 2}),
        ("", {}),
    ],
)
def test_hand_written_posts_are_counted_right(text: str, expected: dict[str, int]) -> None:
    assert counts(text) == expected


def test_a_mention_inside_a_word_is_rejected_even_without_a_lookalike_row() -> None:
    """jieba's dictionary knows 小麦粉 and 万古长青: the seed's list is a safety net."""
    assert brand_counts("买了小麦粉", ALIASES) == {}
    assert brand_counts("友谊万古长青", ALIASES) == {}
    assert brand_counts("小麦家的东西", ALIASES) == {"小麦": 1}


def test_mentions_carry_their_alias_and_position() -> None:
    mentions = find_mentions("试了長青，不如禾光", ALIASES, LOOKALIKES)
    assert [(m.brand, m.alias, m.start, m.end) for m in mentions] == [
        ("长青", "長青", 2, 4),
        ("禾光", "禾光", 7, 9),
    ]


def test_mention_rows_give_one_row_per_item_and_brand() -> None:
    rows = mention_rows(
        [("a", "长青便宜，Evergreen发货慢"), ("b", "小麦粉"), ("c", None), ("d", "小麦和禾光")],
        ALIASES,
        LOOKALIKES,
    )
    assert rows == [
        ("a", "长青", 2, "Evergreen|长青"),
        ("d", "小麦", 1, "小麦"),
        ("d", "禾光", 1, "禾光"),
    ]
