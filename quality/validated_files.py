"""Rows are validated once: what passed a suite is remembered, and later runs validate only
what has not passed yet.

- Raw suites remember landing files (``quality.validated_files``): a file whose rows passed
  its source's suite is not validated again.
- Suites of tables with a load time (``_loaded_at``) remember the latest load time they
  passed through (``quality.validated_loads``), and later validate only rows loaded after it.

The nightly refresh then costs what arrived, not what the history costs. What failed is not
remembered, so it is validated again (and blocks again) until it is fixed or superseded.
A run with the run switch ``revalidate`` (or ``full_refresh``; ``voc run --revalidate``)
validates every row again, after a change to the suites.
"""

from __future__ import annotations

from datetime import datetime

import duckdb
import pandas as pd

from voc_core.frames import insert_typed

TABLE = "quality.validated_files"
LOADS_TABLE = "quality.validated_loads"
#: Load time before any load: a suite with no watermark validates every row.
_EPOCH = "timestamp '1900-01-01'"


def ensure_table(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create schema if not exists quality")
    con.execute(
        f"""
        create table if not exists {TABLE} (
            suite varchar not null,
            file_sha256 varchar not null,
            file_path varchar not null,
            rows_validated bigint not null,
            validated_at timestamp not null,
            primary key (suite, file_sha256, file_path)
        )
        """
    )
    con.execute(
        f"""
        create table if not exists {LOADS_TABLE} (
            suite varchar not null,
            part varchar not null,
            loaded_through timestamp not null,
            rows_validated bigint not null,
            validated_at timestamp not null,
            primary key (suite, part)
        )
        """
    )


def _upsert(
    con: duckdb.DuckDBPyConnection,
    table: str,
    rows: pd.DataFrame,
    suite: str,
    validated_at: datetime,
) -> None:
    """Insert ``rows`` of ``suite`` into ``table``, replacing rows with the same key."""
    insert_typed(con, table, rows.assign(suite=suite, validated_at=validated_at), replace=True)


def not_yet_passed(suite: str, alias: str) -> str:
    """SQL condition on rows ``alias`` of a raw table: their file has not passed ``suite``."""
    name = suite.replace("'", "''")
    return (
        f"not exists (select 1 from {TABLE} as v where v.suite = '{name}' "
        f"and v.file_sha256 = {alias}._file_sha256 and v.file_path = {alias}._file_path)"
    )


def remember(
    con: duckdb.DuckDBPyConnection, suite: str, frame: pd.DataFrame, validated_at: datetime
) -> int:
    """Remember the files of ``frame`` (its rows passed ``suite``); returns how many."""
    if frame.empty:
        return 0
    files = (
        frame.groupby(["_file_sha256", "_file_path"], dropna=False)
        .size()
        .reset_index(name="rows_validated")
        .rename(columns={"_file_sha256": "file_sha256", "_file_path": "file_path"})
    )
    _upsert(con, TABLE, files, suite, validated_at)
    return len(files)


def loaded_after_watermark(suite: str, loaded_at: str, part: str) -> str:
    """SQL condition: ``loaded_at`` is later than the latest load time that passed ``suite``
    for the row's ``part`` (column expressions); true when that part has not passed yet.

    Each part (a source) keeps its own watermark, so rows of a source that reached the table
    late (its staging failed or was not selected) are still validated."""
    name = suite.replace("'", "''")
    return (
        f"{loaded_at} > coalesce((select w.loaded_through from {LOADS_TABLE} as w "
        f"where w.suite = '{name}' and w.part = {part}), {_EPOCH})"
    )


def changed_since_last_pass(suite: str, relation: str, key: str, part: str) -> str:
    """SQL condition on rows ``f`` of ``relation``: loaded after ``suite``'s watermark for
    their ``part``, or sharing ``key`` with such a row (so that uniqueness of ``key`` is still
    checked against the whole relation). ``relation`` needs ``_loaded_at``, ``key``, ``part``."""
    new = loaded_after_watermark(suite, "f._loaded_at", f"f.{part}")
    new_peer = loaded_after_watermark(suite, "n._loaded_at", f"n.{part}")
    return f"{new} or f.{key} in (select n.{key} from {relation} as n where {new_peer})"


def remember_loads(
    con: duckdb.DuckDBPyConnection,
    suite: str,
    part: str,
    frame: pd.DataFrame,
    validated_at: datetime,
) -> int:
    """Move each part's watermark of ``suite`` to the latest ``_loaded_at`` of its rows in
    ``frame`` (they passed); ``part`` names the frame's column. Returns the parts moved."""
    if frame.empty:
        return 0
    loads = (
        frame.groupby(part)
        .agg(loaded_through=("_loaded_at", "max"), rows_validated=("_loaded_at", "size"))
        .reset_index()
        .rename(columns={part: "part"})
    )
    _upsert(con, LOADS_TABLE, loads, suite, validated_at)
    return len(loads)
