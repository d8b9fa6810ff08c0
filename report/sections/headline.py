"""1 Headline: this month's NPS, CSAT and CES with the change from last month, their
intervals and low-sample marks; the open and overdue follow-ups and today's alerts.

"This month" is the latest business month of ``mart_experience_monthly`` (segment ``all``);
"last month" is the calendar month before it. "Today" is ``ctx.as_of``, the last business day
with data. Every figure is read from the marts; intervals the marts do not carry are computed
from their counts (``report.stats``). The KPI tiles carry ``data-metric`` / ``data-value``
attributes (the value unrounded) for the browser test.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date

import duckdb
import plotly.graph_objects as go

from report.labels import day_label, month_label, number
from report.section import ReportContext, Section
from report.stats import mean_interval, nps_change_p, proportion_change_p, wilson

#: Below this many answers a figure is marked low-sample (the marts' nps_low_sample_below).
LOW_SAMPLE_BELOW = 30
SIGNIFICANCE = 0.05


@dataclass(frozen=True)
class Kpi:
    metric: str
    value: float | None
    n: int
    previous: float | None
    interval: tuple[float, float] | None
    p_value: float | None
    decimals: int = 1
    suffix: str = ""

    @property
    def low_sample(self) -> bool:
        return self.n < LOW_SAMPLE_BELOW

    @property
    def delta(self) -> float | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous


def _month_rows(ctx: ReportContext) -> tuple[dict | None, dict | None]:
    """This month's and last month's ``all`` rows of mart_experience_monthly."""
    df = ctx.con.execute(
        """
        select * from marts.mart_experience_monthly
        where segment = 'all'
        order by month_start desc
        limit 2
        """
    ).df()
    if df.empty:
        return None, None
    rows = df.to_dict("records")
    this = rows[0]
    this_month: date = (
        this["month_start"].date() if hasattr(this["month_start"], "date") else this["month_start"]
    )
    previous_month = date(
        this_month.year - (this_month.month == 1), (this_month.month - 2) % 12 + 1, 1
    )
    last = None
    if len(rows) > 1:
        other = rows[1]["month_start"]
        other = other.date() if hasattr(other, "date") else other
        if other == previous_month:
            last = rows[1]
    return this, last


def _ces_squares(ctx: ReportContext, month: date, responses: int) -> float | None:
    """The month's sum of squared CES answers, from mart_journey_monthly (every survey answer
    has one touchpoint there); None when its answers do not add up to the month's."""
    try:
        row = ctx.con.execute(
            """
            select sum(ces_responses), sum(ces_score_squares)
            from marts.mart_journey_monthly
            where segment = 'all' and month_start = ?
            """,
            [month],
        ).fetchone()
    except duckdb.CatalogException:  # the journey mart is optional for the headline
        return None
    if row is None or row[0] is None or int(row[0]) != responses or row[1] is None:
        return None
    return float(row[1])


def _num(value: object) -> float | None:
    if value is None:
        return None
    value = float(value)  # type: ignore[arg-type]
    return None if value != value else value


def _kpis(ctx: ReportContext, this: dict, last: dict | None) -> list[Kpi]:
    n_nps = int(this["nps_responses"] or 0)
    n_csat = int(this["csat_responses"] or 0)
    n_ces = int(this["ces_responses"] or 0)
    month = this["month_start"]
    month = month.date() if hasattr(month, "date") else month

    nps_interval = None
    if n_nps >= 2 and _num(this["nps_ci_low"]) is not None:
        nps_interval = (float(this["nps_ci_low"]), float(this["nps_ci_high"]))
    nps_p = csat_p = None
    if last is not None:
        nps_p = nps_change_p(
            last["promoters"] or 0,
            last["detractors"] or 0,
            last["nps_responses"] or 0,
            this["promoters"] or 0,
            this["detractors"] or 0,
            n_nps,
        )
        csat_p = proportion_change_p(
            last["csat_satisfied"] or 0,
            last["csat_responses"] or 0,
            this["csat_satisfied"] or 0,
            n_csat,
        )
    squares = _ces_squares(ctx, month, n_ces) if n_ces >= 2 else None
    ces_interval = (
        mean_interval(float(this["ces_score_sum"]), squares, n_ces) if squares is not None else None
    )
    return [
        Kpi(
            "nps",
            _num(this["nps"]) if n_nps else None,
            n_nps,
            _num(last["nps"]) if last is not None else None,
            nps_interval,
            nps_p,
        ),
        Kpi(
            "csat",
            _num(this["csat_pct"]) if n_csat else None,
            n_csat,
            _num(last["csat_pct"]) if last is not None else None,
            wilson(float(this["csat_satisfied"] or 0), n_csat),
            csat_p,
            suffix="%",
        ),
        Kpi(
            "ces",
            _num(this["ces_mean"]) if n_ces else None,
            n_ces,
            _num(last["ces_mean"]) if last is not None else None,
            ces_interval,
            None,
            decimals=2,
        ),
    ]


