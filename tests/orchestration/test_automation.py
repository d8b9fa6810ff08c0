"""The nightly schedule, the landing sensor and the one-writer rule, run in-process on real
files (the hand-written landing fixture) against a real DuckDB file."""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg
import duckdb
import pytest

from orchestration.definitions import defs as location_defs
from orchestration.raw.sensors import LandingCursor, evaluate_landing
from tests.landing_fixture import write_landing
from tests.pipeline import pipeline_defs, serving_path
from voc_core.settings import PROJECT_ROOT

NEW_SURVEY = (
    "response_id,customer_id,survey_type,score,submitted_at,comment\n"
    "R-SENSOR-1,C001,nps,9,2026-05-20 10:00:00,物流很快，客服很耐心\n"
)


@dataclass(frozen=True)
class Refreshed:
    landing: Path
    warehouse: Path
    result: dg.ExecuteInProcessResult


def count(path: Path, table: str) -> int:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(f"select count(*) from {table}").fetchone()[0]


@pytest.fixture(scope="module")
def refreshed(tmp_path_factory: pytest.TempPathFactory) -> Refreshed:
    """The nightly schedule's tick, and the run it asks for, on the landing fixture."""
    root = tmp_path_factory.mktemp("nightly")
    landing = write_landing(root)
    warehouse = root / "warehouse.duckdb"
    defs = pipeline_defs(landing, warehouse)
    tick_time = datetime(2026, 5, 21, 2, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    with dg.build_schedule_context(scheduled_execution_time=tick_time) as context:
        tick = location_defs.resolve_schedule_def("nightly_refresh").evaluate_tick(context)
    (request,) = tick.run_requests
    assert request.tags["voc/trigger"] == "nightly_refresh"
    job = defs.resolve_job_def(location_defs.resolve_schedule_def("nightly_refresh").job_name)
    result = job.execute_in_process(
        instance=dg.DagsterInstance.ephemeral(), tags=request.tags, raise_on_error=False
    )
    return Refreshed(landing, warehouse, result)


def test_nightly_schedule_is_2am_shanghai_and_on() -> None:
    assert location_defs.resolve_schedule_def("nightly_refresh").cron_schedule == "0 2 * * *"
    assert (
        location_defs.resolve_schedule_def("nightly_refresh").execution_timezone == "Asia/Shanghai"
    )
    assert (
        location_defs.resolve_schedule_def("nightly_refresh").default_status
        == dg.DefaultScheduleStatus.RUNNING
    )
    assert location_defs.resolve_schedule_def("nightly_refresh").job_name == "refresh"


def test_nightly_run_refreshes_everything_and_publishes(refreshed: Refreshed) -> None:
    assert refreshed.result.success
    materialized = {
        e.materialization.asset_key.to_user_string()
        for e in refreshed.result.get_asset_materialization_events()
    }
    assert {
        "raw/survey",
        "staging/stg_survey",
        "marts/fct_feedback",
        "serving/marts",
    } <= materialized
    served = serving_path(refreshed.warehouse)
    assert count(served, "marts.fct_feedback") == count(refreshed.warehouse, "marts.fct_feedback")


def test_sensor_waits_for_a_growing_file_then_runs_its_source_and_downstream(
    refreshed: Refreshed, tmp_path: Path
) -> None:
    landing = tmp_path / "landing"
    shutil.copytree(refreshed.landing, landing)
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(refreshed.warehouse, warehouse)
    defs = pipeline_defs(landing, warehouse)
    sensor_resources = {
        "landing": defs.resources["landing"],
        "warehouse": defs.resources["warehouse"],
    }

    def tick(cursor: str | None):
        with dg.build_sensor_context(
            cursor=cursor, definitions=defs, resources=sensor_resources
        ) as context:
            return location_defs.resolve_sensor_def("landing_files").evaluate_tick(context)

    # Switched on over a loaded landing folder: what the manifest holds starts no run.
    first = tick(None)
    assert first.skip_message == "no new files"
    cursor = first.cursor
    assert len(LandingCursor.parse(cursor).requested) == len(list(landing.rglob("*.*")))

    # A file being written: seen, grows, then stays the same for one tick.
    new_file = landing / "survey" / "2026-05-20_survey.csv"
    new_file.write_text(NEW_SURVEY.splitlines(keepends=True)[0], encoding="utf-8")
    seen = tick(cursor)
    assert not seen.run_requests
    with new_file.open("a", encoding="utf-8") as f:
        f.write(NEW_SURVEY.splitlines(keepends=True)[1])
    growing = tick(seen.cursor)
    assert not growing.run_requests, "a file whose size changed must wait"
    ready = tick(growing.cursor)
    (request,) = ready.run_requests
    assert request.tags["voc/sources"] == "survey"
    selected = {k.to_user_string() for k in request.asset_selection}
    assert {"raw/survey", "staging/stg_survey", "marts/fct_feedback", "serving/marts"} <= selected
    assert "raw/order" not in selected and "staging/stg_order" not in selected

    before = count(warehouse, "raw.survey")
    result = defs.resolve_job_def("refresh").execute_in_process(
        instance=dg.DagsterInstance.ephemeral(),
        asset_selection=list(request.asset_selection),
        tags=request.tags,
    )
    assert result.success
    assert count(warehouse, "raw.survey") == before + 1
    with duckdb.connect(str(serving_path(warehouse)), read_only=True) as con:
        served = con.execute(
            "select count(*) from marts.fct_feedback where source_record_id = 'R-SENSOR-1'"
        ).fetchone()[0]
    assert served == 1
    assert tick(ready.cursor).skip_message == "no new files"


def test_landing_cursor_forgets_removed_files_and_sees_replacements() -> None:
    cursor = LandingCursor(requested={"survey/a.csv": (10, 1), "survey/b.csv": (5, 1)})
    tick = evaluate_landing({"survey/a.csv": (12, 2)}, cursor)
    # b.csv is gone; a.csv changed and waits one tick before it is requested again.
    assert tick.cursor.requested == {"survey/a.csv": (10, 1)}
    assert tick.waiting == {"survey/a.csv": (12, 2)} and not tick.ready
    again = evaluate_landing({"survey/a.csv": (12, 2)}, tick.cursor)
    assert again.ready == {"survey/a.csv": (12, 2)} and again.sources == ["survey"]
    assert again.cursor.requested == {"survey/a.csv": (12, 2)}
    assert LandingCursor.parse(again.cursor.dump()) == again.cursor


def test_one_writing_run_at_a_time(tmp_path: Path) -> None:
    """dagster.yaml: runs queue, one at a time, and refresh runs carry the writer tag."""
    (tmp_path / "dagster.yaml").symlink_to(PROJECT_ROOT / "dagster.yaml")
    instance = dg.DagsterInstance.from_config(str(tmp_path))
    try:
        assert type(instance.run_coordinator).__name__ == "QueuedRunCoordinator"
        queue = instance.get_concurrency_config().run_queue_config
        assert queue.max_concurrent_runs == 1
        assert {"key": "voc/writes_warehouse", "limit": 1} in queue.tag_concurrency_limits
    finally:
        instance.dispose()
    from orchestration.definitions import defs

    assert defs.resolve_job_def("refresh").tags["voc/writes_warehouse"] == "true"


HOLD_LOCK = (
    "import sys, time, duckdb\n"
    "con = duckdb.connect(sys.argv[1])\n"
    "print('locked', flush=True)\n"
    "time.sleep(float(sys.argv[2]))\n"
    "con.close()\n"
)


def test_a_locked_warehouse_is_waited_for_not_failed(landing: Path, tmp_path: Path) -> None:
    """Another process (a BI tool, a second run) holds the file: the step backs off and
    succeeds once the lock is released."""
    warehouse = tmp_path / "warehouse.duckdb"
    duckdb.connect(str(warehouse)).close()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(warehouse), "4"], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout.readline().strip() == "locked"
    defs = pipeline_defs(landing, warehouse)
    with dg.instance_for_test() as instance:
        result = defs.resolve_job_def("refresh").execute_in_process(
            instance=instance, asset_selection=[dg.AssetKey(["raw", "survey"])]
        )
        messages = [entry.user_message for entry in instance.all_logs(result.run_id)]
    holder.wait(timeout=30)
    assert result.success
    assert count(warehouse, "raw.survey") > 0
    assert any("Could not set lock" in m and "trying again" in m for m in messages), messages[-5:]


