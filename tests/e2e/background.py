"""The session's whole runs, started in background worker processes when the session starts.

The whole-pipeline runs of the session fixtures (``pipeline_run``, ``demo_run``, the source
subsets) depend on no test, so ``tests.e2e.fixtures`` starts them as soon as the tests that
need them are collected (``start``), in two worker processes at a lower CPU priority. They use
the core the tests leave idle (a test mostly waits on one dbt subprocess) and are usually done
when their first test asks (``result``); the tests run first whenever both want the CPU.

A job writes everything it prints (its own output and its dbt subprocesses') to a log file of
its own. A job that raises, a worker that dies and a job that outlasts ``TIMEOUT_SECONDS``
fail the fixture that asked for it with ``BackgroundRunError``, the tail of that log attached:
a test error, never a hang.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import traceback
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from pathlib import Path
from typing import Any

WORKERS = 2
#: ``os.nice`` increment of the background workers (and the dbt processes they start).
NICENESS = 10
#: How long a fixture waits for its background job before it fails (a whole run takes
#: minutes; a job still running after this is hung).
TIMEOUT_SECONDS = 45 * 60
#: How much of a failed job's log the error shows.
LOG_TAIL_CHARS = 8000


class BackgroundRunError(RuntimeError):
    """A background job failed, its worker died or it timed out; the message holds its log."""


@dataclass(frozen=True)
class _Job:
    future: Future
    log: Path


_pool: ProcessPoolExecutor | None = None
_jobs: dict[str, _Job] = {}


def _lower_priority() -> None:
    os.nice(NICENESS)


def _run_logged(log: Path, function: Callable[..., Any], args: tuple[Any, ...]) -> Any:
    """``function(*args)`` with file descriptors 1 and 2 (so the dbt subprocesses' output as
    well) in ``log``. A failure comes back as a plain ``RuntimeError`` holding the formatted
    traceback: the original exception need not survive pickling."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    with log.open("ab", buffering=0) as out:
        os.dup2(out.fileno(), 1)
        os.dup2(out.fileno(), 2)
        try:
            return function(*args)
        except BaseException as error:
            text = "".join(traceback.format_exception(error))
            print(text, file=sys.stderr, flush=True)
            raise RuntimeError(text) from None
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])


def start(name: str, log: Path, function: Callable[..., Any], *args: Any) -> None:
    """Start ``function(*args)`` (importable, picklable arguments and result) in a background
    worker, its output in ``log``; ``result(name, ...)`` returns what it returns. Jobs start
    in the order given, ``WORKERS`` at a time."""
    global _pool
    if _pool is None:
        _pool = ProcessPoolExecutor(
            max_workers=WORKERS,
            mp_context=multiprocessing.get_context("spawn"),  # no forked threads
            initializer=_lower_priority,
        )
    log.parent.mkdir(parents=True, exist_ok=True)
    _jobs[name] = _Job(_pool.submit(_run_logged, log, function, args), log)


def started(name: str) -> bool:
    return name in _jobs


def log_tail(name: str) -> str:
    """The end of the log of the background job ``name`` ('' when it has none)."""
    job = _jobs.get(name)
    if job is None or not job.log.exists():
        return ""
    text = job.log.read_text(encoding="utf-8", errors="replace")
    return f"--- last {LOG_TAIL_CHARS} characters of {job.log} ---\n{text[-LOG_TAIL_CHARS:]}"


def result(name: str, function: Callable[..., Any], *args: Any) -> Any:
    """What the background job ``name`` returned, waiting for it; ``function(*args)`` run
    here and now when no such job was started (the fixture was not requested at collection,
    e.g. ``pytest --fixtures``, or a plain call)."""
    job = _jobs.get(name)
    if job is None:
        return function(*args)
    try:
        return job.future.result(timeout=TIMEOUT_SECONDS)
    except FutureTimeout:
        raise BackgroundRunError(
            f"background run {name} still running after {TIMEOUT_SECONDS} s\n{log_tail(name)}"
        ) from None
    except Exception as error:  # the job's RuntimeError (its traceback), or BrokenProcessPool
        last = (str(error).strip().splitlines() or [""])[-1]
        raise BackgroundRunError(
            f"background run {name} failed: {type(error).__name__}: {last}\n{log_tail(name)}"
        ) from None


def stop() -> None:
    """Cancel the jobs not started yet and stop those running (a session that ends early, e.g.
    on ``-x``, does not wait for runs no test will read)."""
    global _pool
    if _pool is not None:
        for job in _jobs.values():
            job.future.cancel()
        if not all(job.future.done() for job in _jobs.values()):
            for process in list((_pool._processes or {}).values()):
                process.terminate()
        _pool.shutdown(wait=True, cancel_futures=True)
        _pool = None
    _jobs.clear()
