"""Brand mentions and share of voice on the generated sample: the competitor mentions the
generator planted are found (and its look-alike words are not), posts about competitors
alone are flagged, the competitors' strengths and weaknesses show, the planted surge month
stands out, and the mart's counts equal a pandas count of the cleaned texts."""

from __future__ import annotations

import csv
import json
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from tests.e2e.conftest import PipelineRun
from text_analytics.brands import BrandAlias, brand_counts

SEEDS = Path(__file__).resolve().parents[2] / "dbt_project" / "seeds"
OWN = "禾光"


def _seed(name: str) -> list[dict[str, str]]:
    with open(SEEDS / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _query(run: PipelineRun, sql: str) -> pd.DataFrame:
    with duckdb.connect(str(run.warehouse), read_only=True) as con:
        return con.execute(sql).df()


@pytest.fixture(scope="module")
def planted(pipeline_run: PipelineRun) -> pd.DataFrame:
    """Planted mentions of the rows that landed (quarantined rows left out)."""
    truth = pd.read_csv(pipeline_run.truth / "competitor_mentions.csv", dtype=str)
    feedback = pd.read_csv(
        pipeline_run.truth / "feedback.csv",
        usecols=["source", "source_record_id", "quarantine_reason"],
        dtype=str,
    )
    landed = feedback[feedback.quarantine_reason.isna()].drop_duplicates(
        ["source", "source_record_id"]
    )
    return truth.merge(landed[["source", "source_record_id"]], on=["source", "source_record_id"])


@pytest.fixture(scope="module")
def found(pipeline_run: PipelineRun) -> pd.DataFrame:
    return _query(
        pipeline_run,
        "select feedback.source, feedback.source_record_id, mentions.brand "
        "from intermediate.int_brand_mentions as mentions "
        "inner join intermediate.int_feedback_unioned as feedback using (feedback_id)",
    )


def test_planted_competitor_mentions_are_found(planted, found) -> None:
    keys = ["source", "source_record_id", "brand"]
    expected = set(map(tuple, planted[planted.kind != "lookalike"][keys].values))
    got = set(map(tuple, found[found.brand != OWN][keys].values))
    assert len(expected) >= 40, len(expected)
    recall = len(expected & got) / len(expected)
    precision = len(expected & got) / len(got)
    assert recall >= 0.98, (recall, sorted(expected - got)[:10])
    assert precision >= 0.98, (precision, sorted(got - expected)[:10])
    # Posts holding 小麦粉, 小麦色, 万古长青 or 长青藤 name no competitor.
    decoys = set(map(tuple, planted[planted.kind == "lookalike"][keys].values))
    assert decoys, "the sample plants look-alike words"
    assert not decoys & got, sorted(decoys & got)


def test_posts_about_competitors_alone_are_flagged(pipeline_run, planted) -> None:
    flagged = _query(
        pipeline_run,
        "select feedback.source, feedback.source_record_id "
        "from intermediate.int_feedback_brands as flags "
        "inner join intermediate.int_feedback_unioned as feedback using (feedback_id) "
        "where flags.mentions_only_competitors",
    )
    expected = set(
        map(
            tuple, planted[planted.kind == "competitor_only"][["source", "source_record_id"]].values
        )
    )
    assert set(map(tuple, flagged.values)) == expected


def _topic_profile(run: PipelineRun) -> dict[tuple[str, str], tuple[int, int, int]]:
    rows = _query(
        run,
        "select brand, topic, sum(mentions), sum(positive_mentions), sum(negative_mentions) "
        "from marts.mart_brand_weekly where source = 'all' group by brand, topic",
    )
    return {(r[0], r[1]): (int(r[2]), int(r[3]), int(r[4])) for r in rows.values}


def test_competitors_show_their_strengths_and_weaknesses(demo_run: PipelineRun) -> None:
    """Praise outweighs complaints on a competitor's strength and the other way round on its
    weakness. Topic sentiment in a mixed post is the scorer's per-clause estimate (it misreads
    some contrasts and sarcasm, and a #小麦客服# hashtag on a post praising the product makes
    a positive service mention), so the margins are loose. On the demo's size: the e2e
    sample has a few dozen mentions per brand and topic."""
    pipeline_run = demo_run
    plan = json.loads((pipeline_run.truth / "competitor_plan.json").read_text("utf-8"))
    profile = _topic_profile(pipeline_run)
    for competitor in plan["competitors"]:
        brand = competitor["brand"]
        good = profile[(brand, competitor["strength"])]
        bad = profile[(brand, competitor["weakness"])]
        assert good[0] >= 10 and bad[0] >= 10, (brand, good, bad)
        assert good[1] > 1.5 * good[2], (brand, good)
        assert bad[2] > bad[1], (brand, bad)
        assert bad[2] / bad[0] - good[2] / good[0] >= 0.25, (brand, good, bad)


def test_the_surge_month_shows_in_share_of_voice(demo_run: PipelineRun) -> None:
    """On the demo's 180 days (four whole months besides the surge; the e2e sample has
    two, and a few dozen competitor mentions a month)."""
    pipeline_run = demo_run
    plan = json.loads((pipeline_run.truth / "competitor_plan.json").read_text("utf-8"))
    weekly = _query(
        pipeline_run,
        "select week_start, brand, mentions from marts.mart_brand_weekly "
        "where source = 'all' and platform = 'all' and topic = 'all'",
    )
    # An ISO week belongs to the month of its Thursday.
    weekly["month"] = [
        (d + timedelta(days=3)).replace(day=1) for d in pd.to_datetime(weekly.week_start).dt.date
    ]
    monthly = weekly.pivot_table(index="month", columns="brand", values="mentions", aggfunc="sum")
    share = monthly[plan["surge_brand"]] / monthly.sum(axis=1)
    # Whole months only: the first and last months of the window are partial.
    share = share.iloc[1:-1]
    surge_month = date.fromisoformat(plan["surge_first_day"]).replace(day=1)
    assert share.idxmax() == surge_month, share
    others = share.drop(surge_month)
    assert share[surge_month] >= 2 * others.mean(), share


def test_the_mart_counts_equal_a_count_of_the_texts(pipeline_run: PipelineRun) -> None:
    aliases = [
        BrandAlias(r["brand"], r["alias"], r["is_own_brand"] == "true") for r in _seed("brands.csv")
    ]
    lookalikes = [(r["brand"], r["word"]) for r in _seed("brand_lookalikes.csv")]
    items = _query(
        pipeline_run,
        "select source, day, text_clean from marts.fct_feedback "
        "where source in ('social', 'app_review', 'ecommerce_review') "
        "and not is_suspected_fake and trim(coalesce(text_clean, '')) != ''",
    )
    rows = []
    for source, day, text in items.itertuples(index=False):
        named = brand_counts(text, aliases, lookalikes)
        competitors = [b for b in named if b != OWN]
        only_competitors = source == "social" and competitors and OWN not in named
        brands = set(competitors) | (set() if only_competitors else {OWN})
        week = pd.Timestamp(day).to_period("W-SUN").start_time.date()
        rows += [(week, b) for b in brands]
    expected = pd.DataFrame(rows, columns=["week_start", "brand"]).value_counts()
    mart = _query(
        pipeline_run,
        "select week_start, brand, mentions from marts.mart_brand_weekly "
        "where source = 'all' and platform = 'all' and topic = 'all' and mentions > 0",
    )
    got = {(pd.Timestamp(w).date(), b): int(m) for w, b, m in mart.itertuples(index=False)}
    assert got == {k: int(v) for k, v in expected.items()}
