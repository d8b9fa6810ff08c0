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
"""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import duckdb

#: Schema of the serving copy (and of the warehouse) that BI tools read.
MARTS_SCHEMA = "marts"
#: Where the serving copy says what was published, when and by which run.
PUBLISH_LOG_TABLE = "meta.published_tables"
#: Written last into the Parquet folder: the tables and row counts of that publish.
PARQUET_MANIFEST = "_published.json"

_TMP_MARK = ".publishing-"


@dataclass
class PublishReport:
    """What one publish wrote."""

    serving_path: Path
    parquet_dir: Path
    published_at: datetime
    row_counts: dict[str, int] = field(default_factory=dict)
    serving_bytes: int = 0

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


def _mart_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute(
        "select table_name from information_schema.tables "
        "where table_catalog = 'warehouse' and table_schema = ? order by table_name",
        [MARTS_SCHEMA],
    ).fetchall()
    return [name for (name,) in rows]


def _build_copy(warehouse_path: Path, target: Path, run_id: str, now: datetime) -> dict[str, int]:
    """Write every table and view of ``marts`` into a new DuckDB file at ``target``."""
    counts: dict[str, int] = {}
    with duckdb.connect(str(target)) as con:
        con.execute(f"attach {_quote_literal(warehouse_path)} as warehouse (read_only)")
        tables = _mart_tables(con)
        if not tables:
            raise RuntimeError(f"{warehouse_path} has no {MARTS_SCHEMA} tables to publish")
        con.execute(f"create schema {MARTS_SCHEMA}")
        con.execute("create schema meta")
        con.execute(
            f"create table {PUBLISH_LOG_TABLE} (table_name varchar primary key, "
            "row_count bigint not null, published_at timestamptz not null, run_id varchar)"
        )
        for table in tables:
            name = _quote_identifier(table)
            con.execute(
                f"create table {MARTS_SCHEMA}.{name} as "
                f"select * from warehouse.{MARTS_SCHEMA}.{name}"
            )
            (counts[table],) = con.execute(f"select count(*) from {MARTS_SCHEMA}.{name}").fetchone()
            con.execute(
                f"insert into {PUBLISH_LOG_TABLE} values (?, ?, ?, ?)",
                [table, counts[table], now, run_id],
            )
        con.execute("detach warehouse")
        con.execute("checkpoint")
    return counts


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


def publish_marts(
    warehouse_path: Path, serving_path: Path, parquet_dir: Path, run_id: str = ""
) -> PublishReport:
    """Replace the serving copy and the Parquet files with the warehouse's current marts."""
    serving_path.parent.mkdir(parents=True, exist_ok=True)
    parquet_dir.mkdir(parents=True, exist_ok=True)
    remove_leftovers(serving_path, parquet_dir)
    now = datetime.now(timezone.utc)
    tag = uuid.uuid4().hex[:12]
    copy_path = serving_path.parent / f"{_TMP_MARK}{tag}-{serving_path.name}"
    staged: dict[Path, Path] = {}
    try:
        counts = _build_copy(warehouse_path, copy_path, run_id, now)
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
    )