def _followups(ctx: ReportContext) -> tuple[int, int, int]:
    """(open incl. overdue, overdue, overdue whose response the data could show)."""
    try:
        row = ctx.con.execute(
            """
            select
                count(*) filter (where status in ('open', 'overdue')),
                count(*) filter (where status = 'overdue'),
                count(*) filter (where status = 'overdue' and response_traceable)
            from marts.fct_followup
            """
        ).fetchone()
    except duckdb.CatalogException:
        return 0, 0, 0
    return int(row[0] or 0), int(row[1] or 0), int(row[2] or 0)


def _alerts_today(ctx: ReportContext) -> tuple[int, int]:
    """(alerts raised on as_of, of them critical)."""
    if ctx.as_of is None:
        return 0, 0
    try:
        row = ctx.con.execute(
            """
            select count(*), count(*) filter (where severity = 'critical')
            from marts.mart_alerts where day = ?
            """,
            [ctx.as_of],
        ).fetchone()
    except duckdb.CatalogException:
        return 0, 0
    return int(row[0] or 0), int(row[1] or 0)


def _attr(value: float | int | None) -> str:
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    return repr(round(float(value), 6))


def _tile(
    metric: str, label: str, value_text: str, value: float | int | None, notes: list[str]
) -> str:
    note_html = "".join(f'<div class="kpi-note">{note}</div>' for note in notes)
    return (
        f'<div class="kpi" data-metric="{metric}" data-value="{_attr(value)}">'
        f'<div class="kpi-label">{html.escape(label)}</div>'
        f'<div class="kpi-value">{html.escape(value_text)}</div>{note_html}</div>'
    )


def _kpi_tile(ctx: ReportContext, kpi: Kpi) -> str:
    t = ctx.text
    notes = []
    if kpi.delta is not None:
        direction = "up" if kpi.delta > 0 else ("down" if kpi.delta < 0 else "")
        delta_text = number(kpi.delta, kpi.decimals, signed=True)
        mark = ""
        if kpi.p_value is not None:
            significant = kpi.p_value < SIGNIFICANCE and not kpi.low_sample
            mark = t("mark.significant") if significant else t("mark.not_significant")
            mark = f'<span class="mark">{html.escape(mark)}</span>'
        vs_last = html.escape(t("headline.vs_last", delta=delta_text))
        notes.append(f'<span class="{direction}">{vs_last}</span>{mark}')
    else:
        notes.append(html.escape(t("headline.no_last")))
    if kpi.interval is not None:
        notes.append(
            html.escape(
                t(
                    "headline.interval",
                    low=number(kpi.interval[0], kpi.decimals),
                    high=number(kpi.interval[1], kpi.decimals),
                )
            )
        )
    n_note = html.escape(t("headline.n", n=f"{kpi.n:,}"))
    if kpi.low_sample:
        n_note += f'<span class="mark">{html.escape(t("mark.low_sample"))}</span>'
    notes.append(n_note)
    value_text = (
        number(kpi.value, kpi.decimals) + kpi.suffix if kpi.value is not None else t("headline.na")
    )
    return _tile(kpi.metric, t(f"headline.kpi_{kpi.metric}"), value_text, kpi.value, notes)


#: Axis of each score's bullet gauge: the whole scale, so months and metrics compare.
SCALES = {"nps": (-100.0, 100.0), "csat": (0.0, 100.0), "ces": (1.0, 7.0)}


