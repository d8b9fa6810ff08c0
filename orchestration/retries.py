"""Transient failures, and how the pipeline waits them out.

DuckDB allows one writing process: a BI tool or a second `voc run` holding the warehouse file
makes ``connect`` fail with a lock error for as long as it holds it. That, and I/O errors of
the disk, are transient: the step waits and tries again with exponential backoff. Everything
else (bad SQL, a bug, bad data) fails at once, so it is not retried pointlessly.
"""

from __future__ import annotations

import errno
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import dagster as dg
import duckdb

T = TypeVar("T")

#: What a lock conflict on a DuckDB file says (duckdb raises it as an IOException).
_LOCK_MESSAGES = ("could not set lock", "conflicting lock")

#: A step whose transient failure outlasted the in-step backoff (a lock held for minutes, a
#: flaky disk) is run again up to this many times, after 10 s, 20 s, 40 s.
STEP_RETRIES = 3
STEP_RETRY_FIRST_WAIT_SECONDS = 10


#: Operating-system errors that a later attempt can survive.
_TRANSIENT_ERRNOS = {errno.EIO, errno.EAGAIN, errno.EBUSY, errno.ETIMEDOUT, errno.EINTR}


def is_transient(error: BaseException) -> bool:
    """A DuckDB I/O error (a lock conflict among them) or a transient OS error."""
    if isinstance(error, duckdb.IOException):
        return True
    return isinstance(error, OSError) and error.errno in _TRANSIENT_ERRNOS


def with_backoff(
    attempt: Callable[[], T],
    *,
    timeout_seconds: float,
    first_wait_seconds: float = 0.25,
    max_wait_seconds: float = 8.0,
    on_retry: Callable[[BaseException, float], None] | None = None,
) -> T:
    """Call ``attempt`` until it succeeds or ``timeout_seconds`` have passed.

    Only transient errors are retried (waits double from ``first_wait_seconds`` up to
    ``max_wait_seconds``); the last one is raised when time runs out.
    """
    deadline = time.monotonic() + timeout_seconds
    wait = first_wait_seconds
    while True:
        try:
            return attempt()
        except Exception as error:
            if not is_transient(error) or time.monotonic() + wait > deadline:
                raise
            if on_retry is not None:
                on_retry(error, wait)
            time.sleep(wait)
            wait = min(wait * 2, max_wait_seconds)


def mentions_transient_failure(text: str) -> bool:
    """Whether an error message (dbt's, which runs in its own process) names a lock
    conflict or an I/O error of the warehouse file."""
    lowered = text.lower()
    return any(m in lowered for m in (*_LOCK_MESSAGES, "io error"))


@contextmanager
def retry_step_on_transient_failure(context: dg.OpExecutionContext) -> Iterator[None]:
    """Turn a transient failure inside a step into a Dagster retry with exponential backoff;
    any other error fails the step at once (retrying bad data or a bug only wastes time)."""
    try:
        yield
    except Exception as error:
        if not (is_transient(error) or mentions_transient_failure(str(error))):
            raise
        wait = STEP_RETRY_FIRST_WAIT_SECONDS * 2**context.retry_number
        context.log.warning(f"transient failure, retrying the step in {wait} s: {error}")
        raise dg.RetryRequested(max_retries=STEP_RETRIES, seconds_to_wait=wait) from error
