"""End to end at scale: every stage's wall time and rows/s, peak memory, and the +1% refresh.

    .venv/bin/python -m bench.e2e_bench                     # 100k and 1M feedback items
    .venv/bin/python -m bench.e2e_bench --scale 10k         # the CI smoke (make bench-smoke)
    .venv/bin/python -m bench.e2e_bench --scale 100k --json bench/results/e2e_100k.json
    .venv/bin/python -m bench.e2e_bench --scale 10M --json bench/results/e2e_10M.json  # bench-10m

For each scale, in a work folder of its own (``bench/work/<scale>/``, gitignored; never the
project's ``data/``):

1. ``python -m sample_data`` writes the sample (180 days, seed 42; about 5 feedback items a
   customer).
2. The newest 1% of every periodic delivery stream is held back (``bench/holdback.py``).
3. History run: ``voc run`` in a subprocess on the rest. This is the end-to-end figure.
4. No-op run: ``voc run`` again right away on the same landing folder (no new files): the
   fixed cost of a run that has nothing to do. It must load no rows.
5. The held-back files are delivered and ``voc run`` runs again: the nightly +1% refresh.

Each run's stage timings come from the Dagster event log of the run (STEP_START / STEP_SUCCESS
per step key, read from the run's own ``DAGSTER_HOME``); ``startup`` is the time from starting
the process to the run's first event (imports, ``dbt parse``), ``orchestration`` the time
between steps. Rows per stage are counted in the warehouse after each run (rows new in the
run). Memory: the run's whole process tree (dbt, the scoring workers) is sampled from
``/proc`` (``bench/procmem.py``); the kernel's high-water mark of the largest single process
(``wait4``) is reported beside it.

The harness fails (exit 1) when a run fails, a stage is missing from a run, or the refresh
does not bring in the held-back feedback.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from bench import holdback  # noqa: E402
from bench.procmem import TreeSampler  # noqa: E402
from bench.report import format_e2e  # noqa: E402
from bench.stages import STAGES, stage_of  # noqa: E402

#: Name -> customers to generate (the generator writes about 5.15 feedback items a customer).
SCALES = {"10k": 2_000, "100k": 20_000, "1M": 200_000, "10M": 2_000_000}
DAYS = 180
SEED = 42
SHARE = 0.01
RESULTS_DIR = PROJECT_ROOT / "bench" / "results"
WORK_DIR = PROJECT_ROOT / "bench" / "work"

#: Step keys every run must have completed.
REQUIRED_STEPS = (
    "dbt_staging_and_intermediate",
    "feedback_text_scores",
    "dbt_marts",
    "quality_raw",
    "quality_intermediate",
    "quality_marts",
    "quality_authenticity",
    "serving__marts",
)


class BenchError(RuntimeError):
    """The benchmark could not measure what it is for (``figures``: what was measured)."""

    def __init__(self, message: str, figures: dict[str, Any] | None = None):
        super().__init__(message)
        self.figures = figures or {}


def _env(work: Path) -> dict[str, str]:
    home = work / "dagster_home"
    home.mkdir(parents=True, exist_ok=True)
    link = home / "dagster.yaml"
    if not link.exists():
        link.symlink_to(PROJECT_ROOT / "dagster.yaml")
    env = dict(os.environ)
    env.update(
        VOC_LANDING_DIR=str(work / "landing"),
        VOC_DUCKDB_PATH=str(work / "warehouse.duckdb"),
        VOC_SERVING_PATH=str(work / "serving.duckdb"),
        VOC_MARTS_PARQUET_DIR=str(work / "marts"),
        VOC_QUALITY_DOCS_DIR=str(work / "quality_docs"),
        VOC_CACHE_DIR=str(work / "cache"),
        DAGSTER_HOME=str(home),
        PYTHONUNBUFFERED="1",
    )
    return env


def _measured(cmd: list[str], env: dict[str, str], log: Path) -> dict[str, Any]:
    """Run ``cmd`` with its output to ``log``; wall time, exit code and memory of its tree."""
    started_at = time.time()
    t0 = time.perf_counter()
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=PROJECT_ROOT, env=env, stdout=out, stderr=out)
        with TreeSampler(proc.pid) as sampler:
            _, status, rusage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - t0
    return {
        "cmd": " ".join(Path(c).name if i == 0 else repo_relative(c) for i, c in enumerate(cmd)),
        "exit_code": proc.returncode,
        "started_at": started_at,
        "wall_s": round(wall, 2),
        "cpu_s": round(rusage.ru_utime + rusage.ru_stime, 1),
        **sampler.figures(),
        "kernel_max_single_rss_mb": round(rusage.ru_maxrss / 1024, 1),
        "log": repo_relative(log),
    }


def repo_relative(value: str | Path) -> str:
    """``value`` with the project's own folder left out: committed figures name paths
    relative to the repository, never this machine's."""
    return str(value).replace(f"{PROJECT_ROOT}/", "")


