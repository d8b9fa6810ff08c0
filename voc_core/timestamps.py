"""The timestamp and date layouts of the landing contract, and the SQL that reads them.

Defined once, here. The loader reads them in Python (``ingestion.timestamps``); the raw
quality suites (``quality.expectations.raw``) and the dbt staging models read them in the SQL
built below. dbt gets that SQL as macros written into ``GENERATED_MACROS`` by
``write_dbt_macros`` (``python -m voc_core.timestamps``; ``prepare_manifest`` runs it before
every ``dbt parse``); ``macros/timestamps.sql`` builds ``to_utc`` and ``to_date`` on them.
"""

from __future__ import annotations

import re
from pathlib import Path

#: Timestamp layouts accepted in landing files. Naive ones are local time of the source.
#: ISO 8601 with an offset (``2026-05-01T12:00:00+08:00``, ``...Z``) is always accepted.
NAIVE_TIMESTAMP_FORMATS: tuple[str, ...] = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y-%m-%d",
    "%Y/%m/%d",
)

#: Date layouts accepted for date-only columns (``store_card.visit_date``).
DATE_FORMATS: tuple[str, ...] = ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d")

#: ISO 8601 with an explicit offset or ``Z``: an instant, whatever the source's time zone.
#: Python's ``re`` and DuckDB's RE2 read this pattern alike (on trimmed values).
ISO_WITH_OFFSET_PATTERN = (
    r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})$"
)
ISO_WITH_OFFSET = re.compile(ISO_WITH_OFFSET_PATTERN)

#: The dbt macro file ``write_dbt_macros`` writes, relative to the dbt project.
GENERATED_MACROS = Path("macros/generated/timestamp_layouts.sql")

_SHAPE_OF = (
    (".", r"\."),
    ("%Y", r"\d{4}"),
    ("%m", r"\d{1,2}"),
    ("%d", r"\d{1,2}"),
    ("%H", r"\d{1,2}"),
    ("%M", r"\d{1,2}"),
    ("%S", r"\d{1,2}"),
    ("%f", r"\d{1,6}"),
    (" ", r"\s+"),
)


def layout_shape(layout: str) -> str:
    """The regex of the values strptime can read with ``layout`` (%Y %m %d %H %M %S %f)."""
    for token, pattern in _SHAPE_OF:
        layout = layout.replace(token, pattern)
    return layout


def _literal(text: str) -> str:
    """``text`` as an SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def layouts_sql(value_sql: str, layouts: tuple[str, ...]) -> str:
    """SQL for ``value_sql`` read with the first of ``layouts`` whose shape it has, NULL if none.

    Each layout is tried only on values of its own shape (``layout_shape``), never as
    ``try_strptime(value, [layouts])``: DuckDB 1.5.5's strptime reads one byte past the end of
    a value shorter than the layout it tries (a literal is compared before the length is
    checked), which crashes the process when that byte lies past the end of mapped memory; at
    a million rows this happened in one run of two. For the layouts of this project the result
    is the same as the list form's, and what the loader's ``datetime.strptime`` reads
    (``tests/dbt/test_timestamp_layouts.py``).
    """
    whens = "".join(
        f"\n    when regexp_full_match({value_sql}, {_literal(layout_shape(layout))})"
        f" then try_strptime({value_sql}, {_literal(layout)})"
        for layout in layouts
    )
    return f"case{whens}\nend"


def iso_with_offset_sql(value_sql: str) -> str:
    """SQL: is ``value_sql`` (trimmed) ISO 8601 with an offset, an instant?"""
    return f"regexp_matches({value_sql}, {_literal(ISO_WITH_OFFSET_PATTERN)})"


def naive_timestamp_sql(value_sql: str) -> str:
    """SQL for ``value_sql`` in a naive layout as a naive timestamp (the source's local
    time), NULL if in none."""
    return layouts_sql(value_sql, NAIVE_TIMESTAMP_FORMATS)


def date_sql(value_sql: str) -> str:
    """SQL for ``value_sql`` in a date layout as a DATE, NULL if in none."""
    return f"cast({layouts_sql(value_sql, DATE_FORMATS)} as date)"


def local_timestamp_sql(value_sql: str, timezone: str) -> str:
    """SQL for a timestamp as naive local time of ``timezone``, NULL if unparseable.

    Naive layouts are local time already; ISO values with an offset are moved to the zone
    (ambiguous at a daylight-saving fall-back, so staging converts instants to UTC directly).
    """
    return (
        f"case when {iso_with_offset_sql(value_sql)}"
        f" then timezone({_literal(timezone)}, try_cast({value_sql} as timestamptz))"
        f" else {naive_timestamp_sql(value_sql)} end"
    )


#: Placeholder that becomes the macro argument ``value`` in the generated dbt macros.
_VALUE = "\0value\0"
_JINJA_DELIMITERS = ("{{", "}}", "{%", "%}", "{#", "#}")


def _macro(signature: str, body: str) -> str:
    """A dbt macro whose body is ``body`` with ``_VALUE`` standing for ``{{ value }}``."""
    literal_parts = body.split(_VALUE)
    for part in literal_parts:
        if any(delimiter in part for delimiter in _JINJA_DELIMITERS):
            raise ValueError(f"Jinja delimiter in generated SQL: {part!r}")
    body = "{{ value }}".join(literal_parts)
    return f"{{% macro {signature} -%}}\n{body}\n{{%- endmacro %}}\n"


def dbt_macros_text() -> str:
    """The content of ``GENERATED_MACROS``."""
    header = (
        "{#\n"
        "    GENERATED by voc_core.timestamps (python -m voc_core.timestamps): do not edit.\n"
        "    The layouts and the SQL that reads them are defined there, once; dbt regenerates\n"
        "    this file before every parse (orchestration.dbt.project.prepare_manifest).\n"
        "#}\n"
    )
    macros = [
        _macro("iso_with_offset_pattern()", ISO_WITH_OFFSET_PATTERN),
        _macro("is_iso_with_offset(value)", iso_with_offset_sql(_VALUE)),
        _macro("parse_naive_timestamp(value)", naive_timestamp_sql(_VALUE)),
        _macro("parse_date(value)", date_sql(_VALUE)),
    ]
    return "\n".join([header, *macros])


def write_dbt_macros(project_dir: Path) -> bool:
    """Write ``GENERATED_MACROS`` into the dbt project at ``project_dir``; True if that
    changed the file (an unchanged file is not touched, so dbt's parse cache holds)."""
    path = Path(project_dir) / GENERATED_MACROS
    text = dbt_macros_text()
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return True


if __name__ == "__main__":
    from voc_core.settings import DBT_PROJECT_DIR

    changed = write_dbt_macros(DBT_PROJECT_DIR)
    print(f"{DBT_PROJECT_DIR / GENERATED_MACROS}: {'written' if changed else 'unchanged'}")
