"""Incremental text scoring in the warehouse: only what is new or changed is scored."""

from __future__ import annotations

from pathlib import Path

import duckdb

from text_analytics.model import VersionedModel, shipped_model
from text_analytics.scoring import SCORES, TOPIC_SCORES, score_pending


def feedback_count(con) -> int:
    return con.execute("select count(*) from intermediate.int_feedback_unioned").fetchone()[0]


def test_scores_every_item_once_then_nothing(warehouse_copy: Path) -> None:
    with duckdb.connect(str(warehouse_copy)) as con:
        first = score_pending(con, processes=1)
        assert first.scored == first.pending == feedback_count(con)
        assert con.execute(f"select count(*) from {SCORES}").fetchone()[0] == first.scored
        second = score_pending(con, processes=1)
        assert (second.pending, second.scored) == (0, 0)


def test_personal_data_is_masked_and_topics_have_their_own_sentiment(warehouse_copy: Path) -> None:
    with duckdb.connect(str(warehouse_copy)) as con:
        score_pending(con, processes=1)
        text = con.execute(
            f"select s.text_clean from {SCORES} s join intermediate.int_feedback_unioned f "
            "using (feedback_id) where f.source_record_id = 'P1'"
        ).fetchone()[0]
        assert "13812345678" not in text
        topics = dict(
            con.execute(
                f"select t.topic, t.topic_sentiment_label from {TOPIC_SCORES} t "
                "join intermediate.int_feedback_unioned f using (feedback_id) "
                "where f.source_record_id = 'E1'"
            ).fetchall()
        )
        assert topics.get("logistics") == "positive"
        assert topics.get("service_attitude") == "negative"


def test_a_new_model_version_rescores_everything(warehouse_copy: Path) -> None:
    with duckdb.connect(str(warehouse_copy)) as con:
        score_pending(con, processes=1)
        again = score_pending(con, model=VersionedModel(shipped_model(), "next-model"), processes=1)
        assert again.scored == feedback_count(con)
        versions = con.execute(f"select distinct model_version from {SCORES}").fetchall()
        assert versions == [("next-model",)]
        assert con.execute(f"select count(*) from {SCORES}").fetchone()[0] == again.scored


def test_a_changed_text_is_rescored_alone(warehouse_copy: Path) -> None:
    with duckdb.connect(str(warehouse_copy)) as con:
        score_pending(con, processes=1)
        con.execute(
            "update intermediate.int_feedback_unioned set feedback_text = '太差了，再也不买了' "
            "where source_record_id = 'A1'"
        )
        again = score_pending(con, processes=1)
        assert again.scored == 1
        label = con.execute(
            f"select s.sentiment_label from {SCORES} s join intermediate.int_feedback_unioned f "
            "using (feedback_id) where f.source_record_id = 'A1'"
        ).fetchone()[0]
        assert label == "negative"


def test_two_processes_give_the_same_scores_as_one(warehouse_copy: Path, tmp_path: Path) -> None:
    import shutil

    other = tmp_path / "other.duckdb"
    shutil.copy(warehouse_copy, other)
    query = f"select * exclude (scored_at) from {SCORES} order by feedback_id"
    topics = f"select * from {TOPIC_SCORES} order by feedback_id, topic"
    with duckdb.connect(str(warehouse_copy)) as con:
        first = score_pending(con, processes=1, batch_size=3)
        one = con.execute(query).fetchall(), con.execute(topics).fetchall()
    with duckdb.connect(str(other)) as con:
        # several batches in flight at once, each split over the workers
        second = score_pending(con, processes=2, batch_size=7, chunk_size=2, parallel_from=0)
        two = con.execute(query).fetchall(), con.execute(topics).fetchall()
    assert one == two
    assert first.scored == second.scored == len(one[0]) > 7
    assert first.topic_rows == second.topic_rows == len(one[1])


def _days_in_shanghai(con) -> dict[str, str]:
    """feedback_id -> business day, computed in Python, not with the SQL under test."""
    from zoneinfo import ZoneInfo

    shanghai = ZoneInfo("Asia/Shanghai")
    rows = con.execute(
        "select feedback_id, created_at from intermediate.int_feedback_unioned"
    ).fetchall()
    return {
        fid: created.replace(tzinfo=ZoneInfo("UTC")).astimezone(shanghai).date().isoformat()
        for fid, created in rows
    }


def test_a_backfill_over_days_rescores_those_days_only(warehouse_copy: Path) -> None:
    import dagster as dg

    from orchestration.resources import TextScoringResource, WarehouseResource
    from orchestration.text_analytics.assets import build_text_scoring_assets

    _, feedback_text_scores = build_text_scoring_assets("2024-01-01", "Asia/Shanghai")
    resources = {
        "warehouse": WarehouseResource(duckdb_path=str(warehouse_copy)),
        "text_scoring": TextScoringResource(cache_dir=str(warehouse_copy.parent / "cache")),
    }

    with duckdb.connect(str(warehouse_copy)) as con:
        score_pending(con, processes=1)
        days = _days_in_shanghai(con)
        before = dict(con.execute(f"select feedback_id, scored_at from {SCORES}").fetchall())
    first, last = sorted(set(days.values()))[:2]
    in_range = {fid for fid, day in days.items() if first <= day <= last}
    assert 0 < len(in_range) < len(days)

    result = dg.materialize(
        [feedback_text_scores],
        resources=resources,
        tags={
            "dagster/asset_partition_range_start": first,
            "dagster/asset_partition_range_end": last,
        },
    )
    assert result.success
    meta = result.asset_materializations_for_node("feedback_text_scores")[0].metadata
    assert meta["rows_scored"].value == len(in_range)
    with duckdb.connect(str(warehouse_copy), read_only=True) as con:
        after = dict(con.execute(f"select feedback_id, scored_at from {SCORES}").fetchall())
    assert {fid for fid in after if after[fid] != before[fid]} == in_range

    # The same asset without a partition (the nightly run) finds nothing pending.
    again = dg.materialize(
        [feedback_text_scores],
        resources=resources,
    )
    meta = again.asset_materializations_for_node("feedback_text_scores")[0].metadata
    assert meta["rows_scored"].value == 0