def _newest_run_id(home: Path) -> str | None:
    """Id of the newest Dagster run recorded in ``home`` (None: none yet)."""
    import dagster as dg

    if not (home / "history").exists():
        return None
    with dg.DagsterInstance.from_config(str(home)) as instance:
        runs = instance.get_runs(limit=1)
        return runs[0].run_id if runs else None


def _step_timings(home: Path) -> tuple[dict[str, float], float, float, bool, str]:
    """Per step seconds, first and last event time, success and id of the newest run in
    ``home``."""
    import dagster as dg

    with dg.DagsterInstance.from_config(str(home)) as instance:
        runs = instance.get_runs(limit=1)
        if not runs:
            raise BenchError(f"no Dagster run recorded in {home}")
        run = runs[0]
        starts: dict[str, float] = {}
        steps: dict[str, float] = {}
        first = last = None
        for entry in instance.all_logs(run.run_id):
            first = entry.timestamp if first is None else first
            last = entry.timestamp
            event = entry.dagster_event
            if event is None or not entry.step_key:
                continue
            if event.event_type == dg.DagsterEventType.STEP_START:
                starts[entry.step_key] = entry.timestamp
            elif event.event_type == dg.DagsterEventType.STEP_SUCCESS:
                steps[entry.step_key] = entry.timestamp - starts.get(
                    entry.step_key, entry.timestamp
                )
        ok = run.status == dg.DagsterRunStatus.SUCCESS
        return steps, first or 0.0, last or 0.0, ok, run.run_id


def _counts(duckdb_path: Path) -> dict[str, int]:
    """Rows in the tables the stages write (absent tables count 0)."""
    import duckdb

    from voc_core.contracts import SOURCES

    tables = {
        "raw": [f"raw.{s}" for s in SOURCES],
        "feedback_unioned": ["intermediate.int_feedback_unioned"],
        "text_scores": ["text_analytics.feedback_scores"],
        "fct_feedback": ["marts.fct_feedback"],
    }
    out: dict[str, int] = {}
    with duckdb.connect(str(duckdb_path), read_only=True) as con:
        present = {
            f"{s}.{t}"
            for s, t in con.sql(
                "select table_schema, table_name from information_schema.tables"
            ).fetchall()
        }
        for name, names in tables.items():
            out[name] = sum(
                con.sql(f"select count(*) from {t}").fetchone()[0] for t in names if t in present
            )
    return out


def run_pipeline(
    work: Path, label: str, before: dict[str, int], require_steps: bool = True
) -> dict[str, Any]:
    """One ``voc run`` in a subprocess: timings per stage, rows per stage, memory.

    ``require_steps=False`` (the no-op run): steps may be skipped, and ``voc run`` may even
    start no Dagster run at all (then every second of it counts as start-up).
    """
    env = _env(work)
    previous = _newest_run_id(work / "dagster_home")
    cmd = [sys.executable, "-m", "voc.cli", "run"]
    proc = _measured(cmd, env, work / f"{label}.log")
    if proc["exit_code"] != 0:
        raise BenchError(
            f"{label}: voc run exited {proc['exit_code']}; see {proc['log']}", {"process": proc}
        )
    if not require_steps and _newest_run_id(work / "dagster_home") == previous:
        steps, first, last, run_id = {}, proc["started_at"] + proc["wall_s"], 0.0, None
    else:
        steps, first, last, success, run_id = _step_timings(work / "dagster_home")
        if not success:
            raise BenchError(
                f"{label}: the Dagster run did not succeed; see {proc['log']}", {"process": proc}
            )
        if run_id == previous:
            raise BenchError(f"{label}: voc run recorded no Dagster run", {"process": proc})
    missing = [s for s in REQUIRED_STEPS if s not in steps]
    if not any(stage_of(k) == "ingest" for k in steps):
        missing.append("raw__<source>")
    if missing and require_steps:
        raise BenchError(f"{label}: stages missing from the run: {', '.join(missing)}")
    after = _counts(work / "warehouse.duckdb")
    new = {k: after[k] - before.get(k, 0) for k in after}
    stages: dict[str, float] = {s: 0.0 for s in STAGES}
    for key, seconds in steps.items():
        stage = stage_of(key)
        stages[stage] = stages.get(stage, 0.0) + seconds
    startup = max(0.0, first - proc["started_at"])
    teardown = max(0.0, proc["started_at"] + proc["wall_s"] - last) if run_id else 0.0
    stages["startup"] = startup
    stages["orchestration"] = max(0.0, (last - first) - sum(steps.values())) if run_id else 0.0
    stages["teardown"] = teardown
    rows = {
        "ingest": new["raw"],
        "dbt_staging_intermediate": new["feedback_unioned"],
        "text_scoring": new["text_scores"],
        "marts": new["fct_feedback"],
        "quality": new["feedback_unioned"],
        "publish": new["fct_feedback"],
    }
    return {
        "process": proc,
        "dagster_run": run_id is not None,
        "stages": {
            name: {
                "seconds": round(seconds, 2),
                **(
                    {"rows": rows[name], "rows_per_s": round(rows[name] / seconds, 1)}
                    if name in rows and seconds > 0
                    else {}
                ),
            }
            for name, seconds in stages.items()
        },
        "steps": {k: round(v, 2) for k, v in sorted(steps.items())},
        "rows_new": new,
        "rows_total": after,
    }


