"""A blocking quality check stops the rebuild of what is downstream of bad data."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import duckdb

from tests.e2e.conftest import PipelineRun, run_all
from tests.pipeline import serving_path


def test_error_in_raw_blocks_staging_and_marts(pipeline_run: PipelineRun, tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    shutil.copytree(pipeline_run.landing, landing)
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(pipeline_run.warehouse, warehouse)
    shutil.copy(serving_path(pipeline_run.warehouse), serving_path(warehouse))
    last_good_copy = serving_path(warehouse).read_bytes()
    with duckdb.connect(str(warehouse)) as con:
        before = con.execute("select count(*) from marts.fct_feedback").fetchone()[0]
        # Bad data that got past the loader (a bug, a hand edit): an unknown survey type.
        con.execute(
            "insert into raw.survey (response_id, customer_id, survey_type, score, submitted_at,"
            " _file_sha256, _file_path, _line_number, _loaded_at, _encoding) values "
            "('BAD-1', 'C000001', 'stars', '9', '2026-10-01 10:00:00', 'x', 'survey/bad.csv', 2,"
            " now()::timestamp, 'utf-8')"
        )
    # A new, valid delivery that a rebuild would bring into the marts.
    (landing / "social" / "social_mentions_late.jsonl").write_text(
        '{"post_id": "LATE-1", "platform": "weibo", "author_id": "w1", "content": "物流太慢了",'
        ' "created_at": "2026-10-30T12:00:00+08:00"}\n',
        encoding="utf-8",
    )

    result = run_all(landing, warehouse, raise_on_error=False)
    assert not result.success

    failed = [
        e
        for e in result.get_asset_check_evaluations()
        if not e.passed and e.severity == dg.AssetCheckSeverity.ERROR
    ]
    assert [(e.asset_key.to_user_string(), e.check_name) for e in failed] == [
        ("raw/survey", "gx_raw_contract")
    ]
    materialized = {
        e.materialization.asset_key.to_user_string()
        for e in result.get_asset_materialization_events()
    }
    assert "raw/social" in materialized  # landing still happened
    assert "staging/stg_survey" not in materialized
    assert "marts/fct_feedback" not in materialized
    # BI keeps the last good serving copy: a blocked run publishes nothing.
    assert "serving/marts" not in materialized
    assert serving_path(warehouse).read_bytes() == last_good_copy
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select count(*) from marts.fct_feedback").fetchone()[0] == before
        stored = con.execute(
            "select count(*) from quality.validation_results where not success "
            "and severity = 'error' and suite = 'raw.survey'"
        ).fetchone()[0]
    assert stored >= 1
