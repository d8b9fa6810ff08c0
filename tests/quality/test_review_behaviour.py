"""The behaviour features of int_review_behaviour on hand-made reviews whose every figure is
worked out by hand below, the model's probability recomputed from the seed's weights, and an
incremental run equal to a full rebuild after a singleton reviewer posts again."""

from __future__ import annotations

import csv
import math
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from tests.conftest import run_dbt
from tests.quality.review_inputs import add_reviews, create_review_inputs
from voc_core.settings import DBT_PROJECT_DIR

SEED = DBT_PROJECT_DIR / "seeds" / "fake_review_behaviour_model.csv"
DAY0 = datetime(2026, 3, 2, 4, 0)  # 12:00 in Shanghai
REGISTERED = datetime(2024, 1, 1)
SELECT = ("fake_review_behaviour_model", "int_fake_review_base", "int_review_behaviour")


def _review(
    feedback_id: str,
    day: int,
    rating: int,
    author: str | None,
    listing: str = "L1",
    source: str = "ecommerce_review",
) -> tuple:
    store, sku = (listing, listing) if source == "ecommerce_review" else (None, None)
    return (
        feedback_id,
        source,
        feedback_id,
        "tmall" if source == "ecommerce_review" else "ios",
        None,
        author,
        REGISTERED if source == "ecommerce_review" else None,
        store,
        sku,
        DAY0 + timedelta(days=day, minutes=int(feedback_id[1:])),
        rating,
    )


# Listing L1: reviewer A twice (4 stars on day 0, 2 stars on day 1), B once (5 stars, day 1),
# C once (1 star, day 9). One marketplace review without a reviewer id and one app review.
FIRST_DELIVERY = [
    _review("r1", 0, 4, "A"),
    _review("r2", 1, 5, "B"),
    _review("r3", 1, 2, "A"),
    _review("r4", 9, 1, "C"),
    _review("r5", 9, 5, None, listing="L2"),
    _review("r6", 3, 1, "D", source="app_review"),
]
# C posts again, about another listing, in a later delivery.
SECOND_DELIVERY = [_review("r7", 20, 1, "C", listing="L3")]


def _build(path: Path, target: Path, *extra: str) -> None:
    run_dbt(
        "build",
        "--select",
        *SELECT,
        "--indirect-selection",
        "cautious",
        *extra,
        target_path=target,
        duckdb_path=path,
    )


def _table(path: Path) -> dict[str, dict]:
    with duckdb.connect(str(path), read_only=True) as con:
        frame = con.execute("select * from intermediate.int_review_behaviour").df()
    return {row["feedback_id"]: row for row in frame.to_dict("records")}


@pytest.fixture(scope="module")
def warehouses(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(built incrementally after the second delivery, rebuilt in full), plus the first build
    kept as ``first.duckdb`` beside them."""
    root = tmp_path_factory.mktemp("behaviour")
    path = root / "incremental.duckdb"
    create_review_inputs(path)
    add_reviews(path, FIRST_DELIVERY)
    _build(path, root / "target")
    first = root / "first.duckdb"
    first.write_bytes(path.read_bytes())
    add_reviews(path, SECOND_DELIVERY, loaded_at=datetime(2026, 6, 2))
    _build(path, root / "target")
    full = root / "full.duckdb"
    full.write_bytes(path.read_bytes())
    _build(full, root / "target", "--full-refresh")
    return path, full


def _seed() -> dict[str, tuple[float, float]]:
    with SEED.open(encoding="utf-8", newline="") as f:
        return {
            r["term"]: (float(r["weight"]), float(r["reference_value"])) for r in csv.DictReader(f)
        }


def test_features_are_what_they_say(warehouses: tuple[Path, Path]) -> None:
    rows = _table(warehouses[0].with_name("first.duckdb"))
    r1, r3, r4 = rows["r1"], rows["r3"], rows["r4"]
    # Reviewer A: two reviews, one positive and one negative, a day apart.
    assert (r3["reviewer_reviews"], r3["reviewer_prior_reviews"]) == (2, 1)
    assert (r3["reviewer_positive_share"], r3["reviewer_negative_share"]) == (0.5, 0.5)
    assert r3["reviewer_rating_entropy"] == pytest.approx(math.log(2))
    assert r3["reviewer_burstiness"] == pytest.approx(1 - 1 / 28)
    assert not r3["is_singleton_reviewer"] and r4["is_singleton_reviewer"]
    # C's 1 star against the listing's earlier mean (4 + 5 + 2) / 3.
    assert r4["listing_prior_mean_rating"] == pytest.approx(11 / 3)
    assert r4["deviation_from_listing"] == pytest.approx((11 / 3 - 1) / 4)
    assert r1["listing_prior_mean_rating"] is None or math.isnan(r1["listing_prior_mean_rating"])
    # Day 1 holds two of the listing's four reviews over a ten-day span: 2 / (4 / 10).
    assert r3["listing_day_reviews"] == 2
    assert r3["listing_burst_ratio"] == pytest.approx(5.0)
    # Within 3 days of day 0: A, B, A; only B is a singleton. Around day 9: C alone.
    assert r1["listing_singleton_share_7d"] == pytest.approx(1 / 3)
    assert r4["listing_singleton_share_7d"] == pytest.approx(1.0)
    # The listing's first review came on the source's first day: its launch is unknown.
    assert r1["early_time_frame"] is None or math.isnan(r1["early_time_frame"])
    # App reviews are not scored by the behaviour model.
    assert rows["r6"]["behaviour_probability"] is None or math.isnan(
        rows["r6"]["behaviour_probability"]
    )


def test_probability_is_the_seed_model_applied_to_the_terms(
    warehouses: tuple[Path, Path],
) -> None:
    seed = _seed()
    with duckdb.connect(str(warehouses[0]), read_only=True) as con:
        fields = [
            c[0]
            for c in con.execute(
                "select unnest(model_terms) from intermediate.int_review_behaviour limit 0"
            ).description
        ]
        rows = con.execute(
            "select feedback_id, behaviour_probability, unnest(model_terms) "
            "from intermediate.int_review_behaviour where source = 'ecommerce_review'"
        ).fetchall()
    assert set(fields) == set(seed) - {"intercept"}  # the seed and the SQL name the same terms
    for feedback_id, probability, *values in rows:
        logit = seed["intercept"][0]
        for term, value in zip(fields, values, strict=True):
            weight, reference = seed[term]
            logit += weight * ((reference if value is None else value) - reference)
        assert probability == pytest.approx(1 / (1 + math.exp(-logit)), abs=1e-9), feedback_id
    # Without a reviewer id, the reviewer's terms sit at their reference.
    no_author = dict(zip(fields, next(r[2:] for r in rows if r[0] == "r5"), strict=True))
    assert no_author["is_singleton"] is None and no_author["log_reviewer_reviews"] is None


def test_a_reviewer_posting_again_updates_their_earlier_reviews(
    warehouses: tuple[Path, Path],
) -> None:
    incremental, full = (_table(p) for p in warehouses)
    assert not incremental["r4"]["is_singleton_reviewer"]
    assert incremental["r4"]["reviewer_reviews"] == 2
    assert incremental.keys() == full.keys()
    for feedback_id, row in incremental.items():
        other = full[feedback_id]
        for column, value in row.items():
            if column in ("_loaded_at", "model_terms", "behaviour_evidence"):
                continue
            if isinstance(value, float):
                assert value == pytest.approx(other[column], nan_ok=True), (feedback_id, column)
            else:
                assert value == other[column], (feedback_id, column)
