"""Incremental text scoring inside the warehouse (usable without Dagster).

Scores every feedback item of ``intermediate.int_feedback_unioned`` that has no score for the
current model version and its current text (a correction that changes the text is rescored;
a new model version rescores everything). Works through the pending items in batches, so
memory stays bounded whatever the history, and replaces an item's rows in one transaction
per batch, so a run killed halfway loses at most one batch of work and leaves no half rows.

A large backlog is scored by worker processes (one per core by default), each loading jieba
and the model once; this process reads each batch (ids and texts only), hands its chunks to
the workers, gets Arrow record batches back and writes them, while the workers score the
next batch. A failure in a worker fails the pass with a ``ScoringError`` that names the
chunk's first and last ``feedback_id``; the batches written before it stay, its own is not
written.

With a ``rescore`` window (first and last business day), every item created on those days
is scored again whatever its current scores: a backfill after a model or cleaning change
that should reach one month without rescoring all history.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import duckdb
import pyarrow as pa

from text_analytics import analyse_batch
from text_analytics.model import VersionedModel, active_model, scoring_with
from text_analytics.pipeline import start_worker
from text_analytics.tokenize import use_cache_dir

SCHEMA = "text_analytics"
SCORES = f"{SCHEMA}.feedback_scores"
TOPIC_SCORES = f"{SCHEMA}.feedback_topic_scores"
FEEDBACK = "intermediate.int_feedback_unioned"
#: Pending items from which scoring starts worker processes. A worker takes about 3 s to
#: start (imports, jieba's dictionary) and a core scores about 4,500 items/s (make bench), so
#: two workers finish sooner than this process alone only beyond about 2 x 4,500 x 3 items.
PARALLEL_FROM = 25_000

_DDL = (
    f"create schema if not exists {SCHEMA}",
    f"""
    create table if not exists {SCORES} (
        feedback_id varchar primary key,
        text_hash varchar not null,
        model_version varchar not null,
        script varchar not null,
        text_clean varchar not null,
        sentiment_label varchar not null,
        sentiment_score double not null,
        primary_topic varchar not null,
        keywords varchar[],
        pii_kinds varchar[],
        simhash bigint not null,
        scored_at timestamp not null
    )
    """,
    f"""
    create table if not exists {TOPIC_SCORES} (
        feedback_id varchar not null,
        topic varchar not null,
        topic_sentiment_label varchar not null,
        topic_sentiment_score double not null,
        model_version varchar not null,
        primary key (feedback_id, topic)
    )
    """,
)


@dataclass
class ScoringReport:
    """What one scoring pass did."""

    model_version: str
    pending: int = 0
    scored: int = 0
    topic_rows: int = 0
    seconds: float = 0.0
    characters: int = 0
    labels: Counter = field(default_factory=Counter)

    @property
    def texts_per_second(self) -> float:
        return self.scored / self.seconds if self.seconds else 0.0


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    for statement in _DDL:
        con.execute(statement)


#: A business day, like the marts' calendar: ``created_at`` is UTC, the day is local.
def _business_day(column: str) -> str:
    return f"cast(timezone(?, timezone('UTC', {column})) as date)"


@dataclass(frozen=True)
class RescoreWindow:
    """Business days whose feedback is scored again: ``first`` to ``last``, inclusive."""

    first: date
    last: date
    timezone: str


def _collect_pending(
    con: duckdb.DuckDBPyConnection,
    model_version: str,
    rescore: RescoreWindow | None,
    batch_size: int,
) -> list[tuple[int, int, int]]:
    """Note which rows of ``FEEDBACK`` to score, in batches of ``batch_size`` by
    ``feedback_id``; return each batch's (number, first row, last row).

    Batches follow ``feedback_id``, not the rows' order in ``FEEDBACK``: each batch then
    writes one narrow range of keys into the scores' primary-key indexes, which costs DuckDB
    about half the CPU time of keys from all over the range (ids are hashes). The price is
    that a batch's rows lie all over ``FEEDBACK``, so each read scans its row numbers
    (``_read_batch``; about 0.1 s a batch at 1M items, growing with the table).

    Only row numbers (``rowid``) and batch numbers are kept, in a temp table (16 bytes an
    item, against the texts' hundreds); the texts are
    read a batch at a time (``_read_batch``), so memory does not grow with what is pending.
    ``FEEDBACK`` is not written while scoring runs, so its row numbers hold for the pass.
    """
    if rescore is None:
        where = "s.feedback_id is null"
        params: list = [model_version]
    else:
        where = f"{_business_day('f.created_at')} between ? and ?"
        params = [model_version, rescore.timezone, rescore.first, rescore.last]
    con.execute(
        f"""
        create or replace temp table _pending_feedback as
        select
            f.rowid as feedback_row,
            (row_number() over (order by f.feedback_id) - 1) // {int(batch_size)} as batch
        from {FEEDBACK} as f
        left join {SCORES} as s
            on s.feedback_id = f.feedback_id
            and s.model_version = ?
            and s.text_hash = md5(coalesce(f.feedback_text, ''))
        where {where}
        order by batch, feedback_row
        """,
        params,
    )
    return con.execute(
        "select batch, min(feedback_row), max(feedback_row) from _pending_feedback "
        "group by batch order by batch"
    ).fetchall()


def _read_batch(con: duckdb.DuckDBPyConnection, batch: tuple[int, int, int]) -> pa.Table:
    """The id, text and text hash of one batch's items (texts are fetched only for the
    batch's rows; the row range skips row groups outside it)."""
    number, first, last = batch
    return con.execute(
        f"""
        select
            f.feedback_id,
            f.feedback_text,
            md5(coalesce(f.feedback_text, '')) as text_hash
        from {FEEDBACK} as f
        where f.rowid between ? and ?
            and f.rowid in (
                select feedback_row from _pending_feedback
                where batch = ? and feedback_row between ? and ?
            )
        order by f.feedback_id
        """,
        [first, last, number, first, last],
    ).to_arrow_table()


class ScoringError(RuntimeError):
    """Scoring a run of feedback items failed (in a worker or in this process); the message
    names the first and last ``feedback_id`` of the chunk. Nothing of the batch it belongs
    to was written."""


def worker_count(processes: int | None) -> int:
    """Worker processes for ``processes`` (0 or None: one per core this process may use)."""
    if processes:
        return processes
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@contextmanager
def _worker_pool(processes: int, cache_dir: str | None) -> Iterator[Executor | None]:
    """A pool of scoring workers for the whole pass (None: score in this process). Each worker
    imports jieba and loads its dictionary and the model once (``pipeline.start_worker``).

    Workers are *spawned*, not forked: the caller (a Dagster step) runs threads, and a fork
    taken while another thread holds a lock can hang the child forever. A
    ``ProcessPoolExecutor`` rather than a ``multiprocessing.Pool``: a worker that dies (killed
    for memory, a crash in C) breaks the pool and fails the step, where a ``Pool`` would wait
    for its result forever. On an error, chunks not yet started are dropped.
    """
    if processes <= 1:
        yield None
        return
    pool = ProcessPoolExecutor(
        processes,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=start_worker,
        initargs=(cache_dir, active_model()),
    )
    try:
        yield pool
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


#: What scoring gives for a chunk of texts, typed explicitly (never inferred from the values:
#: a chunk whose texts have no keywords or personal data would type those lists NULL).
#: ``model_version`` and ``scored_at`` are the same for a whole batch and added on insert.
SCORE_SCHEMA = pa.schema(
    [
        ("feedback_id", pa.string()),
        ("text_hash", pa.string()),
        ("script", pa.string()),
        ("text_clean", pa.string()),
        ("sentiment_label", pa.string()),
        ("sentiment_score", pa.float64()),
        ("primary_topic", pa.string()),
        ("keywords", pa.list_(pa.string())),
        ("pii_kinds", pa.list_(pa.string())),
        ("simhash", pa.int64()),
    ]
)
TOPIC_SCHEMA = pa.schema(
    [
        ("feedback_id", pa.string()),
        ("topic", pa.string()),
        ("topic_sentiment_label", pa.string()),
        ("topic_sentiment_score", pa.float64()),
    ]
)


def score_chunk(
    ids: list[str], hashes: list[str], texts: list[str | None]
) -> tuple[pa.RecordBatch, pa.RecordBatch]:
    """Score a chunk of feedback items (in a worker, or in this process): their rows of
    ``SCORES`` and ``TOPIC_SCORES`` as Arrow record batches (``SCORE_SCHEMA``,
    ``TOPIC_SCHEMA``). Arrow batches travel back from a worker as a few buffers, far cheaper
    to unpickle than Python values, and go into DuckDB as they are."""
    results = analyse_batch(texts)
    scores = pa.record_batch(
        [
            pa.array(ids, pa.string()),
            pa.array(hashes, pa.string()),
            pa.array([r.script for r in results], pa.string()),
            pa.array([r.text_clean for r in results], pa.string()),
            pa.array([r.sentiment_label for r in results], pa.string()),
            pa.array([float(r.sentiment_score) for r in results], pa.float64()),
            pa.array([r.primary_topic for r in results], pa.string()),
            pa.array([list(r.keywords) for r in results], pa.list_(pa.string())),
            pa.array([list(r.pii_kinds) for r in results], pa.list_(pa.string())),
            pa.array([int(r.simhash) for r in results], pa.int64()),
        ],
        schema=SCORE_SCHEMA,
    )
    topic_ids, topics, labels, values = [], [], [], []
    for fid, result in zip(ids, results, strict=True):
        for t in result.topics:
            topic_ids.append(fid)
            topics.append(t.topic)
            labels.append(t.label)
            values.append(float(t.score))
    topic_rows = pa.record_batch(
        [
            pa.array(topic_ids, pa.string()),
            pa.array(topics, pa.string()),
            pa.array(labels, pa.string()),
            pa.array(values, pa.float64()),
        ],
        schema=TOPIC_SCHEMA,
    )
    return scores, topic_rows


@dataclass
class _Chunk:
    ids: list[str]
    hashes: list[str]
    texts: list[str | None]

    def describe(self) -> str:
        return f"{len(self.ids)} feedback items {self.ids[0]} to {self.ids[-1]}"


class _Scoring:
    """The scoring of one batch, started now and collected later, so that the workers score
    the next batch while this process writes the previous one."""

    def __init__(self, batch: pa.Table, pool: Executor | None, chunk_size: int) -> None:
        ids = batch.column("feedback_id").to_pylist()
        hashes = batch.column("text_hash").to_pylist()
        texts = batch.column("feedback_text").to_pylist()
        self.size = len(ids)
        self.characters = sum(len(t) for t in texts if t)
        self.chunks = [
            _Chunk(ids[i : i + chunk_size], hashes[i : i + chunk_size], texts[i : i + chunk_size])
            for i in range(0, len(ids), chunk_size)
        ]
        self.pending: list[Future] | None = None
        if pool is not None:
            self.pending = [pool.submit(score_chunk, c.ids, c.hashes, c.texts) for c in self.chunks]
            # the workers have the texts now; keep the ids, for an error message
            self.chunks = [_Chunk(c.ids, [], []) for c in self.chunks]

    def result(self) -> tuple[pa.Table, pa.Table]:
        """Every row of the batch, or ``ScoringError`` naming the chunk that failed."""
        parts = []
        for i, chunk in enumerate(self.chunks):
            try:
                if self.pending is None:
                    parts.append(score_chunk(chunk.ids, chunk.hashes, chunk.texts))
                else:
                    parts.append(self.pending[i].result())
            except Exception as exc:
                where = "a scoring worker" if self.pending is not None else "scoring"
                raise ScoringError(
                    f"{where} failed on {chunk.describe()}: {type(exc).__name__}: {exc}"
                ) from exc
        return (
            pa.Table.from_batches([p[0] for p in parts], schema=SCORE_SCHEMA),
            pa.Table.from_batches([p[1] for p in parts], schema=TOPIC_SCHEMA),
        )


def _write_batch(
    con: duckdb.DuckDBPyConnection,
    scores: pa.Table,
    topics: pa.Table,
    model_version: str,
    scored_at: datetime,
) -> None:
    """Replace the batch's items' rows in one transaction: a failure leaves none of them.

    Rows go in sorted by key: the primary-key indexes take a batch of sorted keys at about a
    fifth less CPU time than keys in random order (feedback ids are hashes; measured with
    1M rows in batches of 50,000).
    """
    con.begin()
    try:
        con.register("_new_scores", scores)
        con.register("_new_topics", topics)
        con.execute(
            f"delete from {SCORES} where feedback_id in (select feedback_id from _new_scores)"
        )
        con.execute(
            f"delete from {TOPIC_SCORES} where feedback_id in (select feedback_id from _new_scores)"
        )
        con.execute(
            f"insert into {SCORES} by name select *, ? as model_version, "
            "cast(? as timestamp) as scored_at from _new_scores order by feedback_id",
            [model_version, scored_at],
        )
        if topics.num_rows:
            con.execute(
                f"insert into {TOPIC_SCORES} by name select *, ? as model_version from _new_topics "
                "order by feedback_id, topic",
                [model_version],
            )
        con.commit()
    except Exception:
        con.rollback()
        raise
    finally:
        con.unregister("_new_scores")
        con.unregister("_new_topics")


def score_pending(
    con: duckdb.DuckDBPyConnection,
    model: VersionedModel | None = None,
    batch_size: int = 50_000,
    processes: int | None = None,
    chunk_size: int = 2_000,
    rescore: RescoreWindow | None = None,
    parallel_from: int = PARALLEL_FROM,
    cache_dir: str | None = None,
) -> ScoringReport:
    """Score every pending feedback item (or every item of ``rescore``'s days); see the
    module docstring.

    ``batch_size`` items are read, scored and written at a time (bounded memory: at most two
    batches are held, the one being written and the one the workers score meanwhile); within
    a batch, ``chunk_size`` texts go to a worker at a time. ``processes``: how many workers
    score (None or 0: one per core, ``worker_count``); each loads jieba and the model once.
    Fewer pending items than
    ``parallel_from`` (or than one chunk) are scored in this process, without starting
    workers: below that, starting them costs more than they save. ``cache_dir``: where jieba
    keeps its dictionary cache (``text_analytics.tokenize.use_cache_dir``). ``model``: the
    model to score with (a warehouse's adapted model, ``text_analytics.adapt``); by default
    the one this process uses, normally the shipped model.
    """
    if cache_dir:
        use_cache_dir(cache_dir)
    versioned = model or active_model()
    with scoring_with(versioned):
        return _score_pending(
            con,
            versioned.version,
            batch_size,
            processes,
            chunk_size,
            rescore,
            parallel_from,
            cache_dir,
        )


def _score_pending(
    con: duckdb.DuckDBPyConnection,
    model_version: str,
    batch_size: int,
    processes: int | None,
    chunk_size: int,
    rescore: RescoreWindow | None,
    parallel_from: int,
    cache_dir: str | None,
) -> ScoringReport:
    ensure_tables(con)
    report = ScoringReport(model_version)
    batches = _collect_pending(con, model_version, rescore, batch_size)
    report.pending = con.execute("select count(*) from _pending_feedback").fetchone()[0]
    started = time.perf_counter()
    parallel = report.pending > chunk_size and report.pending >= parallel_from
    with _worker_pool(worker_count(processes) if parallel else 1, cache_dir) as pool:
        in_flight: _Scoring | None = None
        for batch in [*batches, None]:
            started_next = None
            if batch is not None:
                started_next = _Scoring(_read_batch(con, batch), pool, chunk_size)
            if in_flight is not None:
                scores, topics = in_flight.result()
                _write_batch(con, scores, topics, model_version, _now())
                report.scored += scores.num_rows
                report.topic_rows += topics.num_rows
                report.characters += in_flight.characters
                report.labels.update(scores.column("sentiment_label").to_pylist())
            in_flight = started_next
    report.seconds = time.perf_counter() - started
    con.execute("drop table if exists _pending_feedback")
    return report


def _now() -> datetime:
    """This moment in UTC, naive, as the warehouse stores times."""
    return datetime.now(UTC).replace(tzinfo=None)
