"""Domain adaptation mechanics on a small warehouse table: which texts count as rated, when a
model is trained, promoted or kept, and what the adapted model computes.

Whether adaptation helps on real text is measured on real corpora: the end-to-end test
``tests/e2e/test_domain_adaptation.py`` and ``python -m text_analytics.evaluate_adaptation``.
Here the "domain" is two slang words the shipped model has no weight for, enough to see the
mechanics work; it says nothing about accuracy on real feedback.
"""

from __future__ import annotations

import json

import duckdb
import pytest

from text_analytics.adapt import (
    ADAPTED_FORMAT,
    FEEDBACK,
    REGISTRY,
    AdaptationPolicy,
    adapt,
    adapted_version,
    apply_correction,
    count_rated,
    current_model,
    model_in_use,
)
from text_analytics.model import shipped_model, shipped_version
from text_analytics.pipeline import prepare

ITEMS = [
    "这款耳机",
    "新买的台灯",
    "这次的快递",
    "店里的蛋糕",
    "那个充电宝",
    "这件外套",
    "小区的健身房",
]
SLANG = {1: "巴适得板", 0: "拉胯得很"}


def _create_feedback(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create schema if not exists intermediate")
    con.execute(
        f"""create table {FEEDBACK} (
            feedback_id varchar, source varchar, feedback_text varchar, rating_5 integer,
            survey_type varchar, survey_score integer
        )"""
    )


def _add_slang_reviews(con: duckdb.DuckDBPyConnection, start: int, n: int) -> None:
    rows = []
    for i in range(start, start + n):
        label = i % 2
        text = f"{ITEMS[i % len(ITEMS)]}{SLANG[label]}，第{i}次写"
        rows.append((f"f{i}", "app_review", text, 5 if label else 1, None, None))
    con.executemany(f"insert into {FEEDBACK} values (?, ?, ?, ?, ?, ?)", rows)


@pytest.fixture
def con():
    with duckdb.connect(":memory:") as connection:
        _create_feedback(connection)
        yield connection


def test_what_counts_as_a_rated_text(con: duckdb.DuckDBPyConnection) -> None:
    con.executemany(
        f"insert into {FEEDBACK} values (?, ?, ?, ?, ?, ?)",
        [
            ("a", "app_review", "好", 1, None, None),  # 1-2 stars: negative
            ("b", "app_review", "好", 5, None, None),  # 4-5 stars: positive
            ("c", "app_review", "好", 3, None, None),  # 3 stars: no label
            ("d", "app_review", "  ", 5, None, None),  # no text
            ("e", "survey", "好", None, "nps", 6),  # detractor
            ("f", "survey", "好", None, "nps", 8),  # passive: no label
            ("g", "survey", "好", None, "nps", 10),  # promoter
            ("h", "survey", "好", None, "ces", 1),  # effort is not sentiment
            ("i", "survey", "好", 2, "csat", 2),  # CSAT carries its 1-5 as rating_5
            ("j", "social", "好", None, None, None),  # unrated
        ],
    )
    assert count_rated(con) == 5  # a, b, e, g, i
    con.execute("create schema marts")
    con.execute(
        "create table marts.fct_feedback as "
        "select * from (values ('a', true), ('b', false)) t(feedback_id, is_suspected_fake)"
    )
    assert count_rated(con) == 4  # suspected fakes are left out


def test_too_few_ratings_keep_the_shipped_model(con: duckdb.DuckDBPyConnection) -> None:
    _add_slang_reviews(con, 0, 150)
    report = adapt(con, AdaptationPolicy(min_rated=200))
    assert report.decision == "skipped"
    assert "150 rated texts, fewer than the 200 needed" in report.reason
    assert con.execute(f"select count(*) from {REGISTRY}").fetchone()[0] == 0
    assert current_model(con) is None
    assert model_in_use(con).version == shipped_version()


def test_a_better_model_is_promoted_and_a_no_better_one_is_not(
    con: duckdb.DuckDBPyConnection,
) -> None:
    _add_slang_reviews(con, 0, 600)
    first = adapt(con, AdaptationPolicy(min_rated=500))
    assert first.decision == "promoted", first.reason
    assert first.adapted_accuracy >= first.base_accuracy + 0.01
    promoted = current_model(con)
    assert promoted is not None and promoted.version == first.candidate_version
    assert prepare_label(promoted.model, "新开的奶茶店巴适得板") > 0
    assert prepare_label(promoted.model, "新开的奶茶店拉胯得很") < 0

    # fewer than 20 % more ratings: no retraining
    _add_slang_reviews(con, 600, 100)
    waiting = adapt(con, AdaptationPolicy(min_rated=500))
    assert waiting.decision == "skipped" and "waits for 20% more" in waiting.reason

    # enough new ratings, but nothing left to learn: the candidate must beat the adapted model
    # in use (not the shipped one), so it is recorded as rejected and the first one stays
    _add_slang_reviews(con, 700, 200)
    second = adapt(con, AdaptationPolicy(min_rated=500))
    assert second.decision == "rejected", second.reason
    assert second.current_version == first.candidate_version
    rows = con.execute(
        f"select version, status, is_current from {REGISTRY} order by trained_at, status"
    ).fetchall()
    assert rows == [
        (first.candidate_version, "promoted", True),
        (second.candidate_version, "rejected", False),
    ]
    assert current_model(con).version == first.candidate_version


def prepare_label(model, text: str) -> float:
    """The document logit a model gives a text (training-mode features)."""
    return model.logits(prepare(text).extracted)[0]


def test_the_adapted_model_is_the_base_scaled_plus_the_deltas() -> None:
    base = shipped_model()
    artefact = {
        "format": ADAPTED_FORMAT,
        "base_version": shipped_version(),
        "l2": 1e-5,
        "scale": 2.0,
        "lex_pos": 0.0,
        "lex_neg": 0.0,
        "weights": {"巴适": 3.0},
    }
    adapted = apply_correction(base, artefact)
    plain = prepare("这个杯子很好用").extracted
    assert adapted.logits(plain)[0] == pytest.approx(2 * base.logits(plain)[0])
    slang = prepare("巴适").extracted
    assert adapted.logits(slang)[0] > 2 * base.logits(slang)[0]
    other = {**artefact, "weights": {"巴适": 2.0}}
    assert adapted_version(artefact) != adapted_version(other)
    assert adapted_version(artefact).startswith(f"{shipped_version()}+ad-")


def test_a_model_adapted_to_another_base_is_not_used(con: duckdb.DuckDBPyConnection) -> None:
    _add_slang_reviews(con, 0, 600)
    report = adapt(con, AdaptationPolicy(min_rated=500))
    assert report.decision == "promoted"
    con.execute(f"update {REGISTRY} set base_version = 'ta0-older-release'")
    assert current_model(con) is None  # the shipped model changed: back to it until retrained
    artefact = json.loads(con.execute(f"select artefact from {REGISTRY}").fetchone()[0])
    assert artefact["format"] == ADAPTED_FORMAT
