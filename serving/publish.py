"""Publish the ``marts`` schema to the serving copy BI tools read, atomically.

BI tools must never meet a lock error or a half-built table. They do not open the
warehouse (the pipeline's single writer holds it during runs); they open the serving copy,
read-only. A publish builds a complete new copy beside the current one and renames it into
place: ``rename`` is atomic, so a reader opening the file sees the old copy or the new one,
and a reader that already has the old one open keeps reading it (the old file lives on
until its last reader closes it). The Parquet files are written aside and renamed the same
way, one per mart, after the DuckDB copy. If anything fails before the renames, the last
good copy stays in place and the half-built files are removed (or, after a kill, removed by
the next publish).

The copy is built from the last one: its file is copied and each mart replaced in it. The
incremental marts (``INCREMENTAL_MARTS``) are not copied whole: only the rows dbt wrote since
the last publish (``_written_at``) replace theirs, and rows whose key left the warehouse are
deleted, so a nightly publish costs what changed in them. Anything that does not match
(no previous copy, a table whose columns changed) is copied whole.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import duckdb

log = logging.getLogger(__name__)

#: Schema of the serving copy (and of the warehouse) that BI tools read.
MARTS_SCHEMA = "marts"
#: Where the serving copy says what was published, when and by which run.
PUBLISH_LOG_TABLE = "meta.published_tables"
#: Written last into the Parquet folder: the tables and row counts of that publish.
PARQUET_MANIFEST = "_published.json"

_TMP_MARK = ".publishing-"

#: Incremental marts and their key (the dbt model's ``unique_key``): published as a delta.
INCREMENTAL_MARTS = {"fct_feedback": "feedback_id", "fct_feedback_topic": "feedback_id"}
#: The column dbt stamps on every row it writes (macro ``written_at``).
WRITTEN_AT = "_written_at"


@dataclass
class PublishReport:
    """What one publish wrote."""

    serving_path: Path
    parquet_dir: Path
    published_at: datetime
    row_counts: dict[str, int] = field(default_factory=dict)
    serving_bytes: int = 0
    #: Tables brought up to date by their changed rows rather than copied whole.
    delta_tables: list[str] = field(default_factory=list)

    @property
    def total_rows(self) -> int:
        return sum(self.row_counts.values())


def _quote_literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _quote_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def remove_leftovers(serving_path: Path, parquet_dir: Path) -> list[Path]:
    """Delete half-written files of a publish that was killed before its renames."""
    leftovers = [
        *serving_path.parent.glob(f"{_TMP_MARK}*{serving_path.name}*"),
        *parquet_dir.glob(f"{_TMP_MARK}*"),
    ]
    for path in leftovers:
        path.unlink(missing_ok=True)
    return leftovers


def _mart_tables(con: duckdb.DuckDBPyConnection, catalog: str) -> list[str]:
    """Tables and views of ``marts`` in the attached database ``catalog``."""
    rows = con.execute(
        "select table_name from information_schema.tables "
        "where table_catalog = ? and table_schema = ? order by table_name",
        [catalog, MARTS_SCHEMA],
    ).fetchall()
    return [name for (name,) in rows]


def _columns(con: duckdb.DuckDBPyConnection, catalog: str, table: str) -> list[tuple[str, str]]:
    return con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_catalog = ? and table_schema = ? and table_name = ? order by ordinal_position",
        [catalog, MARTS_SCHEMA, table],
    ).fetchall()


def _apply_delta(con: duckdb.DuckDBPyConnection, table: str, key: str) -> bool:
    """Bring ``marts.<table>`` of the copy up to the warehouse's by its changed rows; False
    (nothing done) when the copy's table cannot take a delta."""
    columns = _columns(con, "warehouse", table)
    if (
        WRITTEN_AT not in {c for c, _ in columns}
        or key not in {c for c, _ in columns}
        or _columns(con, "serving", table) != columns
    ):
        return False
    name, k, w = _quote_identifier(table), _quote_identifier(key), _quote_identifier(WRITTEN_AT)
    source, target = f"warehouse.{MARTS_SCHEMA}.{name}", f"serving.{MARTS_SCHEMA}.{name}"
    latest_source, latest_target = con.execute(
        f"select (select max({w}) from {source}), (select max({w}) from {target})"
    ).fetchone()
    if latest_source is not None and latest_target is not None and latest_source < latest_target:
        return False  # the warehouse went back in time (a restored file): copy it whole
    con.execute(
        f"create temp table _changed as select distinct {k} from {source} "
        f"where {w} > (select coalesce(max({w}), timestamp '-infinity') from {target})"
    )
    try:
        con.execute(
            f"delete from {target} where {k} in (select {k} from _changed) "
            f"or {k} not in (select {k} from {source})"
        )
        con.execute(
            f"insert into {target} select * from {source} where {k} in (select {k} from _changed)"
        )
    finally:
        con.execute("drop table _changed")
    return True


