"""The run switches are run config: the launchpad, a schedule or a backfill can set them."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import dagster as dg
import duckdb

from tests.pipeline import pipeline_defs
from voc.runner import run_config

FULL_REFRESH = {"resources": {"run_options": {"config": {"full_refresh": True}}}}


def _count(warehouse: Path, sql: str) -> int:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchone()[0]


def _survey_rows_validated(warehouse: Path, run_started: str) -> int:
    """Rows the raw survey suite read in the runs since ``run_started``."""
    return _count(
        warehouse,
        "select coalesce(sum(element_count), 0) from quality.validation_results "
        "where suite = 'raw.survey' and expectation = 'expect_column_values_to_not_be_null"
        f"(response_id)' and run_at >= timestamp '{run_started}'",
    )


def _now() -> str:
    """Now as ``quality.validation_results.run_at`` records it (naive UTC)."""
    return str(datetime.now(timezone.utc).replace(tzinfo=None))


def test_the_launchpad_shows_the_run_switches_off_by_default(landing: Path, tmp_path: Path):
    job = pipeline_defs(landing, tmp_path / "w.duckdb").resolve_job_def("refresh")
    resources = job.run_config_schema.config_type.fields["resources"].config_type.fields
    switches = resources["run_options"].config_type.fields["config"].config_type.fields
    assert set(switches) == {"full_refresh", "revalidate"}
    assert not any(field.is_required for field in switches.values())
    assert [field.default_value for field in switches.values()] == [False, False]
    assert run_config(full_refresh=True) == {
        "resources": {"run_options": {"config": {"full_refresh": True, "revalidate": False}}}
    }
    assert run_config() == {}


def test_a_full_refresh_started_with_run_config_rebuilds_and_revalidates(
    landing: Path, tmp_path: Path
) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    job = pipeline_defs(landing, warehouse).resolve_job_def("refresh")
    # One source, its staging model and their checks: the switches reach every kind of step.
    survey = [dg.AssetKey(["raw", "survey"]), dg.AssetKey(["staging", "stg_survey"])]

    def run(**kwargs) -> dg.ExecuteInProcessResult:
        return job.execute_in_process(instance=instance, asset_selection=survey, **kwargs)

    with dg.instance_for_test() as instance:
        assert run().success
        tampered = "select count(*) from staging.stg_survey where score = -1"
        # A row changed behind dbt's back in an incremental model: a nightly run, which reads
        # only new deliveries, leaves it...
        with duckdb.connect(str(warehouse)) as con:
            con.execute(
                "update staging.stg_survey set score = -1 where response_id = "
                "(select min(response_id) from staging.stg_survey)"
            )
        nightly_started = _now()
        assert run().success
        assert _count(warehouse, tampered) == 1
        assert _survey_rows_validated(warehouse, nightly_started) == 0  # nothing new

        # ...a run launched with the launchpad's run config rebuilds from scratch.
        refresh_started = _now()
        result = run(run_config=FULL_REFRESH)
        assert result.success
        assert instance.get_run_by_id(result.run_id).run_config == FULL_REFRESH
    assert _count(warehouse, tampered) == 0
    raw_rows = _count(warehouse, "select count(*) from raw.survey")
    assert _survey_rows_validated(warehouse, refresh_started) == raw_rows > 0
