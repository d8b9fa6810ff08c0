"""Daily row counts for the volume suite are counted once per landing file and still equal
a count over the whole raw table."""

from __future__ import annotations

from datetime import date

import duckdb

from ingestion.raw_store import ensure_raw_schema
from quality.daily_volumes import TABLE, rows_per_day
from quality.expectations.raw import _day_sql

DAY = _day_sql("survey", "Asia/Shanghai")


def add_file(con: duckdb.DuckDBPyConnection, name: str, submitted: list[str]) -> None:
    for line, value in enumerate(submitted, start=2):
        con.execute(
            "insert into raw.survey (response_id, customer_id, survey_type, score, "
            "submitted_at, _file_sha256, _file_path, _line_number, _loaded_at, _encoding) "
            "values (?, 'C1', 'nps', '9', ?, ?, ?, ?, now(), 'utf-8')",
            [f"{name}-{line}", value, f"sha-{name}", f"survey/{name}.csv", line],
        )


def whole_table_count(con: duckdb.DuckDBPyConnection) -> dict[date, int]:
    rows = con.execute(
        f"select {DAY} as day, count(*) from raw.survey group by 1 having day is not null"
    ).fetchall()
    return dict(rows)


def test_counts_are_kept_per_file_and_equal_a_whole_table_count() -> None:
    con = duckdb.connect(":memory:")
    ensure_raw_schema(con)
    # An unreadable time has no day: kept as a null day, so the file is counted once.
    add_file(con, "a", ["2026-05-01 20:30:00", "2026-05-02 08:00:00", "not a time"])
    first = rows_per_day(con, "survey", "raw.survey", DAY, "Asia/Shanghai")
    assert first == whole_table_count(con) == {date(2026, 5, 1): 1, date(2026, 5, 2): 1}
    kept = con.execute(f"select count(*) from {TABLE}").fetchone()

    assert rows_per_day(con, "survey", "raw.survey", DAY, "Asia/Shanghai") == first
    assert con.execute(f"select count(*) from {TABLE}").fetchone() == kept  # not recounted

    add_file(con, "b", ["2026-05-02 09:00:00", "2026/05/03 10:00"])
    second = rows_per_day(con, "survey", "raw.survey", DAY, "Asia/Shanghai")
    assert second == whole_table_count(con)
    assert second == {date(2026, 5, 1): 1, date(2026, 5, 2): 2, date(2026, 5, 3): 1}

    con.execute("delete from raw.survey where _file_sha256 = 'sha-a'")  # a file gone
    assert rows_per_day(con, "survey", "raw.survey", DAY, "Asia/Shanghai") == (
        whole_table_count(con)
    )
    # Another time zone is counted on its own.
    other = _day_sql("survey", "UTC")
    utc = rows_per_day(con, "survey", "raw.survey", other, "UTC")
    assert sum(utc.values()) == 2