def _build_copy(
    warehouse_path: Path, target: Path, run_id: str, now: datetime, incremental: bool
) -> tuple[dict[str, int], list[str]]:
    """Make ``target`` (new, or a copy of the last serving copy when ``incremental``) hold
    every table and view of ``marts``, as tables; returns the row counts and the tables
    brought up to date by a delta."""
    counts: dict[str, int] = {}
    deltas: list[str] = []
    with duckdb.connect(":memory:") as con:
        con.execute("set enable_progress_bar = false")  # it would print into the run's logs
        con.execute(f"attach {_quote_literal(warehouse_path)} as warehouse (read_only)")
        con.execute(f"attach {_quote_literal(target)} as serving")
        con.execute("use serving")
        tables = _mart_tables(con, "warehouse")
        if not tables:
            raise RuntimeError(f"{warehouse_path} has no {MARTS_SCHEMA} tables to publish")
        previous = set(_mart_tables(con, "serving"))
        con.execute(f"create schema if not exists {MARTS_SCHEMA}")
        con.execute("create schema if not exists meta")
        con.execute(
            f"create table if not exists {PUBLISH_LOG_TABLE} (table_name varchar primary key, "
            "row_count bigint not null, published_at timestamptz not null, run_id varchar)"
        )
        con.execute(f"delete from {PUBLISH_LOG_TABLE}")
        for stale in sorted(previous - set(tables)):
            con.execute(f"drop table {MARTS_SCHEMA}.{_quote_identifier(stale)}")
        for table in tables:
            name = _quote_identifier(table)
            key = INCREMENTAL_MARTS.get(table)
            if incremental and key and table in previous and _apply_delta(con, table, key):
                deltas.append(table)
            else:
                con.execute(
                    f"create or replace table {MARTS_SCHEMA}.{name} as "
                    f"select * from warehouse.{MARTS_SCHEMA}.{name}"
                )
            (counts[table],) = con.execute(f"select count(*) from {MARTS_SCHEMA}.{name}").fetchone()
            con.execute(
                f"insert into {PUBLISH_LOG_TABLE} values (?, ?, ?, ?)",
                [table, counts[table], now, run_id],
            )
        con.execute("use memory")
        con.execute("detach warehouse")
        con.execute("checkpoint serving")
        con.execute("detach serving")
    return counts, deltas


def _write_parquet(copy_path: Path, parquet_dir: Path, tables: list[str], tag: str) -> dict:
    """Export each table of the new copy to ``<table>.parquet`` aside; returns tmp -> final."""
    staged: dict[Path, Path] = {}
    with duckdb.connect(str(copy_path), read_only=True) as con:
        for table in tables:
            tmp = parquet_dir / f"{_TMP_MARK}{tag}-{table}.parquet"
            con.execute(
                f"copy {MARTS_SCHEMA}.{_quote_identifier(table)} to {_quote_literal(tmp)} "
                "(format parquet, compression zstd)"
            )
            staged[tmp] = parquet_dir / f"{table}.parquet"
    return staged


def _build_from_last(
    warehouse_path: Path,
    serving_path: Path,
    copy_path: Path,
    run_id: str,
    now: datetime,
    full_refresh: bool,
) -> tuple[dict[str, int], list[str]]:
    """Build the new copy from a file copy of the last one when there is one; from nothing
    when there is none, it cannot be used, or the run is a full refresh (everything is
    rebuilt, the serving copy too)."""
    if serving_path.exists() and not full_refresh:
        try:
            shutil.copyfile(serving_path, copy_path)
            return _build_copy(warehouse_path, copy_path, run_id, now, incremental=True)
        except (duckdb.Error, OSError) as exc:
            log.warning("rebuilding the serving copy whole: the last one is unusable (%s)", exc)
            copy_path.unlink(missing_ok=True)
            copy_path.with_name(copy_path.name + ".wal").unlink(missing_ok=True)
    return _build_copy(warehouse_path, copy_path, run_id, now, incremental=False)


def publish_marts(
    warehouse_path: Path,
    serving_path: Path,
    parquet_dir: Path,
    run_id: str = "",
    full_refresh: bool = False,
) -> PublishReport:
    """Replace the serving copy and the Parquet files with the warehouse's current marts
    (``full_refresh``: copy every table whole, never from the last copy)."""
    serving_path.parent.mkdir(parents=True, exist_ok=True)
    parquet_dir.mkdir(parents=True, exist_ok=True)
    remove_leftovers(serving_path, parquet_dir)
    now = datetime.now(timezone.utc)
    tag = uuid.uuid4().hex[:12]
    copy_path = serving_path.parent / f"{_TMP_MARK}{tag}-{serving_path.name}"
    staged: dict[Path, Path] = {}
    try:
        counts, deltas = _build_from_last(
            warehouse_path, serving_path, copy_path, run_id, now, full_refresh
        )
        staged = _write_parquet(copy_path, parquet_dir, sorted(counts), tag)
        for path in [copy_path, *staged]:
            _fsync(path)
    except BaseException:
        for path in [copy_path, *staged]:
            path.unlink(missing_ok=True)
        raise

    # Point of no return: each rename is atomic; the DuckDB copy goes first.
    os.replace(copy_path, serving_path)
    for tmp, final in staged.items():
        os.replace(tmp, final)
    for stale in parquet_dir.glob("*.parquet"):
        if stale.stem not in counts:
            stale.unlink()
    manifest = parquet_dir / f"{_TMP_MARK}{tag}-{PARQUET_MANIFEST}"
    manifest.write_text(
        json.dumps({"published_at": now.isoformat(), "run_id": run_id, "row_counts": counts}),
        encoding="utf-8",
    )
    os.replace(manifest, parquet_dir / PARQUET_MANIFEST)
    _fsync(serving_path.parent)
    return PublishReport(
        serving_path=serving_path,
        parquet_dir=parquet_dir,
        published_at=now,
        row_counts=counts,
        serving_bytes=serving_path.stat().st_size,
        delta_tables=deltas,
    )
