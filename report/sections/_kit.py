"""Small helpers shared by sections 6-10: labels with a fallback, number formats, intervals,
a plain HTML table and the figures' common layout."""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import duckdb
import plotly.graph_objects as go

from report.section import ReportContext
from report.stats import wilson
from voc_core.catalog import relation_exists

#: Observations below which a share or mean is marked low-sample (MARTS.md: n < 30).
LOW_SAMPLE = 30


def label(ctx: ReportContext, key: str, fallback: str, **values: object) -> str:
    """``ctx.text(key)``, or ``fallback`` for a data value that has no label (a new team, a
    store, a brand added to the seed)."""
    try:
        return ctx.text(key, **values)
    except KeyError:
        return fallback


def rows(ctx: ReportContext, sql: str, params: Sequence[object] = ()) -> list[dict]:
    """The rows of ``sql`` on the serving copy as dicts."""
    cursor = ctx.con.execute(sql, list(params))
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def has_table(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    """Whether ``marts.<table>`` exists in the serving copy (an old copy may lack a mart)."""
    return relation_exists(con, "marts", table)


def window(ctx: ReportContext, days: int) -> tuple[date, date]:
    """The ``days`` business days up to and including the report's day: [start, as_of]."""
    assert ctx.as_of is not None
    return ctx.as_of - timedelta(days=days - 1), ctx.as_of


def num(value: float | int | None, digits: int = 0) -> str:
    """A number with thousands separators; an en dash for a missing one."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:,.{digits}f}"


def pct(share: float | None, digits: int = 1) -> str:
    """A 0..1 share as a percentage."""
    if share is None or (isinstance(share, float) and math.isnan(share)):
        return "–"
    return f"{100 * share:.{digits}f}%"


def share_interval(successes: float, n: float) -> tuple[float, float] | None:
    """95 % Wilson interval of a share, as 0..1; None when n < 2 (``report.stats.wilson``)."""
    if n is None:
        return None
    interval = wilson(successes, n)
    return None if interval is None else (interval[0] / 100, interval[1] / 100)


def local_time(ctx: ReportContext, value: datetime | None) -> str:
    """A naive UTC timestamp as date and time in the business time zone."""
    if value is None:
        return "–"
    stamp = value.replace(tzinfo=timezone.utc).astimezone(ZoneInfo(ctx.business_timezone))
    return stamp.strftime("%Y-%m-%d %H:%M")


def esc(value: object) -> str:
    return html.escape("" if value is None else str(value))


def table(headers: Sequence[str], body: Iterable[Sequence[object]], css: str = "") -> str:
    """An HTML table; cells are escaped here (pass plain text)."""
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    lines = "".join(
        "<tr>" + "".join(f"<td>{esc(cell)}</td>" for cell in row) + "</tr>" for row in body
    )
    klass = f' class="{esc(css)}"' if css else ""
    return f"<table{klass}><thead><tr>{head}</tr></thead><tbody>{lines}</tbody></table>"


def style(fig: go.Figure, height: int = 380, **layout: object) -> go.Figure:
    """The report's common figure layout."""
    titled = "title" in layout
    if titled:  # the title on top, the legend between it and the plot
        layout["title"] = {"y": 0.99, "yanchor": "top", "x": 0.01, **layout["title"]}
    fig.update_layout(
        template="plotly_white",
        height=height + (40 if titled else 0),
        margin={"l": 10, "r": 10, "t": 80 if titled else 40, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.01, "x": 0},
        **layout,
    )
    fig.update_xaxes(automargin=True)
    fig.update_yaxes(automargin=True)
    return fig
