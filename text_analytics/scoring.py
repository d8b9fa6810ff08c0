"""Incremental text scoring inside the warehouse (usable without Dagster).

Scores every feedback item of ``intermediate.int_feedback_unioned`` that has no score for the
current model version and its current text (a correction that changes the text is rescored;
a new model version rescores everything). Works through the pending items in batches, so
memory stays bounded whatever the history, and replaces an item's rows in one transaction
per batch, so a run killed halfway loses at most one batch of work and leaves no half rows.

With a ``rescore`` window (first and last business day), every item created on those days
is scored again whatever its current scores: a backfill after a model or cleaning change
that should reach one month without rescoring all history.
"""

from __future__ import annotations

import multiprocessing
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from multiprocessing.pool import Pool

import duckdb
import pandas as pd

from text_analytics import analyse_batch
from text_analytics.model import VersionedModel, active_model, scoring_with
from text_analytics.pipeline import worker_pool
from text_analytics.tokenize import use_cache_dir
from voc_core.frames import table_schema, typed_frame

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
    con: duckdb.DuckDBPyConnection, model_version: str, rescore: RescoreWindow | None
) -> int:
    """Put the items to score in a temp table, numbered for batching; return how many."""
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
            f.feedback_id,
            f.feedback_text,
            md5(coalesce(f.feedback_text, '')) as text_hash,
            row_number() over (order by f.feedback_id) as batch_row
        from {FEEDBACK} as f
        left join {SCORES} as s
            on s.feedback_id = f.feedback_id
            and s.model_version = ?
            and s.text_hash = md5(coalesce(f.feedback_text, ''))
        where {where}
        """,
        params,
    )
    return con.execute("select count(*) from _pending_feedback").fetchone()[0]


@contextmanager
def _worker_pool(processes: int, cache_dir: str | None) -> Iterator[Pool | None]:
    """A pool of scoring workers for the whole pass (None: score in this process).

    Workers are *spawned*, not forked: the caller (a Dagster step) runs threads, and a fork
    taken while another thread holds a lock can hang the child forever.
    """
    if processes <= 1:
        yield None
        return
    with worker_pool(processes, multiprocessing.get_context("spawn"), cache_dir) as pool:
        yield pool


#: What a worker sends back for a chunk, column by column: lists of plain values pickle much
#: faster than result objects, and the tokens and original-script text are not stored.
Columns = tuple[list, list, list, list, list, list, list, list, list]


def score_chunk(texts: list[str | None]) -> Columns:
    """Score a chunk of texts (in a worker, or in this process) into ``Columns``: script,
    text_clean, label, score, primary topic, keywords, PII kinds, SimHash, and the topic
    sentiments of each text as ``(topic, label, score)`` tuples."""
    results = analyse_batch(texts)
    return (
        [r.script for r in results],
        [r.text_clean for r in results],
        [r.sentiment_label for r in results],
        [float(r.sentiment_score) for r in results],
        [r.primary_topic for r in results],
        [list(r.keywords) for r in results],
        [list(r.pii_kinds) for r in results],
        [int(r.simhash) for r in results],
        [[(t.topic, t.label, float(t.score)) for t in r.topics] for r in results],
    )


class _Scoring:
    """The scoring of one batch, started now and collected later, so that the workers score
    the next batch while this process writes the previous one."""

    def __init__(self, texts: list[str | None], pool: Pool | None, chunk_size: int) -> None:
        self.texts = texts
        chunks = [texts[i : i + chunk_size] for i in range(0, len(texts), chunk_size)]
        self.pending = (
            [pool.apply_async(score_chunk, (chunk,)) for chunk in chunks] if pool else None
        )

    def result(self) -> Columns:
        parts = [p.get() for p in self.pending] if self.pending else [score_chunk(self.texts)]
        return tuple(  # type: ignore[return-value]
            [value for part in parts for value in part[i]] for i in range(len(parts[0]))
        )


def _frames(
    batch: pd.DataFrame, columns: Columns, model_version: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    script, text_clean, label, score, primary, keywords, pii_kinds, simhash, topics = columns
    now = pd.Timestamp.now(tz="UTC").tz_localize(None)
    ids = batch["feedback_id"].tolist()
    scores = pd.DataFrame(
        {
            "feedback_id": ids,
            "text_hash": batch["text_hash"].tolist(),
            "model_version": model_version,
            "script": script,
            "text_clean": text_clean,
            "sentiment_label": label,
            "sentiment_score": score,
            "primary_topic": primary,
            "keywords": keywords,
            "pii_kinds": pii_kinds,
            "simhash": simhash,
            "scored_at": now,
        }
    )
    topic_rows = [
        (fid, topic, topic_label, topic_score, model_version)
        for fid, text_topics in zip(ids, topics, strict=True)
        for topic, topic_label, topic_score in text_topics
    ]
    topic_frame = pd.DataFrame(
        topic_rows,
        columns=[
            "feedback_id",
            "topic",
            "topic_sentiment_label",
            "topic_sentiment_score",
            "model_version",
        ],
    )
    return scores, topic_frame


def _write_batch(
    con: duckdb.DuckDBPyConnection, scores: pd.DataFrame, topics: pd.DataFrame
) -> None:
    # Typed by the tables, not guessed from the first rows (voc_core.frames): a batch whose
    # first texts have no keywords or personal data would otherwise type those lists NULL.
    score_rows = typed_frame(scores, table_schema(con, SCORES))
    topic_rows = typed_frame(topics, table_schema(con, TOPIC_SCORES))
    con.begin()
    try:
        con.register("_new_scores", score_rows)
        con.register("_new_topics", topic_rows)
        con.execute(
            f"delete from {SCORES} where feedback_id in (select feedback_id from _new_scores)"
        )
        con.execute(
            f"delete from {TOPIC_SCORES} where feedback_id in (select feedback_id from _new_scores)"
        )
        con.execute(f"insert into {SCORES} by name select * from _new_scores")
        if not topics.empty:
            con.execute(f"insert into {TOPIC_SCORES} by name select * from _new_topics")
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
    processes: int = 2,
    chunk_size: int = 2_000,
    rescore: RescoreWindow | None = None,
    parallel_from: int = PARALLEL_FROM,
    cache_dir: str | None = None,
) -> ScoringReport:
    """Score every pending feedback item (or every item of ``rescore``'s days); see the
    module docstring.

    ``batch_size`` items are read, scored and written at a time (bounded memory: at most two
    batches are held, the one being written and the one the workers score meanwhile); within
    a batch, ``chunk_size`` texts go to a worker at a time. Fewer pending items than
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
    processes: int,
    chunk_size: int,
    rescore: RescoreWindow | None,
    parallel_from: int,
    cache_dir: str | None,
) -> ScoringReport:
    ensure_tables(con)
    report = ScoringReport(model_version)
    report.pending = _collect_pending(con, model_version, rescore)
    started = time.perf_counter()
    parallel = report.pending > chunk_size and report.pending >= parallel_from
    with _worker_pool(processes if parallel else 1, cache_dir) as pool:
        in_flight: tuple[pd.DataFrame, _Scoring] | None = None
        for first in [*range(1, report.pending + 1, batch_size), None]:
            started_next = None
            if first is not None:
                batch = con.execute(
                    "select feedback_id, feedback_text, text_hash from _pending_feedback "
                    "where batch_row between ? and ? order by batch_row",
                    [first, first + batch_size - 1],
                ).df()
                texts = [t if isinstance(t, str) else None for t in batch["feedback_text"]]
                started_next = (batch, _Scoring(texts, pool, chunk_size))
            if in_flight is not None:
                done, scoring = in_flight
                scores, topics = _frames(done, scoring.result(), model_version)
                _write_batch(con, scores, topics)
                report.scored += len(scores)
                report.topic_rows += len(topics)
                report.characters += int(done["feedback_text"].fillna("").str.len().sum())
                report.labels.update(scores["sentiment_label"].tolist())
            in_flight = started_next
    report.seconds = time.perf_counter() - started
    con.execute("drop table if exists _pending_feedback")
    return report