def test_a_lock_held_longer_than_the_backoff_retries_the_step(
    landing: Path, tmp_path: Path
) -> None:
    """The in-step backoff gives up after 1 s here; the step is then retried (10 s later)
    and succeeds once the other process has let go."""
    from orchestration.raw.assets import raw_assets
    from orchestration.resources import LandingZoneResource, WarehouseResource

    warehouse = tmp_path / "warehouse.duckdb"
    duckdb.connect(str(warehouse)).close()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(warehouse), "4"], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout.readline().strip() == "locked"
    survey = next(a for a in raw_assets if dg.AssetKey(["raw", "survey"]) in a.keys)
    result = dg.materialize(
        [survey],
        resources={
            "warehouse": WarehouseResource(duckdb_path=str(warehouse), lock_timeout_seconds=1),
            "landing": LandingZoneResource(
                landing_dir=str(landing), source_timezones={}, default_timezone="Asia/Shanghai"
            ),
        },
    )
    holder.wait(timeout=30)
    assert result.success
    events = [e.event_type_value for e in result.all_events]
    assert events.count("STEP_UP_FOR_RETRY") == 1
    assert count(warehouse, "raw.survey") > 0


def test_other_failures_are_not_retried() -> None:
    from orchestration.retries import retry_step_on_transient_failure

    @dg.op
    def broken(context) -> None:
        with retry_step_on_transient_failure(context):
            duckdb.connect(":memory:").execute("select * from no_such_table")

    @dg.job
    def job() -> None:
        broken()

    result = job.execute_in_process(raise_on_error=False)
    assert not result.success
    assert "STEP_UP_FOR_RETRY" not in [e.event_type_value for e in result.all_events]