def _figure(ctx: ReportContext, kpis: list[Kpi]) -> go.Figure:
    """One bullet gauge per score on its whole scale: the bar is this month, the grey band
    its 95% interval, the red tick last month; the number carries the change."""
    t = ctx.text
    fig = go.Figure()
    shown = [k for k in kpis if k.value is not None]
    rows = max(1, len(shown))
    for i, kpi in enumerate(shown):
        title = t(f"headline.kpi_{kpi.metric}")
        if kpi.low_sample:
            title += f"<br><span style='font-size:11px'>{t('mark.low_sample')}</span>"
        gauge: dict = {"shape": "bullet", "axis": {"range": list(SCALES[kpi.metric])}}
        gauge["bar"] = {"color": "#1f6feb", "thickness": 0.4}
        if kpi.interval is not None:
            gauge["steps"] = [{"range": list(kpi.interval), "color": "#d9dee5"}]
        if kpi.previous is not None:
            gauge["threshold"] = {
                "line": {"color": "#c62828", "width": 3},
                "thickness": 0.9,
                "value": kpi.previous,
            }
        top = 1 - i / rows
        fig.add_trace(
            go.Indicator(
                mode="number+gauge+delta" if kpi.previous is not None else "number+gauge",
                value=kpi.value,
                number={"valueformat": f".{kpi.decimals}f", "suffix": kpi.suffix},
                delta={"reference": kpi.previous, "valueformat": f"+.{kpi.decimals}f"}
                if kpi.previous is not None
                else None,
                gauge=gauge,
                title={"text": title, "font": {"size": 14}},
                domain={"x": [0.2, 0.85], "y": [top - 1 / rows + 0.08, top - 0.08]},
            )
        )
    fig.update_layout(height=70 * rows + 60, margin={"l": 20, "r": 20, "t": 20, "b": 20})
    return fig


def build(ctx: ReportContext) -> Section:
    t = ctx.text
    title = t("headline.title")
    this, last = _month_rows(ctx)
    open_items, overdue, overdue_traceable = _followups(ctx)
    alerts, critical = _alerts_today(ctx)
    if this is None and open_items == 0 and alerts == 0:
        return Section(id="headline", title=title, reading="", empty=t("headline.empty"))

    kpis: list[Kpi] = []
    month: date | None = None
    if this is not None:
        kpis = _kpis(ctx, this, last)
        month = this["month_start"]
        month = month.date() if hasattr(month, "date") else month
    else:
        kpis = [Kpi(m, None, 0, None, None, None) for m in ("nps", "csat", "ces")]

    by_metric = {k.metric: k for k in kpis}

    def show(kpi: Kpi) -> str:
        return number(kpi.value, kpi.decimals) + kpi.suffix if kpi.value is not None else "—"

    nps = by_metric["nps"]
    reading = t(
        "headline.reading" if nps.delta is not None else "headline.reading_no_last",
        month=month_label(month, ctx.lang) if month else "—",
        nps=show(nps),
        delta=number(nps.delta, 1, signed=True),
        csat=show(by_metric["csat"]),
        ces=show(by_metric["ces"]),
        open=f"{open_items:,}",
        overdue=f"{overdue:,}",
        alerts=f"{alerts:,}",
    )
    tiles = [_kpi_tile(ctx, kpi) for kpi in kpis]
    tiles.append(_tile("open_followups", t("headline.kpi_open"), f"{open_items:,}", open_items, []))
    tiles.append(
        _tile(
            "overdue_followups",
            t("headline.kpi_overdue"),
            f"{overdue:,}",
            overdue,
            [html.escape(t("headline.overdue_traceable", n=f"{overdue_traceable:,}"))],
        )
    )
    tiles.append(
        _tile(
            "alerts_today",
            t("headline.kpi_alerts"),
            f"{alerts:,}",
            alerts,
            [html.escape(t("headline.alerts_critical", n=f"{critical:,}"))],
        )
    )
    as_of_text = day_label(ctx.as_of, ctx.lang) if ctx.as_of else "—"
    heading = (
        t("headline.month", month=month_label(month, ctx.lang), as_of=as_of_text) if month else ""
    )
    body = (
        (f'<p class="note">{html.escape(heading)}</p>' if heading else "")
        + f'<div class="kpis">{"".join(tiles)}</div>'
        + f'<p class="note">{html.escape(t("headline.followup_note", as_of=as_of_text))}</p>'
    )
    figure = _figure(ctx, kpis)
    summary: dict[str, object] = {
        "month": month.isoformat() if month else None,
        "as_of": ctx.as_of.isoformat() if ctx.as_of else None,
    }
    for kpi in kpis:
        summary[kpi.metric] = None if kpi.value is None else round(kpi.value, kpi.decimals)
        summary[f"{kpi.metric}_delta"] = (
            None if kpi.delta is None else round(kpi.delta, kpi.decimals)
        )
        summary[f"{kpi.metric}_responses"] = kpi.n
    summary.update(open_followups=open_items, overdue_followups=overdue, alerts_today=alerts)
    return Section(
        id="headline", title=title, reading=reading, figures=[figure], html=body, summary=summary
    )
