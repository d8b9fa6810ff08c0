"""What every report section is built from and returns: the one interface of ``report/sections``.

A section module exposes ``build(ctx: ReportContext) -> Section``. It queries the serving copy
through ``ctx.con`` (read-only), picks its labels from ``ctx.text`` (``report.labels``) and
returns figures, small HTML tables, or an ``empty`` message when there is nothing to draw:
never a broken chart and never an exception for empty or tiny data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import duckdb
    import plotly.graph_objects as go


@dataclass(frozen=True)
class ReportContext:
    """What a section may read: the serving copy, the language and the report's dates."""

    #: Read-only connection to the serving copy; tables live in the ``marts`` schema.
    con: duckdb.DuckDBPyConnection
    #: ``zh`` (default) or ``en``.
    lang: str
    #: IANA name of the business time zone; dates shown are dates there.
    business_timezone: str
    #: The last business day with data (the report's "today"); None on an empty warehouse.
    as_of: date | None
    #: ``text(key, **values)``: the label ``key`` in ``lang``, formatted with ``values``.
    text: Callable[..., str]


@dataclass
class Section:
    """One section of the report, in the order ``report.sections.SECTIONS`` gives."""

    #: Stable HTML id (``headline``, ``trends``, ...); the browser test looks sections up by it.
    id: str
    title: str
    #: One line saying what the section shows on this data (a reading, not a caption).
    reading: str
    figures: list[go.Figure] = field(default_factory=list)
    #: Extra HTML (tables, quote lists, KPI tiles); text in it must already be escaped.
    html: str = ""
    #: Set when there is nothing to draw: the section renders this message in a "no data yet"
    #: panel instead of charts.
    empty: str | None = None
    #: Plain figures for the Dagster metadata summary (e.g. {"nps": 24.1}).
    summary: dict[str, object] = field(default_factory=dict)
