"""mart_brand_weekly on hand-written posts: aliases in every script, a name inside another
word, two brands in one post, competitor-only posts, fakes and non-market sources, counted by
the dbt models on a tiny warehouse and compared with counts worked out by hand."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from tests.conftest import run_dbt

WEEK = date(2026, 3, 2)  # a Monday
DAY = date(2026, 3, 4)

#: (id, source, platform, text, sentiment label, score, fake, [(topic, label, score)])
ITEMS = [
    ("P1", "social", "weibo", "长青的扫地机真便宜，就是发货太慢了", "negative", -0.4, False,
     [("price", "positive", 0.6), ("logistics", "negative", -0.7)]),
    ("P2", "social", "weibo", "#小麥# 品質很好", "positive", 0.7, False,
     [("product_quality", "positive", 0.7)]),
    ("P3", "social", "weibo", "EVERGREEN shipping is slow", "negative", -0.5, False, []),
    ("P4", "social", "weibo", "祝友谊万古长青，禾光的电饭煲很好用", "positive", 0.8, False, []),
    ("P5", "social", "weibo", "买了小麦粉做面包，这个破壁机不错", "positive", 0.6, False, []),
    ("P6", "social", "weibo", "之前一直用长青，现在换成禾光了，客服很好", "positive", 0.5, False,
     [("service_attitude", "positive", 0.5)]),
    ("P7", "ecommerce_review", "tmall", "对比过小麦家的，这个质量更好", "positive", 0.6, False,
     [("product_quality", "positive", 0.6)]),
    ("P8", "ecommerce_review", "tmall", "物流太慢", "negative", -0.6, False,
     [("logistics", "negative", -0.6)]),
    ("P9", "app_review", "ios", "长青的app更好用", "positive", 0.5, True, []),
    ("P10", "survey", None, "长青更便宜", "neutral", 0.0, False, []),
    ("P11", "support_ticket", None, "客户说小麦的售后更好", "neutral", 0.0, False, []),
]  # fmt: skip


def _build(path: Path) -> None:
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts; create schema intermediate; create schema text_analytics")
        con.execute(
            """create table marts.fct_feedback (feedback_id varchar, source varchar,
                platform varchar, day date, text_clean varchar, sentiment_label varchar,
                sentiment_score double, is_suspected_fake boolean)"""
        )
        con.executemany(
            "insert into marts.fct_feedback values (?, ?, ?, ?, ?, ?, ?, ?)",
            [(i, s, p, DAY, t, lab, sc, fake) for i, s, p, t, lab, sc, fake, _ in ITEMS],
        )
        con.execute(
            """create table marts.fct_feedback_topic (feedback_id varchar, topic varchar,
                topic_sentiment_label varchar, topic_sentiment_score double)"""
        )
        con.executemany(
            "insert into marts.fct_feedback_topic values (?, ?, ?, ?)",
            [(i, *topic) for i, *_, topics in ITEMS for topic in topics],
        )
        con.execute(
            "create table intermediate.int_feedback_unioned as "
            "select feedback_id, source from marts.fct_feedback"
        )
        con.execute(
            "create table text_analytics.feedback_scores as "
            "select feedback_id, text_clean from marts.fct_feedback"
        )


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("brand_weekly")
    path = root / "warehouse.duckdb"
    _build(path)
    run_dbt(
        "build",
        "--select",
        "brands brand_lookalikes int_brand_mentions int_feedback_brands mart_brand_weekly",
        target_path=root / "target",
        duckdb_path=path,
    )
    return path


def _query(path: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_mentions_are_found_in_every_script_and_not_inside_other_words(warehouse) -> None:
    rows = _query(
        warehouse,
        "select feedback_id, brand, mention_count from intermediate.int_brand_mentions "
        "order by 1, 2",
    )
    assert rows == [
        ("P1", "长青", 1),
        ("P10", "长青", 1),
        ("P11", "小麦", 1),
        ("P2", "小麦", 1),
        ("P3", "长青", 1),
        ("P4", "禾光", 1),  # 万古长青 is not 长青
        ("P6", "禾光", 1),
        ("P6", "长青", 1),
        ("P7", "小麦", 1),
        ("P9", "长青", 1),
    ]  # P5: 小麦粉 is not 小麦


def test_only_social_posts_about_competitors_alone_are_flagged(warehouse) -> None:
    rows = _query(
        warehouse,
        "select feedback_id from intermediate.int_feedback_brands "
        "where mentions_only_competitors order by 1",
    )
    assert [r[0] for r in rows] == ["P1", "P2", "P3"]


def _mart(warehouse: Path, source: str, platform: str, topic: str) -> dict[str, tuple]:
    rows = _query(
        warehouse,
        "select brand, mentions, named_mentions, share_of_voice, negative_mentions, "
        "negative_share, avg_sentiment from marts.mart_brand_weekly "
        f"where week_start = date '{WEEK}' and source = '{source}' "
        f"and platform = '{platform}' and topic = '{topic}'",
    )
    return {r[0]: r[1:] for r in rows}


def test_share_of_voice_over_every_source(warehouse) -> None:
    cell = _mart(warehouse, "all", "all", "all")
    # Ours: P4-P8 (P5 and P8 name no brand; P6 and P7 name a competitor too). 长青: P1, P3,
    # P6. 小麦: P2, P7. The fake P9, the survey P10 and the ticket P11 do not count.
    assert {b: v[:2] for b, v in cell.items()} == {"禾光": (5, 2), "长青": (3, 3), "小麦": (2, 2)}
    assert cell["禾光"][2] == pytest.approx(0.5)
    assert cell["长青"][2] == pytest.approx(0.3)
    assert cell["小麦"][2] == pytest.approx(0.2)
    assert cell["长青"][3:5] == (2, pytest.approx(2 / 3))
    assert cell["长青"][5] == pytest.approx((-0.4 - 0.5 + 0.5) / 3)
    assert cell["禾光"][3] == 1  # P8
    assert cell["小麦"][5] == pytest.approx(0.65)


def test_platform_and_topic_cells(warehouse) -> None:
    weibo = _mart(warehouse, "social", "weibo", "all")
    assert {b: v[0] for b, v in weibo.items()} == {"禾光": 3, "长青": 3, "小麦": 1}
    tmall = _mart(warehouse, "ecommerce_review", "tmall", "all")
    assert {b: v[0] for b, v in tmall.items()} == {"禾光": 2, "长青": 0, "小麦": 1}
    assert tmall["长青"][2] == 0 and tmall["长青"][5] is None
    logistics = _mart(warehouse, "all", "all", "logistics")
    assert {b: v[0] for b, v in logistics.items()} == {"禾光": 1, "长青": 1, "小麦": 0}
    assert logistics["长青"][3:5] == (1, pytest.approx(1.0))
    assert logistics["长青"][5] == pytest.approx(-0.7)  # the topic's sentiment, not the item's
    price = _mart(warehouse, "all", "all", "price")
    assert price["长青"][:3] == (1, 1, pytest.approx(1.0))
    assert price["长青"][3] == 0
