"""What the connected DuckDB database holds: the one lookup every layer asks before reading a
table another step may not have built yet."""

from __future__ import annotations

import duckdb


def relation_exists(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> bool:
    """Whether a table or view ``schema.name`` exists in the connected database."""
    row = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, name],
    ).fetchone()
    return bool(row and row[0])
