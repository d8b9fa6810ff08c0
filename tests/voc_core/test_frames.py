"""Frames enter DuckDB typed by their target table, whatever their first rows hold."""

from __future__ import annotations

from datetime import datetime

import duckdb
import pandas as pd
import pytest

from voc_core.frames import insert_typed

ROWS = 12_000  # beyond DuckDB's pandas sample (1,000 rows by default)


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect(":memory:")
    connection.execute(
        "create table t (id varchar primary key, note varchar, kinds varchar[], "
        "score double, n bigint, seen_at timestamp)"
    )
    return connection


def _late_filled() -> pd.DataFrame:
    """Optional columns empty for the first 10,000 rows, filled afterwards."""
    filled = [i >= 10_000 for i in range(ROWS)]
    return pd.DataFrame(
        {
            "id": [f"r{i}" for i in range(ROWS)],
            "note": ["好评" if f else None for f in filled],
            "kinds": [["phone"] if f else [] for f in filled],
            "score": [0.5 if f else None for f in filled],
            "n": [7 if f else None for f in filled],
            "seen_at": [datetime(2026, 5, 1, 8, 30) if f else None for f in filled],
        }
    )


def _rare_list_value(rows: int = 50_000) -> pd.DataFrame:
    """A list column empty everywhere but in one row (texts without personal data, but one):
    DuckDB's sample of the frame sees only empty lists and types the elements NULL."""
    kinds: list[list[str]] = [[] for _ in range(rows)]
    kinds[12_345] = ["PHONE"]
    return pd.DataFrame({"id": [f"r{i}" for i in range(rows)], "kinds": kinds})


def test_pandas_inference_is_what_breaks(con: duckdb.DuckDBPyConnection) -> None:
    """The failure this module exists for (the real-data crash of text scoring)."""
    con.register("guessed", _rare_list_value())
    with pytest.raises(duckdb.Error, match="NULL"):
        con.execute("insert into t by name select * from guessed")


def test_a_rare_list_value_is_typed_by_the_table(con: duckdb.DuckDBPyConnection) -> None:
    insert_typed(con, "t", _rare_list_value())
    assert con.execute("select id, kinds from t where len(kinds) > 0").fetchall() == [
        ("r12345", ["PHONE"])
    ]
    assert con.execute("select count(*) from t").fetchone()[0] == 50_000


def test_columns_empty_in_the_first_rows_are_typed_by_the_table(
    con: duckdb.DuckDBPyConnection,
) -> None:
    insert_typed(con, "t", _late_filled())
    counts = con.execute(
        "select count(*), count(note), count(score), count(n), count(seen_at), "
        "count(*) filter (where kinds = ['phone']), count(*) filter (where len(kinds) = 0) "
        "from t"
    ).fetchone()
    assert counts == (ROWS, 2_000, 2_000, 2_000, 2_000, 2_000, 10_000)
    assert con.execute("select seen_at from t where id = 'r11999'").fetchone()[0] == datetime(
        2026, 5, 1, 8, 30
    )


def test_replace_and_unknown_columns(con: duckdb.DuckDBPyConnection) -> None:
    insert_typed(con, "t", pd.DataFrame({"id": ["a"], "note": ["old"]}))
    insert_typed(con, "t", pd.DataFrame({"id": ["a"], "note": ["new"]}), replace=True)
    assert con.execute("select note from t").fetchall() == [("new",)]
    with pytest.raises(KeyError, match="typo"):
        insert_typed(con, "t", pd.DataFrame({"id": ["b"], "typo": [1]}))
    insert_typed(con, "t", pd.DataFrame({"id": []}))  # nothing to insert
    assert con.execute("select count(*) from t").fetchone()[0] == 1
