"""The two inputs the fake-review models read (int_feedback_unioned, feedback_scores),
written by a test into a DuckDB file of its own, so the authenticity models can be built on
hand-made reviews with dbt."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import duckdb

#: Columns of a feedback row, in order.
FEEDBACK_COLUMNS = (
    "feedback_id",
    "source",
    "source_record_id",
    "platform",
    "customer_id",
    "author_id",
    "author_registered_at",
    "store_id",
    "sku",
    "created_at",
    "rating_5",
)
DEFAULT_LOADED_AT = datetime(2026, 6, 1)


def create_review_inputs(path: Path) -> None:
    """Create the two (empty) input tables in ``path``."""
    with duckdb.connect(str(path)) as con:
        con.execute("create schema if not exists intermediate")
        con.execute("create schema if not exists text_analytics")
        con.execute(
            """
            create table intermediate.int_feedback_unioned (
                feedback_id varchar, source varchar, source_record_id varchar,
                platform varchar, customer_id varchar, author_id varchar,
                author_registered_at timestamp, store_id varchar, sku varchar,
                created_at timestamp, rating_5 integer, _loaded_at timestamp
            )
            """
        )
        con.execute(
            """
            create table text_analytics.feedback_scores (
                feedback_id varchar, text_clean varchar, sentiment_score double,
                simhash bigint, scored_at timestamp
            )
            """
        )


def add_reviews(
    path: Path,
    feedback: Sequence[tuple],
    scores: Sequence[tuple] = (),
    loaded_at: datetime = DEFAULT_LOADED_AT,
) -> None:
    """Deliver ``feedback`` rows (FEEDBACK_COLUMNS) and their text ``scores`` (feedback_id,
    text_clean, sentiment_score, simhash), loaded and scored at ``loaded_at``."""
    with duckdb.connect(str(path)) as con:
        con.executemany(
            f"insert into intermediate.int_feedback_unioned values ({', '.join('?' * 12)})",
            [(*row, loaded_at) for row in feedback],
        )
        if scores:
            con.executemany(
                "insert into text_analytics.feedback_scores values (?, ?, ?, ?, ?)",
                [(*row, loaded_at) for row in scores],
            )
