"""How Python rows enter DuckDB: typed by the table they go to, never by inference.

DuckDB's pandas scan guesses a column's type from its first rows. An optional column that is
empty there (a source that leaves ``app_version`` blank for its first 10,000 rows, texts
without personal data so ``pii_kinds`` is ``[]``) is typed NULL, and the first value after
the sample then fails with "Failed to cast value ... (VARCHAR -> NULL)". So every frame is
turned into an Arrow table whose schema comes from the target table's own columns, and DuckDB
scans that: one schema, the warehouse's, whatever the data looks like.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import duckdb
import pandas as pd
import pyarrow as pa

#: DuckDB column types this project writes from Python, as Arrow types.
_SCALARS: Mapping[str, pa.DataType] = {
    "VARCHAR": pa.string(),
    "JSON": pa.string(),
    "BOOLEAN": pa.bool_(),
    "TINYINT": pa.int8(),
    "SMALLINT": pa.int16(),
    "INTEGER": pa.int32(),
    "BIGINT": pa.int64(),
    "UBIGINT": pa.uint64(),
    "FLOAT": pa.float32(),
    "DOUBLE": pa.float64(),
    "DATE": pa.date32(),
    "TIMESTAMP": pa.timestamp("us"),
    "TIMESTAMP WITH TIME ZONE": pa.timestamp("us", tz="UTC"),
}
_LIST = re.compile(r"^(.+)\[\]$")


def arrow_type(duckdb_type: str) -> pa.DataType:
    """The Arrow type of a DuckDB column type (``VARCHAR[]`` -> list of strings)."""
    listed = _LIST.match(duckdb_type)
    if listed:
        return pa.list_(arrow_type(listed.group(1)))
    if duckdb_type.startswith("DECIMAL"):
        return pa.float64()
    try:
        return _SCALARS[duckdb_type]
    except KeyError:
        raise TypeError(f"no Arrow type for the DuckDB type {duckdb_type}") from None


def table_schema(con: duckdb.DuckDBPyConnection, table: str) -> pa.Schema:
    """The Arrow schema of ``table`` (``schema.name``, quoted or not)."""
    rows = con.execute(f"select column_name, column_type from (describe {table})").fetchall()
    return pa.schema([(name, arrow_type(kind)) for name, kind in rows])


def typed_frame(frame: pd.DataFrame, schema: pa.Schema) -> pa.Table:
    """``frame`` as an Arrow table with ``schema``'s types for the columns it has (in its own
    order); a column the schema lacks raises, so a typo cannot slip in as a new column."""
    unknown = [c for c in frame.columns if c not in schema.names]
    if unknown:
        raise KeyError(f"columns not in the target table: {', '.join(map(str, unknown))}")
    fields = [schema.field(str(name)) for name in frame.columns]
    return pa.Table.from_pandas(frame, schema=pa.schema(fields), preserve_index=False)


def insert_typed(
    con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame, replace: bool = False
) -> None:
    """Append ``frame`` to ``table`` by column name, typed by the table's columns
    (``replace``: ``insert or replace``, for tables with a primary key)."""
    if frame.empty:
        return
    rows = typed_frame(frame, table_schema(con, table))
    name = "_voc_typed_rows"
    con.register(name, rows)
    try:
        verb = "insert or replace" if replace else "insert"
        con.execute(f"{verb} into {table} by name select * from {name}")
    finally:
        con.unregister(name)
