"""Steps that skip their work when nothing they read has changed since they last succeeded.

A run with no new landing files used to rebuild every dbt model, run every quality suite,
republish the serving copy and redraw the report: about a minute of fixed cost for nothing.
The steps that cost seconds (the two dbt steps, the four quality layers, the serving copy,
the report) now describe what they read as a small dictionary of cheap observations (the
state of ``raw._files``, the scoring tables, the dbt project's files and vars, the record of
the step upstream of them, ...). After a step succeeds, the hash of that description is kept
in ``meta.step_inputs`` with the check results the step reported. The next run skips the
step's work when all of these hold:

- the run switches are off (``full_refresh``, ``revalidate``: they mean "redo");
- the previous run of the Dagster instance succeeded (a failed or killed run is redone
  whole, whatever it had finished);
- the step's own last execution succeeded with exactly these inputs and the same selection
  (a step clears its record before it works, so a failure leaves none), and none of the
  checks it reported failed with severity ERROR.

A skipped step still reports each of its assets (row count, ``rows_new`` 0) and replays the
check results of the execution whose work stands, every one with the metadata
``SKIPPED_KEY`` that names that run; ``voc run`` prints "nothing new: skipped ...". A step
that runs records itself anew, which changes the inputs of the steps downstream of it.

What the clock changes is not read by the steps that skip (each step's inputs say why):
the marts measure time against the data's own last day (``int_data_horizon``); the raw
volume suite's "never after today" is in quality_raw's inputs; the other suites read the
clock only for rows that have not passed yet, of which there are none. The freshness checks
(arrival times against the clock), the alert delivery and the follow-up export never skip.
The report's "generated at" line keeps the time it was drawn.

Known lag: ``mart_data_health_checks`` shows the marts and authenticity layers of the run
before the one that built it (their suites run after the marts); a run that skips dbt does
not pick up the last run's results of those two layers until the marts are rebuilt.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb

from voc_core.catalog import relation_exists

LEDGER = "meta.step_inputs"
#: Metadata key of a skipped step's materializations and replayed check results.
SKIPPED_KEY = "skipped"
#: Run statuses after which the next run may skip steps.
_DONE = dg.DagsterRunStatus.SUCCESS


@dataclass(frozen=True)
class Standing:
    """The last successful execution of a step whose inputs are unchanged."""

    run_id: str
    recorded_at: datetime
    checks: list[dict[str, Any]]

    def note(self, what: str) -> str:
        """``nothing new: skipped <what> (work of run 1a2b3c4d, 2026-12-06 03:36 UTC)``."""
        when = f"{self.recorded_at:%Y-%m-%d %H:%M} UTC"
        return f"nothing new: skipped {what} (work of run {self.run_id[:8]}, {when})"


def ensure_ledger(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create schema if not exists meta")
    con.execute(
        f"""
        create table if not exists {LEDGER} (
            step varchar primary key,
            inputs varchar not null,
            run_id varchar not null,
            recorded_at timestamp not null,
            checks json not null
        )
        """
    )


def inputs_token(parts: Mapping[str, Any]) -> str:
    """The hash of a step's inputs (any JSON-able values; others by their ``str``)."""
    text = json.dumps(parts, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[list[Any]]:
    return [[str(v) for v in row] for row in con.execute(sql).fetchall()]


def raw_state(con: duckdb.DuckDBPyConnection) -> list[Any]:
    """What the loader wrote: every file it recorded (status, rows, load time), the
    quarantine's size and the rows of each raw table (a row written there behind the
    loader's back, too). The loader only appends; a new or changed delivery changes this."""
    tables = con.execute(
        "select table_name from information_schema.tables where table_schema = 'raw'"
        " and table_type = 'BASE TABLE' order by table_name"
    ).fetchall()
    state: list[Any] = [
        [name, con.execute(f'select count(*) from raw."{name}"').fetchone()[0]]
        for (name,) in tables
    ]
    if relation_exists(con, "raw", "_files"):
        state.append(
            _rows(
                con,
                "select source, status, count(*), sum(rows_read), sum(rows_loaded),"
                " max(loaded_at) from raw._files group by all order by all",
            )
        )
    if relation_exists(con, "raw", "_quarantine"):
        state.append(_rows(con, "select count(*), max(quarantined_at) from raw._quarantine"))
    return state


def text_state(con: duckdb.DuckDBPyConnection) -> list[Any]:
    """What text analytics wrote: scores (a rescore writes new ``scored_at``), topic scores
    and the sentiment models."""
    queries = {
        ("text_analytics", "feedback_scores"): "select count(*), max(scored_at),"
        " min(model_version), max(model_version) from text_analytics.feedback_scores",
        ("text_analytics", "feedback_topic_scores"): "select count(*), min(model_version),"
        " max(model_version) from text_analytics.feedback_topic_scores",
        ("text_analytics", "models"): "select count(*), max(trained_at),"
        " string_agg(version, ',' order by version) filter (where is_current)"
        " from text_analytics.models",
    }
    return [
        _rows(con, sql) if relation_exists(con, schema, name) else None
        for (schema, name), sql in queries.items()
    ]


def quality_state(con: duckdb.DuckDBPyConnection, layers: Sequence[str]) -> list[Any]:
    """The latest recorded run of each of ``layers`` in ``quality.validation_results``."""
    if not relation_exists(con, "quality", "validation_results"):
        return []
    names = ", ".join(f"'{layer}'" for layer in layers)
    return _rows(
        con,
        "select layer, max(run_at), arg_max(run_id, run_at) from quality.validation_results"
        f" where layer in ({names}) group by layer order by layer",
    )


def step_record(con: duckdb.DuckDBPyConnection, step: str) -> list[Any] | None:
    """The record of ``step`` (inputs and run), as an input of the steps downstream of it:
    it changes whenever the step did its work again, and is absent when it last failed."""
    if not relation_exists(con, "meta", "step_inputs"):
        return None
    row = con.execute(f"select inputs, run_id from {LEDGER} where step = ?", [step]).fetchone()
    return list(row) if row else None


def files_state(paths: Iterable[Path]) -> list[Any]:
    """Size and modification time of each path (None when missing): outputs a step keeps
    outside the warehouse, which someone may have removed since."""
    state: list[Any] = []
    for path in paths:
        try:
            stat = path.stat()
        except OSError:
            state.append([str(path), None])
            continue
        state.append([str(path), stat.st_size, stat.st_mtime_ns])
    return state


def source_state(*packages: Path) -> list[Any]:
    """Path, size and modification time of the Python files of ``packages`` (code whose
    change should redo the step's work)."""
    return files_state(sorted(p for package in packages for p in package.rglob("*.py")))


def selection(context: Any) -> list[str]:
    """The step's selected assets and checks, as text."""
    assets = sorted(k.to_user_string() for k in getattr(context, "selected_asset_keys", ()))
    checks = sorted(
        f"{k.asset_key.to_user_string()}:{k.name}" for k in context.selected_asset_check_keys
    )
    return [*assets, *checks]


def previous_run_succeeded(context: Any) -> bool:
    """Whether the run before this one, on this Dagster instance, succeeded."""
    op_context = getattr(context, "op_execution_context", context)
    for run in op_context.instance.get_runs(limit=3):
        if run.run_id == op_context.run_id:
            continue
        return run.status == _DONE
    return False  # no earlier run on this instance: nothing to rely on


def standing(
    context: Any,
    con: duckdb.DuckDBPyConnection,
    step: str,
    inputs: str,
    *,
    redo: bool = False,
) -> Standing | None:
    """The execution of ``step`` whose work still stands for ``inputs`` and that reported
    every check selected now, or None when the step must work (see the module's docstring).
    Clears the step's record when it must."""
    ensure_ledger(con)
    found = None
    if not redo and previous_run_succeeded(context):
        row = con.execute(
            f"select run_id, recorded_at, checks from {LEDGER} where step = ? and inputs = ?",
            [step, inputs],
        ).fetchone()
        if row is not None:
            checks = json.loads(row[2])
            if not any(not c["passed"] and c["severity"] == "ERROR" for c in checks):
                found = Standing(row[0], row[1], checks)
    if found is not None and not covers(found, context.selected_asset_check_keys):
        found = None
    if found is None:
        forget(con, step)
    return found


def forget(con: duckdb.DuckDBPyConnection, step: str | None = None) -> None:
    """Clear the record of ``step`` (of every step when None): its next execution works."""
    if not relation_exists(con, "meta", "step_inputs"):
        return
    if step is None:
        con.execute(f"delete from {LEDGER}")
    else:
        con.execute(f"delete from {LEDGER} where step = ?", [step])


def _plain(value: Any) -> Any:
    value = getattr(value, "value", value)
    try:
        json.dumps(value)
    except TypeError:
        return str(value)
    return value


def check_record(result: dg.AssetCheckResult) -> dict[str, Any]:
    """What ``replay`` needs of a check result, as JSON."""
    return {
        "asset": result.asset_key.to_user_string() if result.asset_key else None,
        "check": result.check_name,
        "passed": bool(result.passed),
        "severity": result.severity.value,
        "description": result.description,
        "metadata": {k: _plain(v) for k, v in (result.metadata or {}).items()},
    }


def remember(
    con: duckdb.DuckDBPyConnection,
    step: str,
    inputs: str,
    run_id: str,
    checks: Sequence[dg.AssetCheckResult | dict[str, Any]] = (),
) -> None:
    """Record a successful execution of ``step`` with ``inputs`` and its check results."""
    ensure_ledger(con)
    records = [c if isinstance(c, dict) else check_record(c) for c in checks]
    con.execute(
        f"insert or replace into {LEDGER} values (?, ?, ?, ?, ?)",
        [
            step,
            inputs,
            run_id,
            datetime.now(timezone.utc).replace(tzinfo=None),
            json.dumps(records, default=str),
        ],
    )


def replay(
    found: Standing, selected: Iterable[dg.AssetCheckKey], what: str
) -> list[dg.AssetCheckResult]:
    """The check results of the execution whose work stands, for the selected checks, each
    marked as skipped. A selected check it did not report is not replayed."""
    wanted = set(selected)
    results = []
    for record in found.checks:
        key = dg.AssetCheckKey(dg.AssetKey.from_user_string(record["asset"]), record["check"])
        if key not in wanted:
            continue
        results.append(
            dg.AssetCheckResult(
                asset_key=key.asset_key,
                check_name=key.name,
                passed=record["passed"],
                severity=dg.AssetCheckSeverity(record["severity"]),
                description=record["description"],
                metadata={**record["metadata"], SKIPPED_KEY: found.note(what)},
            )
        )
    return results


def covers(found: Standing, selected: Iterable[dg.AssetCheckKey]) -> bool:
    """Whether ``found`` holds a result for every selected check."""
    recorded = {(c["asset"], c["check"]) for c in found.checks}
    return all((k.asset_key.to_user_string(), k.name) in recorded for k in selected)


def env_state(prefix: str) -> list[str]:
    """The environment variables starting with ``prefix`` (values hashed with the rest)."""
    return sorted(f"{k}={v}" for k, v in os.environ.items() if k.startswith(prefix))
