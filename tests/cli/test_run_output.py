"""What `voc run` prints: one line per step and a summary; the full event log in a file."""

from __future__ import annotations

import re
from pathlib import Path

import dagster as dg
import pytest

from tests.pipeline import pipeline_defs
from voc.progress import execute_with_progress

STEP_LINE = re.compile(r"^  (ok|FAILED|skipped) +(\S+) ")


def _lines(captured: str) -> list[str]:
    return [line for line in captured.splitlines() if line.strip()]


def _executed_steps(result: dg.ExecuteInProcessResult) -> list[str]:
    return [e.step_key for e in result.all_events if e.is_step_success or e.is_step_failure]


@dg.asset
def landed() -> dg.MaterializeResult:
    print("chatter on stdout")  # a tool's output: belongs in the log file, not the console
    return dg.MaterializeResult(metadata={"dagster/row_count": 3, "rows_new": 1})


@dg.asset_check(asset=landed)
def landed_is_complete() -> dg.AssetCheckResult:
    return dg.AssetCheckResult(passed=False, severity=dg.AssetCheckSeverity.WARN)


@dg.asset_check(asset=landed)
def landed_is_valid() -> dg.AssetCheckResult:
    return dg.AssetCheckResult(passed=False, severity=dg.AssetCheckSeverity.ERROR)


@dg.asset(deps=[landed])
def broken(context) -> None:  # no annotation: Dagster reads it, and annotations are lazy here
    context.log.warning("one file was rejected\nsecond line")
    raise ValueError("the warehouse is locked\nsecond line")


@dg.asset(deps=[broken])
def downstream() -> None:
    pass


def test_a_failing_run_prints_its_steps_the_error_and_the_failed_checks(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    defs = dg.Definitions(
        assets=[landed, broken, downstream],
        asset_checks=[landed_is_complete, landed_is_valid],
        jobs=[dg.define_asset_job("everything", dg.AssetSelection.all())],
    )
    with dg.instance_for_test(temp_dir=str(tmp_path)) as instance:
        result = execute_with_progress(defs, "everything", instance=instance)
        assert instance.get_run_by_id(result.run_id) is not None  # `dagster dev` shows it

    assert not result.success
    lines = _lines(capfd.readouterr().out)
    by_step = {m[2]: line for line in lines if (m := STEP_LINE.match(line))}
    assert by_step["landed"].endswith("landed 3 rows, +1 new")
    # A failed check of severity WARN is a warning; of severity ERROR, a failure.
    assert by_step["landed_landed_is_complete"].endswith("checks 0 passed, 1 warning")
    assert by_step["landed_landed_is_valid"].endswith("checks 0 passed, 1 FAILED")
    assert by_step["broken"].startswith("  FAILED  broken ")
    assert by_step["broken"].endswith("ValueError: the warehouse is locked")
    assert by_step["downstream"].startswith("  skipped downstream ")
    assert "broken" in by_step["downstream"]  # Dagster's reason: the upstream step failed
    assert "  warning broken: one file was rejected" in lines
    assert len(lines) == len(by_step) + 1 + 2  # the steps, the warning, summary and log file
    assert re.fullmatch(
        rf"Run {result.run_id} FAILED in \d+\.\ds: 3 steps ok; 1 failed \(broken\); "
        r"1 skipped; 1 check failed \(landed:landed_is_valid\); "
        r"1 warning \(landed:landed_is_complete\)",
        lines[-2],
    )
    log_path = tmp_path / "logs" / f"voc-run-{result.run_id}.log"
    assert lines[-1:] == [f"Full log: {log_path}"]

    log = log_path.read_text(encoding="utf-8")
    assert "chatter on stdout" in log  # what a step prints goes to the file, not the console
    assert " - STEP_FAILURE - " in log and "ValueError: the warehouse is locked" in log
    assert "RUN_FAILURE" in log


@pytest.mark.slow
def test_the_pipeline_prints_one_line_per_step_and_logs_everything_to_a_file(
    landing: Path, warehouse_path: Path, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    defs = pipeline_defs(landing, warehouse_path)
    (tmp_path / "dagster").mkdir()
    with dg.instance_for_test(temp_dir=str(tmp_path / "dagster")) as instance:
        result = execute_with_progress(
            defs, "refresh", instance=instance, log_dir=tmp_path / "logs"
        )
        stored = instance.all_logs(result.run_id)
    captured = capfd.readouterr()
    assert result.success, captured.out
    assert captured.err == ""
    lines = _lines(captured.out)

    # One line per executed step, in order; a warning of a step (a rejected landing file of
    # the fixture) on one line; the summary; the log file.
    step_lines = [line for line in lines if STEP_LINE.match(line)]
    assert [STEP_LINE.match(line)[2] for line in step_lines] == _executed_steps(result)
    assert all(" rows" in line for line in step_lines if "raw__survey " in line)
    assert any("checks " in line for line in step_lines if "dbt_staging" in line)
    warnings = [line for line in lines if line.startswith("  warning ")]
    assert any("rejected" in line for line in warnings)
    assert len(lines) == len(step_lines) + len(warnings) + 2
    assert lines[-2].startswith(f"Run {result.run_id} succeeded in ")
    log_path = tmp_path / "logs" / f"voc-run-{result.run_id}.log"
    assert lines[-1] == f"Full log: {log_path}"
    # Nothing of Dagster's DEBUG events nor of dbt's output on the console.
    for noise in ("DEBUG", "STEP_OUTPUT", "ASSET_CHECK_EVALUATION", "Running with dbt"):
        assert noise not in captured.out
    assert not re.search(r"\d+ of \d+ START", captured.out)

    # The file holds every event the instance stored (DEBUG included), and dbt's output.
    log = log_path.read_text(encoding="utf-8")
    assert log.count(" - DEBUG - ") > len(lines)
    steps_and_assets = ("STEP_START", "STEP_SUCCESS", "ASSET_MATERIALIZATION", "STEP_OUTPUT")
    for event_type in (*steps_and_assets, "ASSET_CHECK_EVALUATION"):
        stored_count = sum(
            1 for e in stored if e.dagster_event and e.dagster_event.event_type_value == event_type
        )
        assert stored_count and log.count(f" - {event_type} - ") == stored_count
    assert " - RUN_SUCCESS - " in log
    assert "Running with dbt" in log
