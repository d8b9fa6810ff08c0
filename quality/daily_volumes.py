"""Rows per day of a raw table, counted once per landing file.

The volume suite compares each source's recent daily row counts with its history. Counting
them means parsing every row's timestamp, which at 1M items costs seconds on every run. Raw
tables only grow by whole files, so each file's rows per day are counted once, when it is
first seen, and kept (``quality.daily_rows_by_file``); a run counts only its new files and
sums the kept counts of the files still in the table. The counts depend on the time zone a
source's naive timestamps are read in, so they are kept per zone. Rows without a day are
kept as a null day, so a file is counted exactly once, in one statement.
"""

from __future__ import annotations

from datetime import date

import duckdb

TABLE = "quality.daily_rows_by_file"


def ensure_table(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create schema if not exists quality")
    con.execute(
        f"""
        create table if not exists {TABLE} (
            source varchar not null,
            timezone varchar not null,
            file_sha256 varchar not null,
            file_path varchar not null,
            day date,
            n bigint not null
        )
        """
    )


def rows_per_day(
    con: duckdb.DuckDBPyConnection, source: str, table: str, day_sql: str, timezone: str
) -> dict[date, int]:
    """Rows of ``table`` per day (``day_sql``, an expression on its columns), for ``source``
    read in ``timezone``; files not counted before are counted now."""
    ensure_table(con)
    key = [source, timezone]
    con.execute(
        f"insert into {TABLE} "
        f"select ?, ?, r._file_sha256, r._file_path, {day_sql} as day, count(*) "
        f"from {table} as r where not exists (select 1 from {TABLE} as c "
        "where c.source = ? and c.timezone = ? "
        "and c.file_sha256 = r._file_sha256 and c.file_path = r._file_path) "
        "group by all",
        key + key,
    )
    rows = con.execute(
        f"select day, sum(n)::bigint from {TABLE} as c "
        "where c.source = ? and c.timezone = ? and c.day is not null "
        "and (c.file_sha256, c.file_path) in "
        f"(select distinct _file_sha256, _file_path from {table}) group by day",
        key,
    ).fetchall()
    return {day: n for day, n in rows}
