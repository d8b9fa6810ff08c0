"""A run with nothing new skips the work whose inputs did not change (orchestration.unchanged),
says so, and never skips after a failed run."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from orchestration.unchanged import LEDGER, SKIPPED_KEY
from tests.e2e.fixtures import PipelineRun
from tests.pipeline import pipeline_defs, serving_path

SURVEY = [dg.AssetKey(["raw", "survey"]), dg.AssetKey(["staging", "stg_survey"])]
STG_SURVEY = dg.AssetKey(["staging", "stg_survey"])


def _skip_notes(result: dg.ExecuteInProcessResult) -> dict[str, str]:
    """Asset (or ``asset:check``) -> the skip note of its materialization or check result."""
    notes = {}
    for event in result.get_asset_materialization_events():
        materialization = event.step_materialization_data.materialization
        value = getattr(materialization.metadata.get(SKIPPED_KEY), "value", None)
        if value is not None:
            notes[materialization.asset_key.to_user_string()] = value
    for evaluation in result.get_asset_check_evaluations():
        value = getattr(evaluation.metadata.get(SKIPPED_KEY), "value", None)
        if value is not None:
            notes[f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name}"] = value
    return notes


def _differing_rows(before: Path, after: Path, schema: str) -> dict[str, int]:
    """Per table of ``schema``: rows in one file and not in the other (both ways)."""
    with duckdb.connect(str(after), read_only=True) as con:
        con.execute(f"attach '{before}' as before (read_only)")
        tables = [
            name
            for (name,) in con.execute(
                "select table_name from information_schema.tables where table_catalog = "
                "current_database() and table_schema = ? and table_type = 'BASE TABLE'",
                [schema],
            ).fetchall()
        ]
        assert tables
        out = {}
        for name in tables:
            a = f'{schema}."{name}"'
            b = f'before.{schema}."{name}"'
            (n,) = con.execute(
                f"select (select count(*) from (from {a} except all from {b}))"
                f" + (select count(*) from (from {b} except all from {a}))"
            ).fetchone()
            out[name] = n
        return out


@pytest.mark.slow
def test_a_second_run_with_nothing_new_changes_no_mart_row_and_says_what_it_skipped(
    pipeline_run: PipelineRun, tmp_path: Path
) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copyfile(pipeline_run.warehouse, warehouse)
    job = pipeline_defs(pipeline_run.landing, warehouse).resolve_job_def("refresh")
    with dg.instance_for_test() as instance:
        # The first run on this instance relies on no earlier run: it does every step's work.
        first = job.execute_in_process(instance=instance)
        assert first.success
        assert _skip_notes(first) == {}
        after_first = tmp_path / "after_first.duckdb"
        shutil.copyfile(warehouse, after_first)
        published = serving_path(warehouse).stat().st_mtime_ns

        second = job.execute_in_process(instance=instance)
    assert second.success
    notes = _skip_notes(second)
    assert notes["marts/fct_feedback"].startswith("nothing new: skipped dbt build")
    assert notes["intermediate/int_feedback_unioned"].startswith("nothing new: skipped dbt build")
    assert notes["serving/marts"].startswith("nothing new: skipped publishing")
    assert notes["report/voc_report"].startswith("nothing new: skipped the report")
    assert f"work of run {first.run_id[:8]}" in notes["marts/fct_feedback"]
    for layer in ("raw", "intermediate", "marts"):
        assert any(f"skipped the {layer} suites" in note for note in notes.values()), layer
    # Every check of the skipped steps is reported again, with the outcome it had.
    first_checks = {
        (e.asset_key, e.check_name): (e.passed, e.severity)
        for e in first.get_asset_check_evaluations()
    }
    second_checks = {
        (e.asset_key, e.check_name): (e.passed, e.severity)
        for e in second.get_asset_check_evaluations()
    }
    assert second_checks.keys() == first_checks.keys()
    replayed = {k for k in second_checks if f"{k[0].to_user_string()}:{k[1]}" in notes}
    assert replayed and all(second_checks[k] == first_checks[k] for k in replayed)
    # What the clock changes still runs: the freshness checks compare arrivals with now.
    assert not [k for k in second_checks if k[1] == "freshness" and k in replayed]

    for schema in ("marts", "intermediate", "staging", "text_analytics", "raw"):
        assert set(_differing_rows(after_first, warehouse, schema).values()) == {0}, schema
    assert serving_path(warehouse).stat().st_mtime_ns == published


def test_a_run_after_a_failed_run_redoes_the_work(landing: Path, tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    job = pipeline_defs(landing, warehouse).resolve_job_def("refresh")

    def run() -> dg.ExecuteInProcessResult:
        return job.execute_in_process(
            instance=instance, asset_selection=SURVEY, raise_on_error=False
        )

    def sql(statement: str) -> list[tuple]:
        with duckdb.connect(str(warehouse)) as con:
            return con.execute(statement).fetchall()

    with dg.instance_for_test() as instance:
        assert run().success
        rows = sql("select count(*) from staging.stg_survey")
        nothing_new = run()
        assert nothing_new.success
        assert "staging/stg_survey" in _skip_notes(nothing_new)

        # A row the survey suite rejects (written behind the loader's back) blocks staging:
        # the run fails.
        sql(
            "insert into raw.survey (response_id, customer_id, survey_type, score,"
            " submitted_at, _file_sha256, _file_path, _line_number, _loaded_at, _encoding)"
            " values ('BAD-1', 'C000001', 'stars', '9', '2026-05-01 10:00:00', 'x',"
            " 'survey/bad.csv', 2, now()::timestamp, 'utf-8')"
        )
        assert not run().success
        # Removed again, every input is as it was when the steps last succeeded; the run
        # before failed, so nothing is skipped.
        sql("delete from raw.survey where response_id = 'BAD-1'")
        rerun = run()
        assert rerun.success
        assert _skip_notes(rerun) == {}
        again = run()
        assert "staging/stg_survey" in _skip_notes(again)
    assert sql("select count(*) from staging.stg_survey") == rows
    steps = sql(f"select step from {LEDGER} order by step")
    assert steps == [("dbt_staging_and_intermediate",), ("quality_raw",)]
