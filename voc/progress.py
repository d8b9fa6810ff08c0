"""What ``voc run`` prints: one line per step as it finishes and a summary; the full log goes
to a file.

Left alone, a run prints about a thousand lines: Dagster's console logger shows every event
(DEBUG included) and dagster-dbt echoes dbt's own output. While a run executes here:

- the ``voc_progress`` logger (a Dagster logger, chosen in the run config, so it replaces the
  console logger) writes every event of the run to the log file and prints one line on the
  console per finished step, one per warning of a step, and the summary;
- the process's standard output and error (file descriptors 1 and 2) point at the same log
  file, so what else writes there (dbt's output, Great Expectations, Python warnings) lands
  in the file, not on the console.

The events still go to the Dagster instance's event log as well, so ``dagster dev`` shows the
run. The log file is ``<instance>/logs/voc-run-<run id>.log`` (``.dagster/logs/`` for ``voc
run``).
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import dagster as dg

from orchestration.unchanged import SKIPPED_KEY

#: Key of the logger in the run config.
LOGGER_KEY = "voc_progress"
#: Lines of the log file: the layout of Dagster's console logger.
LOG_FORMAT = "%(asctime)s - dagster - %(levelname)s - %(message)s"

#: Failed checks named in the summary line (the log file has them all).
FAILED_CHECKS_NAMED = 5
#: Errors that only wrap the one raised by the step's code (shown instead).
_WRAPPERS = frozenset({"DagsterExecutionStepExecutionError", "DagsterUserCodeExecutionError"})


@dataclass
class _Step:
    started: float | None = None
    #: (asset key, metadata) of each materialization.
    materialized: list[tuple[str, Mapping[str, Any]]] = field(default_factory=list)
    checks_passed: int = 0
    checks_failed: int = 0
    #: Failed with severity WARN: reported, blocking nothing (a late source, flagged reviews).
    checks_warned: int = 0
    #: Why the step did not redo its work (``orchestration.unchanged``), when it did not.
    skipped_work: str | None = None


def _count(n: int, noun: str) -> str:
    """``1 row``, ``2,000 rows``."""
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def _first_line(text: str | None) -> str:
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    return lines[0] if lines else ""


def _message(record: logging.LogRecord) -> str:
    """The first line of what was logged (without Dagster's run and step prefix)."""
    meta = getattr(record, "dagster_meta", None) or {}
    return _first_line(meta.get("orig_message") or record.getMessage())


def _error_line(error: Any) -> str:
    """The first line of an error's message (of the step code's error, not Dagster's wrapper)."""
    while error is not None and error.cause is not None and error.cls_name in _WRAPPERS:
        error = error.cause
    if error is None:
        return "unknown error"
    return _first_line(error.message) or error.cls_name or "unknown error"


def _int(metadata: Mapping[str, Any], key: str) -> int | None:
    value = getattr(metadata.get(key), "value", None)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _skipped_work(metadata: Mapping[str, Any] | None) -> str | None:
    value = getattr((metadata or {}).get(SKIPPED_KEY), "value", None)
    return value if isinstance(value, str) else None


def _rows_text(materialized: Sequence[tuple[str, Mapping[str, Any]]]) -> str:
    """Rows of a step's assets: ``raw/survey 31,589 rows, +120 new`` or, for several assets,
    ``14 assets 190,000 rows, +3,000 new``; rows scored where the step reports them."""
    if not materialized:
        return ""
    counts = [_int(m, "dagster/row_count") for _, m in materialized]
    new = [_int(m, "rows_new") for _, m in materialized]
    scored = [_int(m, "rows_scored") for _, m in materialized]
    head = materialized[0][0] if len(materialized) == 1 else _count(len(materialized), "asset")
    parts = [head]
    if any(c is not None for c in counts):
        parts[0] += " " + _count(sum(c or 0 for c in counts), "row")
    if any(n is not None for n in new):
        parts.append(f"+{sum(n or 0 for n in new):,} new")
    if any(s is not None for s in scored):
        parts.append(f"{sum(s or 0 for s in scored):,} scored")
    return ", ".join(parts)


class RunProgress:
    """Turns the log records of one run into console lines: a step's line when it finishes,
    a warning's line when it is logged; ``summary`` is the closing line."""

    def __init__(self, console: TextIO) -> None:
        self.console = console
        self.steps: dict[str, _Step] = {}
        self.succeeded: list[str] = []
        self.failed: list[str] = []
        self.skipped: list[str] = []
        #: Steps that found nothing new and left their work as it was.
        self.skipped_work: list[str] = []
        #: (asset key, check name) of each failed check (severity ERROR), in order.
        self.failed_checks: list[tuple[str, str]] = []
        #: The same for checks that failed with severity WARN.
        self.warned_checks: list[tuple[str, str]] = []
        self.run_error: str | None = None

    def print_line(self, line: str) -> None:
        print(line, file=self.console, flush=True)

    def _step_line(self, status: str, step_key: str, seconds: float | None, detail: str) -> None:
        took = f"{seconds:6.1f}s" if seconds is not None else " " * 7
        self.print_line(f"  {status:<7} {step_key:<34} {took}  {detail}".rstrip())

    def handle(self, record: logging.LogRecord) -> None:
        meta = getattr(record, "dagster_meta", None) or {}
        event: dg.DagsterEvent | None = meta.get("dagster_event")
        step_key = meta.get("step_key") or (event.step_key if event else None) or "run"
        if event is None:
            started = step_key in self.steps and self.steps[step_key].started is not None
            if record.levelno >= logging.ERROR and step_key != "run" and not started:
                # Dagster's word for a step it will not run (an upstream step failed)
                self.skipped.append(step_key)
                self._step_line("skipped", step_key, None, _message(record))
            elif record.levelno >= logging.WARNING:
                self._warning_line(record, step_key)
            return
        step = self.steps.setdefault(step_key, _Step())
        kind = event.event_type
        if kind == dg.DagsterEventType.STEP_START:
            step.started = record.created
        elif kind == dg.DagsterEventType.ASSET_MATERIALIZATION:
            materialization = event.step_materialization_data.materialization
            step.materialized.append(
                (materialization.asset_key.to_user_string(), materialization.metadata)
            )
            step.skipped_work = _skipped_work(materialization.metadata) or step.skipped_work
        elif kind == dg.DagsterEventType.ASSET_CHECK_EVALUATION:
            evaluation = event.asset_check_evaluation_data
            check = (evaluation.asset_key.to_user_string(), evaluation.check_name)
            step.skipped_work = _skipped_work(evaluation.metadata) or step.skipped_work
            if evaluation.passed:
                step.checks_passed += 1
            elif evaluation.severity == dg.AssetCheckSeverity.WARN:
                step.checks_warned += 1
                self.warned_checks.append(check)
            else:
                step.checks_failed += 1
                self.failed_checks.append(check)
        elif kind == dg.DagsterEventType.STEP_SUCCESS:
            self.succeeded.append(step_key)
            seconds = event.step_success_data.duration_ms / 1000
            detail = "; ".join(
                filter(None, [_rows_text(step.materialized), _checks_text(step), step.skipped_work])
            )
            if step.skipped_work:
                self.skipped_work.append(step_key)
            self._step_line("ok", step_key, seconds, detail)
        elif kind == dg.DagsterEventType.STEP_FAILURE:
            self.failed.append(step_key)
            seconds = record.created - step.started if step.started is not None else None
            self._step_line("FAILED", step_key, seconds, _error_line(event.step_failure_data.error))
        elif kind == dg.DagsterEventType.STEP_UP_FOR_RETRY:
            self._step_line("retry", step_key, None, _error_line(event.step_retry_data.error))
        elif kind == dg.DagsterEventType.STEP_SKIPPED:
            self.skipped.append(step_key)
            self._step_line("skipped", step_key, None, "")
        elif kind == dg.DagsterEventType.RUN_FAILURE:
            error = event.job_failure_data.error
            self.run_error = _error_line(error) if error is not None else None
        elif record.levelno >= logging.WARNING:
            self._warning_line(record, step_key)

    def _warning_line(self, record: logging.LogRecord, step_key: str) -> None:
        self.print_line(f"  {record.levelname.lower():<7} {step_key}: {_message(record)}")

    def summary(self, run_id: str, success: bool, seconds: float) -> str:
        """One line: run id, outcome, time, steps, and what failed."""
        outcome = "succeeded" if success else "FAILED"
        parts = [f"{_count(len(self.succeeded), 'step')} ok"]
        if self.failed:
            parts.append(f"{len(self.failed)} failed ({', '.join(self.failed)})")
        if self.skipped:
            parts.append(f"{len(self.skipped)} skipped")
        if self.skipped_work:
            n = len(self.skipped_work)
            whose = "its" if n == 1 else "their"
            parts.append(f"nothing new: {_count(n, 'step')} skipped {whose} work")
        if self.failed_checks:
            named = _failed_checks_text(self.failed_checks)
            parts.append(f"{_count(len(self.failed_checks), 'check')} failed ({named})")
        if self.warned_checks:
            named = _failed_checks_text(self.warned_checks)
            parts.append(f"{_count(len(self.warned_checks), 'warning')} ({named})")
        if not success and not self.failed and self.run_error:
            parts.append(self.run_error)
        return f"Run {run_id} {outcome} in {seconds:.1f}s: {'; '.join(parts)}"


def _failed_checks_text(failed: Sequence[tuple[str, str]]) -> str:
    """``asset:check`` for each failed check, ``check on N assets`` for a check that failed on
    several; the first few of them."""
    assets_by_check: dict[str, list[str]] = {}
    for asset, check in failed:
        assets_by_check.setdefault(check, []).append(asset)
    names: list[str] = []
    for check, assets in assets_by_check.items():
        if len(assets) > 2:
            names.append(f"{check} on {len(assets)} assets")
        else:
            names.extend(f"{asset}:{check}" for asset in assets)
    more = len(names) - FAILED_CHECKS_NAMED
    return ", ".join(names[:FAILED_CHECKS_NAMED]) + (f" and {more} more" if more > 0 else "")


def _checks_text(step: _Step) -> str:
    if not step.checks_passed and not step.checks_failed and not step.checks_warned:
        return ""
    failed = f", {step.checks_failed} FAILED" if step.checks_failed else ""
    warned = f", {step.checks_warned} warning" if step.checks_warned else ""
    return f"checks {step.checks_passed} passed{failed}{warned}"


class _ProgressHandler(logging.Handler):
    def __init__(self, progress: RunProgress) -> None:
        super().__init__(logging.DEBUG)
        self.progress = progress

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.progress.handle(record)
        except Exception:  # the console is a courtesy: never fail a run over it
            self.handleError(record)


def progress_logger(progress: RunProgress, log_stream: TextIO) -> dg.LoggerDefinition:
    """A Dagster logger: every record to ``log_stream`` (DEBUG included), and to ``progress``."""

    @dg.logger(description="voc run: full log to a file, one line per step on the console")
    def voc_progress(init_context: dg.InitLoggerContext) -> logging.Logger:
        logger = logging.Logger(LOGGER_KEY, logging.DEBUG)  # private: not in logging's registry
        to_file = logging.StreamHandler(log_stream)
        to_file.setFormatter(logging.Formatter(LOG_FORMAT))
        logger.addHandler(to_file)
        logger.addHandler(_ProgressHandler(progress))
        return logger

    return voc_progress


@contextlib.contextmanager
def output_to(log_stream: TextIO) -> Iterator[TextIO]:
    """Point standard output and error (file descriptors 1 and 2, so child processes too) at
    ``log_stream`` for the duration; yield a stream on the original standard output."""
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        fds = (sys.stdout.fileno(), sys.stderr.fileno())
    except (AttributeError, OSError, ValueError):  # no file descriptors: Python level only
        console = sys.stdout
        with contextlib.redirect_stdout(log_stream), contextlib.redirect_stderr(log_stream):
            yield console
        return
    saved = [os.dup(fd) for fd in fds]
    console = open(  # noqa: SIM115 - closed below, after the descriptors are restored
        os.dup(saved[0]), "w", encoding=sys.stdout.encoding or "utf-8", errors="replace"
    )
    log_stream.flush()
    try:
        for fd in fds:
            os.dup2(log_stream.fileno(), fd)
        yield console
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        for fd, copy in zip(fds, saved, strict=True):
            os.dup2(copy, fd)
            os.close(copy)
        console.close()


def _with_logger(run_config: Mapping[str, Any] | dg.RunConfig | None) -> dict[str, Any]:
    if isinstance(run_config, dg.RunConfig):
        run_config = run_config.to_config_dict()
    config = dict(run_config or {})
    config["loggers"] = {**config.get("loggers", {}), LOGGER_KEY: {}}
    return config


def execute_with_progress(
    defs: dg.Definitions,
    job_name: str,
    *,
    instance: dg.DagsterInstance,
    run_config: Mapping[str, Any] | dg.RunConfig | None = None,
    asset_selection: Sequence[dg.AssetKey] | None = None,
    log_dir: Path | None = None,
) -> dg.ExecuteInProcessResult:
    """Run ``job_name`` of ``defs`` in-process (``raise_on_error=False``), printing one line
    per step and a summary on standard output; every event goes to the log file, whose path
    is printed last, and to ``instance``."""
    run_id = str(uuid.uuid4())
    log_dir = Path(log_dir or Path(instance.root_directory) / "logs")
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"voc-run-{run_id}.log"
    started = time.monotonic()
    with (
        log_path.open("a", encoding="utf-8", buffering=1) as log_stream,
        output_to(log_stream) as console,
    ):
        progress = RunProgress(console)
        logger_defs = {LOGGER_KEY: progress_logger(progress, log_stream)}
        job = dg.Definitions.merge(defs, dg.Definitions(loggers=logger_defs)).resolve_job_def(
            job_name
        )
        try:
            result = job.execute_in_process(
                run_config=_with_logger(run_config),
                instance=instance,
                asset_selection=asset_selection,
                run_id=run_id,
                raise_on_error=False,
            )
        except BaseException:  # not a step's failure (those are in the result): Dagster's own
            progress.print_line(f"Run {run_id} stopped. Full log: {log_path}")
            raise
        summary = progress.summary(result.run_id, result.success, time.monotonic() - started)
        log_stream.write(summary + "\n")
        progress.print_line(summary)
        progress.print_line(f"Full log: {log_path}")
    return result
