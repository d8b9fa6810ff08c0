"""A real marketplace export through the whole pipeline: real reviewers, products, dates and
ratings (Yelp, ``../shared/data/fake_reviews``), each review given a real Chinese review text
of matching polarity (``../shared/data/sentiment``), landed as the one source of a warehouse.

This is the folder that crashed text scoring (a column the first rows left empty was typed
NULL). Skipped where ``../shared`` is absent (a user's clone); CI has it.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from tests.conftest import SHARED_DIR
from tests.pipeline import pipeline_defs

BEHAVIOUR = SHARED_DIR / "data" / "fake_reviews" / "yelp_behaviour_dev.csv"
TEXTS = SHARED_DIR / "data" / "sentiment" / "douban_book_reviews.csv"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.corpus,
    pytest.mark.skipif(
        not (BEHAVIOUR.exists() and TEXTS.exists()),
        reason="needs ../shared/data (fake_reviews and sentiment corpora), present in CI",
    ),
]


def _texts_by_label() -> dict[int, list[str]]:
    texts: dict[int, list[str]] = {0: [], 1: []}
    with TEXTS.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            texts[int(row["label"])].append(row["text"])
    return texts


def write_marketplace(landing: Path) -> dict[str, int]:
    """One JSON Lines export as a marketplace sends it: no customer ids, no optional columns.
    Returns the polarity (1 positive, 0 negative) of the text given to each review; 3-star
    reviews get a text of alternating polarity."""
    texts = _texts_by_label()
    used = {0: 0, 1: 0}
    polarity: dict[str, int] = {}
    path = landing / "ecommerce_review" / "yelp_chicago_export.jsonl"
    path.parent.mkdir(parents=True)
    with BEHAVIOUR.open(encoding="utf-8", newline="") as f, path.open("w", encoding="utf-8") as out:
        for i, row in enumerate(csv.DictReader(f)):
            rating = int(row["rating"])
            label = 1 if rating >= 4 else 0 if rating <= 2 else i % 2
            text = texts[label][used[label] % len(texts[label])]
            used[label] += 1
            review_id = f"Y{i:06d}"
            polarity[review_id] = label
            review = {
                "review_id": review_id,
                "platform": "tmall",
                "store_id": f"P{row['product_id']}",
                "sku": f"P{row['product_id']}",
                "reviewer_id": f"U{row['user_id']}",
                "rating": rating,
                "content": text,
                "created_at": row["date"],
            }
            out.write(json.dumps(review, ensure_ascii=False) + "\n")
    return polarity


def test_a_real_marketplace_export_alone_runs_end_to_end(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    polarity = write_marketplace(landing)
    warehouse = tmp_path / "warehouse.duckdb"
    job = pipeline_defs(landing, warehouse).resolve_job_def("refresh")
    with dg.instance_for_test() as instance:
        result = job.execute_in_process(instance=instance, raise_on_error=False)
    assert result.success, [e.message for e in result.all_events if e.is_failure]

    with duckdb.connect(str(warehouse), read_only=True) as con:
        counts = con.execute(
            "select (select count(*) from raw.ecommerce_review), "
            "(select count(*) from raw._quarantine), "
            "(select count(*) from marts.fct_feedback), "
            "(select count(*) from text_analytics.feedback_scores)"
        ).fetchone()
        labels = con.execute(
            "select source_record_id, sentiment_label from marts.fct_feedback "
            "where sentiment_label in ('positive', 'negative')"
        ).fetchall()
    delivered = len(polarity)
    assert counts == (delivered, 0, delivered, delivered)
    # The texts' own polarity, read back through the warehouse (a sanity floor, not the
    # sentiment evaluation: that is python -m text_analytics.evaluate).
    right = sum((label == "positive") == bool(polarity[rid]) for rid, label in labels)
    assert right / len(labels) > 0.75
