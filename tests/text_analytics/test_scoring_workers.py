"""Scoring in the warehouse with worker processes: the rows are those of the library called
directly, and a failure in a worker fails the pass loudly and leaves no part of its batch."""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

import duckdb
import pytest

from text_analytics import analyse_batch
from text_analytics.model import VersionedModel, shipped_model
from text_analytics.scoring import (
    FEEDBACK,
    SCORES,
    TOPIC_SCORES,
    ScoringError,
    score_pending,
    worker_count,
)

#: A token that no feedback text of the fixture holds; a model whose weight for it is not a
#: number fails on exactly the texts that contain it.
POISON = "zzpoison"


def _feedback_in_id_order(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str | None]]:
    return con.execute(
        f"select feedback_id, feedback_text from {FEEDBACK} order by feedback_id"
    ).fetchall()


def test_workers_store_what_the_library_gives(warehouse_copy: Path) -> None:
    """Two workers, several batches and chunks in flight: each stored row equals what
    ``analyse_batch`` gives for the item's text in this process."""
    with duckdb.connect(str(warehouse_copy)) as con:
        report = score_pending(con, processes=2, batch_size=5, chunk_size=3, parallel_from=0)
        feedback = dict(_feedback_in_id_order(con))
        stored = con.execute(
            f"select feedback_id, script, text_clean, sentiment_label, sentiment_score, "
            f"primary_topic, keywords, pii_kinds, simhash, text_hash from {SCORES}"
        ).fetchall()
        topics = con.execute(
            f"select feedback_id, topic, topic_sentiment_label, topic_sentiment_score "
            f"from {TOPIC_SCORES}"
        ).fetchall()
    assert report.scored == len(feedback) == len(stored) > 10
    ids = list(feedback)
    expected = dict(zip(ids, analyse_batch([feedback[i] for i in ids]), strict=True))
    for fid, script, clean, label, score, primary, keywords, pii, simhash, text_hash in stored:
        r = expected[fid]
        assert (script, clean, label, score, primary) == (
            r.script,
            r.text_clean,
            r.sentiment_label,
            r.sentiment_score,
            r.primary_topic,
        )
        assert (keywords, pii, simhash) == (list(r.keywords), list(r.pii_kinds), r.simhash)
        assert text_hash == hashlib.md5((feedback[fid] or "").encode()).hexdigest()
    assert sorted(topics) == sorted(
        (fid, t.topic, t.label, t.score) for fid, r in expected.items() for t in r.topics
    )
    assert report.topic_rows == len(topics)


@pytest.mark.parametrize("processes", [1, 2])
def test_a_failure_names_the_items_and_leaves_no_part_of_its_batch(
    warehouse_copy: Path, processes: int
) -> None:
    poisoned = dataclasses.replace(shipped_model(), weights={**shipped_model().weights})
    poisoned.weights[POISON] = None  # type: ignore[assignment]
    with duckdb.connect(str(warehouse_copy)) as con:
        ids = [fid for fid, _ in _feedback_in_id_order(con)]
        assert not con.execute(
            f"select count(*) from {FEEDBACK} where feedback_text ilike '%{POISON}%'"
        ).fetchone()[0]
        # the eighth item by id: third batch of three, second chunk of two
        con.execute(
            f"update {FEEDBACK} set feedback_text = '物流 {POISON} 很快' where feedback_id = ?",
            [ids[7]],
        )
        with pytest.raises(ScoringError) as failure:
            score_pending(
                con,
                model=VersionedModel(poisoned, "poisoned"),
                processes=processes,
                batch_size=3,
                chunk_size=2,
                parallel_from=0,
            )
        assert f"{ids[6]} to {ids[7]}" in str(failure.value)
        assert "TypeError" in str(failure.value)
        # the two batches before were written whole; nothing of the failing one or the next
        stored = {r[0] for r in con.execute(f"select feedback_id from {SCORES}").fetchall()}
        assert stored == set(ids[:6])
        topic_ids = {
            r[0] for r in con.execute(f"select feedback_id from {TOPIC_SCORES}").fetchall()
        }
        assert topic_ids == set(ids[:6])
        # the shipped model then scores everything, the failed items included
        again = score_pending(con, processes=processes, parallel_from=0, chunk_size=4)
        assert again.scored == len(ids)
        rows = con.execute(f"select count(distinct feedback_id) from {SCORES}").fetchone()[0]
        assert rows == len(ids)


def test_worker_count() -> None:
    assert worker_count(3) == 3
    assert worker_count(None) == worker_count(0) >= 1
