"""Operations on the generated sample: BI readers during a refresh, and a run killed midway."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest

from tests.e2e.conftest import PipelineRun, run_all
from tests.pipeline import parquet_dir, serving_path
from voc_core.settings import PROJECT_ROOT

#: A BI tool in another process: opens the serving copy read-only again and again while a
#: refresh runs, and checks each time that what it reads is one whole publish.
POLLING_READER = textwrap.dedent(
    """
    import json, sys, time, duckdb
    path, stop = sys.argv[1], sys.argv[2]
    seen, reads, errors = set(), 0, []
    while True:
        done = __import__("os").path.exists(stop)
        try:
            with duckdb.connect(path, read_only=True) as con:
                log = con.execute(
                    "select table_name, row_count, published_at::varchar "
                    "from meta.published_tables").fetchall()
                for table, rows, _ in log:
                    n = con.execute(f'select count(*) from marts."{table}"').fetchone()[0]
                    if n != rows:
                        errors.append(f"{table}: {n} rows, publish says {rows}")
                stamps = {stamp for _, _, stamp in log}
                if len(stamps) != 1:
                    errors.append(f"tables of several publishes: {stamps}")
                seen |= stamps
                reads += 1
        except Exception as exc:
            errors.append(repr(exc))
        if done:
            break
        time.sleep(0.05)
    print(json.dumps({"seen": sorted(seen), "reads": reads, "errors": errors[:5]}))
    """
)


def published_at(serving: Path) -> str:
    with duckdb.connect(str(serving), read_only=True) as con:
        sql = "select distinct published_at::varchar from meta.published_tables"
        return con.execute(sql).fetchone()[0]


def mart_counts(path: Path, schemas: tuple[str, ...]) -> dict:
    """Rows of every table in ``schemas``, by qualified name."""
    with duckdb.connect(str(path), read_only=True) as con:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where list_contains(?, table_schema) order by 1, 2",
            [list(schemas)],
        ).fetchall()
        return {
            f"{s}.{t}": con.execute(f'select count(*) from {s}."{t}"').fetchone()[0]
            for s, t in tables
        }


def copy_run(pipeline_run: PipelineRun, tmp_path: Path) -> tuple[Path, Path]:
    landing = tmp_path / "landing"
    shutil.copytree(pipeline_run.landing, landing)
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(pipeline_run.warehouse, warehouse)
    shutil.copy(serving_path(pipeline_run.warehouse), serving_path(warehouse))
    return landing, warehouse


def test_bi_readers_see_the_old_or_the_new_copy_during_a_refresh(
    pipeline_run: PipelineRun, tmp_path: Path
) -> None:
    landing, warehouse = copy_run(pipeline_run, tmp_path)
    serving = serving_path(warehouse)
    old_stamp = published_at(serving)
    old_counts = mart_counts(serving, ("marts",))
    (landing / "social" / "social_late.jsonl").write_text(
        '{"post_id": "OPS-1", "platform": "weibo", "author_id": "w9", "content": "客服态度很差",'
        ' "created_at": "2026-10-30T12:00:00+08:00"}\n',
        encoding="utf-8",
    )

    held = duckdb.connect(str(serving), read_only=True)  # a dashboard left open
    stop = tmp_path / "stop"
    poller = subprocess.Popen(
        [sys.executable, "-c", POLLING_READER, str(serving), str(stop)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        result = run_all(landing, warehouse)
        held_after = mart_counts_of(held)
    finally:
        stop.touch()
        out, err = poller.communicate(timeout=120)
        held.close()
    assert result.success
    assert poller.returncode == 0, err[-2000:]
    report = json.loads(out)
    assert report["errors"] == []
    assert report["reads"] > 10
    new_stamp = published_at(serving)
    assert new_stamp != old_stamp
    assert set(report["seen"]) <= {old_stamp, new_stamp}
    # The connection held open through the refresh still reads the old copy, whole.
    assert held_after == old_counts
    new_counts = mart_counts(serving, ("marts",))
    assert new_counts["marts.fct_feedback"] == old_counts["marts.fct_feedback"] + 1
    assert new_counts == mart_counts(warehouse, ("marts",))
    parquet = parquet_dir(warehouse) / "fct_feedback.parquet"
    assert (
        duckdb.sql(f"select count(*) from read_parquet('{parquet}')").fetchone()[0]
        == (new_counts["marts.fct_feedback"])
    )


def mart_counts_of(con: duckdb.DuckDBPyConnection) -> dict:
    tables = con.execute(
        "select table_name from information_schema.tables where table_schema = 'marts'"
    ).fetchall()
    return {
        f"marts.{t}": con.execute(f'select count(*) from marts."{t}"').fetchone()[0]
        for (t,) in sorted(tables)
    }


def voc_run_env(landing: Path, warehouse: Path, home: Path) -> dict[str, str]:
    home.mkdir(exist_ok=True)
    link = home / "dagster.yaml"
    if not link.exists():
        link.symlink_to(PROJECT_ROOT / "dagster.yaml")
    return {
        **os.environ,
        "VOC_LANDING_DIR": str(landing),
        "VOC_DUCKDB_PATH": str(warehouse),
        "VOC_SERVING_PATH": str(serving_path(warehouse)),
        "VOC_MARTS_PARQUET_DIR": str(parquet_dir(warehouse)),
        "DAGSTER_HOME": str(home),
    }


VOC = str(Path(sys.executable).with_name("voc"))


def _step_started(logs: Path, step: str) -> bool:
    """Whether the full event log of the run (``voc run`` prints one line per finished step;
    every event goes to ``<DAGSTER_HOME>/logs/voc-run-<run id>.log``) shows ``step`` started."""
    marker = f'Started execution of step "{step}"'
    return any(marker in log.read_text(encoding="utf-8") for log in logs.glob("voc-run-*.log"))


def start_and_kill(env: dict[str, str], step: str, delay: float) -> None:
    """`voc run`, killed with SIGKILL (the whole process group: Dagster, dbt, the scoring
    workers) ``delay`` seconds into ``step``."""
    logs = Path(env["DAGSTER_HOME"]) / "logs"
    for old in logs.glob("voc-run-*.log"):
        old.unlink()
    run = subprocess.Popen(
        [VOC, "run"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: dbt and workers die with it
    )
    try:
        while not _step_started(logs, step):
            if run.poll() is not None:
                pytest.fail(f"the run ended before step {step} started")
            time.sleep(0.2)
        time.sleep(delay)
        assert run.poll() is None, f"the run finished before it could be killed in {step}"
    finally:
        os.killpg(run.pid, signal.SIGKILL)
        run.wait(timeout=60)
    assert run.returncode == -signal.SIGKILL


@pytest.mark.slow
def test_runs_killed_midway_rerun_to_the_same_state(
    pipeline_run: PipelineRun, tmp_path: Path
) -> None:
    """Killed in the middle of dbt, then again in the middle of text scoring; `voc run` once
    more ends with the same tables as the uninterrupted run."""
    warehouse = tmp_path / "warehouse.duckdb"
    env = voc_run_env(pipeline_run.landing, warehouse, tmp_path / "dagster_home")
    start_and_kill(env, "dbt_staging_and_intermediate", delay=6.0)
    start_and_kill(env, "feedback_text_scores", delay=2.0)

    rerun = subprocess.run([VOC, "run"], env=env, capture_output=True, text=True, check=False)
    assert rerun.returncode == 0, rerun.stdout[-3000:] + rerun.stderr[-3000:]
    expected = mart_counts(pipeline_run.warehouse, ("raw", "marts", "text_analytics"))
    assert mart_counts(warehouse, ("raw", "marts", "text_analytics")) == expected
    assert mart_counts(serving_path(warehouse), ("marts",)) == mart_counts(warehouse, ("marts",))