def bench_scale(
    name: str, customers: int, work_root: Path, refresh: bool, result: dict[str, Any]
) -> dict[str, Any]:
    """Generate, hold back, run history and refresh at one scale; fills ``result``."""
    work = work_root / name
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    env = _env(work)
    gen = _measured(
        [
            sys.executable,
            "-m",
            "sample_data",
            "--out",
            str(work / "landing"),
            "--days",
            str(DAYS),
            "--customers",
            str(customers),
            "--seed",
            str(SEED),
        ],
        env,
        work / "generate.log",
    )
    if gen["exit_code"] != 0:
        raise BenchError(
            f"{name}: python -m sample_data exited {gen['exit_code']}; see {gen['log']}"
        )
    truth = json.loads((work / "ground_truth" / "summary.json").read_text(encoding="utf-8"))
    items = truth["feedback_items"]
    held = holdback.hold_back(work / "landing", work / "held", SHARE, work / "ground_truth")
    held_summary = holdback.summary(held)
    feedback_sources = {"survey", "app_review", "ecommerce_review", "social"}
    feedback_sources |= {"support_ticket", "store_card"}
    held_feedback = sum(h.records_held for h in held if h.source in feedback_sources)
    result.update(
        {
            "scale": name,
            "customers": customers,
            "days": DAYS,
            "seed": SEED,
            "generated_feedback_items": items,
            "generate": {
                **gen,
                "rows": items,
                "rows_per_s": round(items / gen["wall_s"], 1),
            },
            "holdback": {**held_summary, "feedback_records_held": held_feedback},
        }
    )
    print(f"[{name}] generated {items:,} feedback items in {gen['wall_s']:.0f} s", flush=True)
    try:
        history = run_pipeline(work, "history", {})
    except BenchError as exc:
        result["history"] = exc.figures
        raise
    result["history"] = history
    print(
        f"[{name}] history run: {history['rows_total']['feedback_unioned']:,} feedback items "
        f"in {history['process']['wall_s']:.0f} s",
        flush=True,
    )
    try:
        noop = run_pipeline(work, "noop", history["rows_total"], require_steps=False)
    except BenchError as exc:
        result["noop"] = exc.figures
        raise
    if any(noop["rows_new"].values()):
        raise BenchError(f"{name}: the run with no new files wrote rows: {noop['rows_new']}")
    result["noop"] = noop
    print(
        f"[{name}] run with no new files: {noop['process']['wall_s']:.1f} s "
        f"(CPU {noop['process']['cpu_s']:.1f} s)",
        flush=True,
    )
    if refresh:
        holdback.release(work / "held", work / "landing")
        fresh = run_pipeline(work, "refresh", noop["rows_total"])
        if fresh["rows_new"]["feedback_unioned"] <= 0:
            raise BenchError(f"{name}: the refresh brought in no new feedback")
        if fresh["rows_new"]["raw"] < held_summary["records_held"] * 0.9:
            raise BenchError(
                f"{name}: the refresh loaded {fresh['rows_new']['raw']} raw rows of "
                f"{held_summary['records_held']} held back"
            )
        result["refresh"] = fresh
        print(
            f"[{name}] +1% refresh: {fresh['rows_new']['feedback_unioned']:,} new feedback "
            f"items in {fresh['process']['wall_s']:.0f} s",
            flush=True,
        )
    return result


def _commit() -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return out.stdout.strip()


def machine() -> dict[str, Any]:
    load = os.getloadavg()
    return {
        "commit": _commit(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "load_avg_at_start": [round(x, 2) for x in load],
        "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scale",
        action="append",
        choices=sorted(SCALES),
        help="scale(s) to run (repeatable; default: 100k and 1M)",
    )
    parser.add_argument("--no-refresh", action="store_true", help="skip the +1%% refresh run")
    parser.add_argument("--work", type=Path, default=WORK_DIR, help="work folder (gitignored)")
    parser.add_argument("--keep", action="store_true", help="keep the work folders afterwards")
    parser.add_argument(
        "--json", type=Path, default=None, help="write the figures here (default: bench/results/)"
    )
    args = parser.parse_args(argv)
    scales = args.scale or ["100k", "1M"]
    report: dict[str, Any] = {"machine": machine(), "scales": {}}
    target = args.json or RESULTS_DIR / f"e2e_{'_'.join(scales)}.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        for name in scales:
            report["scales"][name] = {}
            bench_scale(name, SCALES[name], args.work, not args.no_refresh, report["scales"][name])
            if not args.keep:
                shutil.rmtree(args.work / name, ignore_errors=True)
    except BenchError as exc:
        report["error"] = str(exc)
        failed = target.with_name(target.stem + ".failed.json")
        failed.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
        print(f"e2e_bench: FAILED: {exc} (what was measured: {failed})", file=sys.stderr)
        return 1
    report["machine"]["load_avg_at_end"] = [round(x, 2) for x in os.getloadavg()]
    target.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(format_e2e(report))
    print(f"figures written to {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
