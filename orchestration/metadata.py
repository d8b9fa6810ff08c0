"""Metadata every asset shows in the Dagster UI: row count, rows new in this run, the column
names and types, a preview.

Shared by the raw, dbt and text analytics assets. Each helper takes an open DuckDB connection:
open it only while nothing else writes the file (never while dbt runs).

Preview cells are personal-data masked (``text_analytics.pii``: phones, e-mails, ID and bank
card numbers become placeholders) before they are truncated, because the preview is stored in
Dagster's run history, which is not the warehouse and is not access-controlled like it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import dagster as dg
import duckdb

from text_analytics.pii import mask_pii
from voc_core.catalog import relation_exists

#: Metadata keys (``dagster/row_count`` is the one the UI charts and shows in the catalog).
ROW_COUNT_KEY = "dagster/row_count"
ROWS_NEW_KEY = "rows_new"
#: The table's columns (name, type, nullability): the UI's "Columns" panel and catalog.
COLUMN_SCHEMA_KEY = "dagster/column_schema"
PREVIEW_KEY = "preview"

PREVIEW_ROWS = 5
#: Longest cell shown in a preview; longer texts end in an ellipsis.
PREVIEW_MAX_CHARS = 40


def quote_relation(schema: str, name: str) -> str:
    """``"schema"."name"``, safe for keywords such as ``order``."""
    return ".".join('"' + part.replace('"', '""') + '"' for part in (schema, name))


#: One part of a relation name: ``"double-quoted"`` (``""`` escapes a quote) or bare.
_PART = r'"((?:[^"]|"")*)"|([^".\s]+)'
_RELATION = re.compile(rf"\s*(?:{_PART})\.(?:{_PART})\s*")


def split_relation(relation: str) -> tuple[str, str]:
    """``(schema, name)`` of ``schema.name`` or ``"schema"."name"`` (``quote_relation``)."""
    match = _RELATION.fullmatch(relation)
    if match is None:
        raise ValueError(f"not a schema-qualified relation: {relation!r}")
    quoted_schema, bare_schema, quoted_name, bare_name = match.groups()
    schema = bare_schema if quoted_schema is None else quoted_schema.replace('""', '"')
    name = bare_name if quoted_name is None else quoted_name.replace('""', '"')
    return schema, name


def count_rows(con: duckdb.DuckDBPyConnection, relation: str) -> int:
    """``select count(*)`` of a (quoted) relation."""
    row = con.execute(f"select count(*) from {relation}").fetchone()
    return int(row[0]) if row else 0


def count_rows_if_exists(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> int | None:
    """The row count of ``schema.name``, or None when it does not exist (yet)."""
    if not relation_exists(con, schema, name):
        return None
    return count_rows(con, quote_relation(schema, name))


def column_schema(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> dg.TableSchema:
    """The columns of ``schema.name`` in table order: name, DuckDB type, nullability, and the
    column comment (if any) as description; one query of ``information_schema.columns``."""
    rows = con.execute(
        "select column_name, data_type, is_nullable, column_comment"
        " from information_schema.columns where table_schema = ? and table_name = ?"
        " order by ordinal_position",
        [schema, name],
    ).fetchall()
    if not rows:
        raise ValueError(f"no columns found for {schema}.{name}")
    return dg.TableSchema(
        columns=[
            dg.TableColumn(
                name=column,
                type=data_type,
                description=comment or None,
                constraints=dg.TableColumnConstraints(nullable=nullable == "YES"),
            )
            for column, data_type, nullable, comment in rows
        ]
    )


def column_schema_metadata(
    con: duckdb.DuckDBPyConnection, relation: str
) -> dict[str, dg.MetadataValue]:
    """``dagster/column_schema`` of ``relation`` (``schema.name``, quoted or not)."""
    schema = column_schema(con, *split_relation(relation))
    return {COLUMN_SCHEMA_KEY: dg.MetadataValue.table_schema(schema)}


def format_cell(value: Any, max_chars: int = PREVIEW_MAX_CHARS) -> str:
    """One preview cell: masked, on one line, at most ``max_chars`` characters, `|` escaped."""
    if value is None:
        return ""
    text = " ".join(str(value).split())
    text, _ = mask_pii(text)
    if len(text) > max_chars:
        text = text[: max_chars - 1] + "…"
    return text.replace("\\", "\\\\").replace("|", "\\|")


def rows_to_markdown(
    columns: Sequence[str], rows: Sequence[Sequence[Any]], max_chars: int = PREVIEW_MAX_CHARS
) -> str:
    """A markdown table of ``rows`` (``columns`` as header); "no rows" when empty."""
    if not rows:
        return "no rows"
    header = "| " + " | ".join(format_cell(c, max_chars) for c in columns) + " |"
    rule = "|" + "|".join(" --- " for _ in columns) + "|"
    body = ["| " + " | ".join(format_cell(v, max_chars) for v in row) + " |" for row in rows]
    return "\n".join([header, rule, *body])


def preview_markdown(
    con: duckdb.DuckDBPyConnection,
    query: str,
    limit: int = PREVIEW_ROWS,
    max_chars: int = PREVIEW_MAX_CHARS,
) -> str:
    """The first ``limit`` rows of ``query`` (a select statement, in its own order, without a
    ``limit`` of its own) as a markdown table."""
    result = con.execute(f"{query} limit {int(limit)}")
    columns = [d[0] for d in result.description]
    return rows_to_markdown(columns, result.fetchall(), max_chars)


def table_metadata(
    con: duckdb.DuckDBPyConnection,
    relation: str,
    rows_before: int | None,
    preview_query: str | None = None,
) -> dict[str, dg.MetadataValue]:
    """Row count, rows new since ``rows_before`` (None: the table did not exist, so every row
    is new), the column schema and a preview (``preview_query``, default: the relation's first
    rows). ``relation`` is ``schema.name``, quoted or not."""
    rows = count_rows(con, relation)
    return {
        ROW_COUNT_KEY: dg.MetadataValue.int(rows),
        ROWS_NEW_KEY: dg.MetadataValue.int(rows - (rows_before or 0)),
        **column_schema_metadata(con, relation),
        PREVIEW_KEY: dg.MetadataValue.md(
            preview_markdown(con, preview_query or f"select * from {relation}")
        ),
    }
