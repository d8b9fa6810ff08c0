"""The raw layer in DuckDB: one table per source, the file manifest and the quarantine.

Raw tables keep every delivered value as text, the contract's columns first and any column
a source adds later in ``_extra`` (a JSON object), plus where each row came from.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from voc_core.contracts import SOURCES, SourceContract
from voc_core.frames import insert_typed

RAW_SCHEMA = "raw"
MANIFEST_TABLE = f"{RAW_SCHEMA}._files"
QUARANTINE_TABLE = f"{RAW_SCHEMA}._quarantine"

#: Lineage columns on every raw row.
LINEAGE_COLUMNS: dict[str, str] = {
    "_extra": "JSON",
    "_file_sha256": "VARCHAR NOT NULL",
    "_file_path": "VARCHAR NOT NULL",
    "_line_number": "INTEGER NOT NULL",
    "_loaded_at": "TIMESTAMP NOT NULL",
    "_encoding": "VARCHAR NOT NULL",
}

_MANIFEST_DDL = f"""
create table if not exists {MANIFEST_TABLE} (
    file_sha256 varchar not null,
    source varchar not null,
    file_path varchar not null,
    file_bytes bigint,
    encoding varchar,
    rows_read integer not null,
    rows_loaded integer not null,
    rows_quarantined integer not null,
    status varchar not null,   -- loaded | loaded_with_quarantine | rejected | duplicate | failed
    message varchar,
    loaded_at timestamp not null,
    primary key (file_sha256, file_path)
)
"""

_QUARANTINE_DDL = f"""
create table if not exists {QUARANTINE_TABLE} (
    source varchar not null,
    file_sha256 varchar not null,
    file_path varchar not null,
    line_number integer,
    raw_content varchar,
    reason varchar not null,
    message varchar,
    quarantined_at timestamp not null
)
"""


def raw_table(source: str) -> str:
    """Qualified name of a source's raw table (quoted: ``order`` is a SQL keyword)."""
    return f'{RAW_SCHEMA}."{source}"'


def _raw_table_ddl(contract: SourceContract) -> str:
    columns = [f'"{c}" varchar' for c in contract.columns]
    columns += [f"{name} {kind}" for name, kind in LINEAGE_COLUMNS.items()]
    return (
        f"create table if not exists {raw_table(contract.name)} (\n    "
        + ",\n    ".join(columns)
        + "\n)"
    )


def ensure_raw_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the raw schema, every source table, the manifest and the quarantine if absent."""
    con.execute(f"create schema if not exists {RAW_SCHEMA}")
    con.execute(_MANIFEST_DDL)
    con.execute(_QUARANTINE_DDL)
    for contract in SOURCES.values():
        con.execute(_raw_table_ddl(contract))


def insert_frame(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
    """Append a DataFrame to ``table``, matching columns by name and typed by the table's
    columns (``voc_core.frames``): an optional column empty in a file's first rows is not
    guessed NULL."""
    insert_typed(con, table, frame)
