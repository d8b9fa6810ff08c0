"""Timestamp layouts are read in SQL one layout at a time, as the loader reads them in Python.

``voc_core.timestamps.layouts_sql`` (the quality suites' SQL, and the body of the generated
dbt macros ``parse_naive_timestamp`` and ``parse_date``) replaces
``try_strptime(value, [layouts])``, which read past the end of short values in DuckDB 1.5.5
and crashed runs at a million rows. Both must give what the loader's ``datetime.strptime``
gives, and both must tell ISO values with an offset apart as the loader's regex does.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from tests.conftest import dbt_show
from voc_core.timestamps import (
    DATE_FORMATS,
    ISO_WITH_OFFSET,
    NAIVE_TIMESTAMP_FORMATS,
    iso_with_offset_sql,
    layouts_sql,
)

VALUES = [
    "2026-05-03 10:00:00",
    "2026-5-3 1:2:3",
    "2026-05-03 10:00:00.5",
    "2026-05-03 10:00:00.123456",
    "2026-05-03 10:00:00.1234567",
    "2026-05-03T10:00:00",
    "2026-05-03T10:00",
    "2026-05-03 10:00",
    "2026-05-03  10:00",
    "2026/05/03 10:00:00",
    "2026/5/3 8:05",
    "2026/05/03T10:00:00",
    "2026-05-03",
    "2026/05/03",
    "20260503",
    "2026-13-03",
    "2026-02-30 10:00",
    "2026-05-03 24:00",
    "2026-05-03 10:60",
    "26-05-03",
    "12026-05-03",
    "2026-005-03",
    "+2026-05-03",
    "abc",
    "2026-05-03T10:00:00Z",
    "2026-05-03 10:00:00+08:00",
    "2026-05-03T10:00:00.123456789-0530",
    "2026-05-03T10:00:00+8:00",
    "2026-05-03T10:00Z",
]


def python_reading(value: str, layouts: tuple[str, ...]) -> datetime | None:
    """What the loader accepts: the first layout ``datetime.strptime`` reads."""
    for layout in layouts:
        try:
            return datetime.strptime(value, layout)
        except ValueError:
            continue
    return None


def values_sql() -> str:
    return ", ".join(f"('{v}')" for v in VALUES)


@pytest.mark.parametrize("layouts", [NAIVE_TIMESTAMP_FORMATS, DATE_FORMATS])
def test_quality_sql_reads_what_the_loader_reads(layouts: tuple[str, ...]) -> None:
    with duckdb.connect() as con:
        rows = con.execute(
            f"select v, {layouts_sql('v', layouts)} from (values {values_sql()}) as t(v)"
        ).fetchall()
    assert {v: parsed for v, parsed in rows} == {v: python_reading(v, layouts) for v in VALUES}


def test_sql_tells_iso_with_offset_apart_as_the_loader_does() -> None:
    with duckdb.connect() as con:
        rows = con.execute(
            f"select v, {iso_with_offset_sql('v')} from (values {values_sql()}) as t(v)"
        ).fetchall()
    assert dict(rows) == {v: bool(ISO_WITH_OFFSET.match(v)) for v in VALUES}
    assert sum(iso for _, iso in rows) == 3


def test_staging_macros_read_what_the_loader_reads(tmp_path: Path) -> None:
    rows = dbt_show(
        "select v, "
        "cast({{ parse_naive_timestamp('v') }} as varchar) as ts, "
        "cast({{ parse_date('v') }} as varchar) as d, "
        "{{ is_iso_with_offset('v') }} as iso, "
        "'{{ iso_with_offset_pattern() }}' as pattern "
        f"from (values {values_sql()}) as t(v)",
        tmp_path,
    )
    by_value = {row["v"]: row for row in rows}
    assert set(by_value) == set(VALUES)
    for value in VALUES:
        row = by_value[value]
        for column, layouts in (("ts", NAIVE_TIMESTAMP_FORMATS), ("d", DATE_FORMATS)):
            expected = python_reading(value, layouts)
            got = row[column]
            assert (None if got is None else datetime.fromisoformat(got)) == expected, (
                value,
                column,
            )
        assert row["iso"] == bool(ISO_WITH_OFFSET.match(value)), value
        assert row["pattern"] == ISO_WITH_OFFSET.pattern
