"""Section 7, follow-up: is the closed loop keeping its promises, and what alarmed today?

SLA attainment by owner team x priority over the last 28 business days
(``marts.fct_followup``: of the items whose deadline has passed or that were answered,
``responded_within_sla`` not null, the share answered in time; items whose response the data
cannot show, ``response_traceable`` false, are left out - ``mart_followup_daily``'s
``responded_in_sla_pct`` divides by every new item, the not-yet-due ones included, which
understates the last days), the overdue backlog as of the data's last day (items of status
``overdue``, the headline's figure) by team and priority, and the day's alerts
(``marts.mart_alerts``) with their evidence: the day's negative mentions against the control
limit and the scope's baseline share, and masked example texts. Without an alert today, the
latest day that had some is shown, named as such.
"""

from __future__ import annotations

import plotly.graph_objects as go

from report.section import ReportContext, Section
from report.sections._kit import (
    LOW_SAMPLE,
    esc,
    has_table,
    label,
    num,
    pct,
    rows,
    style,
    window,
)

ID = "followup"
#: Business days of the SLA window.
SLA_DAYS = 28
PRIORITIES = ("P1", "P2", "P3", "P4")
PRIORITY_COLOURS = {"P1": "#b2182b", "P2": "#ef8a62", "P3": "#fddbc7", "P4": "#d1d5db"}
#: Example texts shown per alert.
ALERT_EXAMPLES = 2


#: Prefix of a store's own team (dbt var followup_store_team_prefix): the store teams are
#: drawn as one row, ``STORES``, or the chart would hold a row per store.
STORE_PREFIX = "门店-"
STORES = "*stores"
#: SQL of the team a row is drawn under.
_TEAM = (
    f"case when starts_with(owner_team, '{STORE_PREFIX}') then '{STORES}' "
    "else owner_team end as owner_team"
)


def team_name(ctx: ReportContext, team: str) -> str:
    """A team's label; every store's team together as one."""
    if team == STORES:
        return ctx.text("followup.store_teams")
    return label(ctx, f"team.{team}", team)


def _sla(ctx: ReportContext) -> list[dict]:
    start, end = window(ctx, SLA_DAYS)
    return rows(
        ctx,
        f"""
        select {_TEAM}, priority,
               count(*) filter (where responded_within_sla) as in_sla,
               count(responded_within_sla) as measured
        from marts.fct_followup
        where day between ? and ? and response_traceable
        group by all
        order by owner_team, priority
        """,
        [start, end],
    )


def _backlog(ctx: ReportContext) -> list[dict]:
    return rows(
        ctx,
        f"""
        select {_TEAM}, priority, count(*) as overdue_backlog,
               count(*) filter (where response_traceable) as traceable
        from marts.fct_followup
        where status = 'overdue'
        group by all
        order by owner_team, priority
        """,
    )


def _alerts(ctx: ReportContext, day) -> list[dict]:
    return rows(
        ctx,
        """
        select alert_id, day, scope_type, scope_value, topic, mentions, negative_mentions,
               negative_share, baseline_negative_share, expected_high, severity, example_texts
        from marts.mart_alerts
        where day = ?
        order by severity = 'critical' desc, negative_mentions - expected_high desc, alert_id
        """,
        [day],
    )


def _latest_alert_day(ctx: ReportContext):
    """The latest day with an alert up to the report's day; None when there is none."""
    (day,) = ctx.con.execute(
        "select max(day) from marts.mart_alerts where day <= ?", [ctx.as_of]
    ).fetchone()
    return day


def _teams(sla: list[dict], backlog: list[dict]) -> list[str]:
    """Teams with the most measured items first, then teams only in the backlog."""
    measured: dict[str, int] = {}
    for row in sla:
        measured[row["owner_team"]] = measured.get(row["owner_team"], 0) + row["measured"]
    for row in backlog:
        measured.setdefault(row["owner_team"], 0)
    return sorted(measured, key=lambda t: (-measured[t], t))


def _sla_figure(ctx: ReportContext, sla: list[dict], teams: list[str]) -> go.Figure:
    cells = {(r["owner_team"], r["priority"]): r for r in sla}
    z, text, hover = [], [], []
    for team in teams:
        z_row, text_row, hover_row = [], [], []
        for priority in PRIORITIES:
            cell = cells.get((team, priority))
            if cell is None or cell["measured"] == 0:
                z_row.append(None)
                text_row.append("")
                hover_row.append(ctx.text("followup.hover_sla_none"))
                continue
            share = cell["in_sla"] / cell["measured"]
            z_row.append(100 * share)
            mark = "*" if cell["measured"] < LOW_SAMPLE else ""
            text_row.append(f"{100 * share:.0f}%{mark}")
            hover_row.append(
                ctx.text(
                    "followup.hover_sla",
                    share=pct(share),
                    in_sla=num(cell["in_sla"]),
                    measured=num(cell["measured"]),
                )
            )
        z.append(z_row)
        text.append(text_row)
        hover.append(hover_row)
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=list(PRIORITIES),
            y=[team_name(ctx, t) for t in teams],
            text=text,
            texttemplate="%{text}",
            hovertext=hover,
            hoverinfo="text",
            zmin=0,
            zmax=100,
            colorscale="RdYlGn",
            colorbar={"title": {"text": ctx.text("followup.axis_sla")}, "ticksuffix": "%"},
        )
    )
    style(
        fig,
        height=max(260, 80 + 30 * len(teams)),
        title={"text": ctx.text("followup.sla_title", days=SLA_DAYS), "font": {"size": 14}},
    )
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title_text=ctx.text("followup.axis_priority"))
    return fig


def _backlog_figure(ctx: ReportContext, backlog: list[dict], teams: list[str]) -> go.Figure:
    fig = go.Figure()
    shown = [t for t in teams if any(r["owner_team"] == t for r in backlog)]
    counts = {(r["owner_team"], r["priority"]): r["overdue_backlog"] for r in backlog}
    traceable = {(r["owner_team"], r["priority"]): r["traceable"] for r in backlog}
    for priority in PRIORITIES:
        values = [counts.get((t, priority), 0) for t in shown]
        if not any(values):
            continue
        fig.add_trace(
            go.Bar(
                x=values,
                y=[team_name(ctx, t) for t in shown],
                orientation="h",
                name=priority,
                marker_color=PRIORITY_COLOURS[priority],
                hovertext=[
                    ctx.text(
                        "followup.hover_backlog",
                        priority=priority,
                        n=num(counts.get((t, priority), 0)),
                        traceable=num(traceable.get((t, priority), 0)),
                    )
                    for t in shown
                ],
                hoverinfo="text+y",
            )
        )
    style(
        fig,
        height=max(240, 80 + 26 * len(shown)),
        barmode="stack",
        title={"text": ctx.text("followup.backlog_title"), "font": {"size": 14}},
    )
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title_text=ctx.text("followup.axis_backlog"))
    return fig


def scope_name(ctx: ReportContext, alert: dict) -> str:
    """What an alert is about, in words: a topic, a source, a platform, store or region,
    or a topic within one of them."""
    kind, value, topic = alert["scope_type"], alert["scope_value"], alert["topic"]
    base = kind.split("+")[0]
    if base == "topic":
        where = label(ctx, f"topic.{value}", value)
    elif base == "source":
        where = label(ctx, f"source.{value}", value)
    else:
        where = ctx.text(f"followup.scope.{base}", value=value)
    if "+" in kind:
        return ctx.text(
            "followup.scope_with_topic", where=where, topic=label(ctx, f"topic.{topic}", topic)
        )
    return where


def _alerts_figure(ctx: ReportContext, alerts: list[dict], heading: str) -> go.Figure:
    names = [scope_name(ctx, a) for a in alerts]
    fig = go.Figure(
        [
            go.Bar(
                x=[a["negative_mentions"] for a in alerts],
                y=names,
                orientation="h",
                name=ctx.text("followup.alert_negatives"),
                marker_color=[
                    "#b2182b" if a["severity"] == "critical" else "#ef8a62" for a in alerts
                ],
                hovertext=[
                    ctx.text(
                        "followup.hover_alert_negatives",
                        negatives=num(a["negative_mentions"]),
                        mentions=num(a["mentions"]),
                    )
                    for a in alerts
                ],
                hoverinfo="text+y",
            ),
            go.Scatter(
                x=[a["expected_high"] for a in alerts],
                y=names,
                mode="markers",
                name=ctx.text("followup.alert_limit"),
                marker={"symbol": "line-ns-open", "size": 22, "line": {"width": 3}},
                marker_color="#333",
                hovertext=[
                    ctx.text("followup.hover_alert_limit", limit=num(a["expected_high"]))
                    for a in alerts
                ],
                hoverinfo="text+y",
            ),
        ]
    )
    style(
        fig,
        height=max(160, 80 + 34 * len(alerts)),
        bargap=0.5,
        title={"text": heading, "font": {"size": 14}},
    )
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title_text=ctx.text("followup.axis_alert"))
    return fig


def _alerts_html(ctx: ReportContext, alerts: list[dict]) -> str:
    items = []
    for alert in alerts:
        evidence = ctx.text(
            "followup.alert_evidence",
            negatives=num(alert["negative_mentions"]),
            mentions=num(alert["mentions"]),
            share=pct(alert["negative_share"]),
            baseline=pct(alert["baseline_negative_share"]),
            limit=num(alert["expected_high"]),
        )
        severity = ctx.text(f"followup.severity.{alert['severity']}")
        quotes = "".join(
            f"<blockquote>{esc(text)}</blockquote>"
            for text in list(alert["example_texts"] or [])[:ALERT_EXAMPLES]
            if text
        )
        items.append(
            f'<li class="alert {esc(alert["severity"])}"><strong>{esc(scope_name(ctx, alert))}'
            f"</strong> · {esc(severity)}<br>{esc(evidence)}{quotes}</li>"
        )
    return f'<ul class="alerts">{"".join(items)}</ul>'


def build(ctx: ReportContext) -> Section:
    title = ctx.text("followup.title")
    needed = ("fct_followup", "mart_followup_daily", "mart_alerts")
    if ctx.as_of is None or not all(has_table(ctx.con, t) for t in needed):
        return Section(ID, title, "", empty=ctx.text("empty.no_data"))
    sla, backlog, alerts = _sla(ctx), _backlog(ctx), _alerts(ctx, ctx.as_of)
    # No alert today: the latest day that had some, so their evidence stays in view.
    latest_day = None if alerts else _latest_alert_day(ctx)
    shown_alerts = alerts if alerts or latest_day is None else _alerts(ctx, latest_day)
    if not any(r["measured"] for r in sla) and not backlog and not shown_alerts:
        return Section(ID, title, "", empty=ctx.text("followup.empty"))
    teams = _teams(sla, backlog)
    figures = []
    in_sla = sum(r["in_sla"] for r in sla)
    measured = sum(r["measured"] for r in sla)
    overdue = sum(r["overdue_backlog"] for r in backlog)
    traceable = sum(r["traceable"] for r in backlog)
    if measured:
        figures.append(_sla_figure(ctx, sla, teams))
    if backlog:
        figures.append(_backlog_figure(ctx, backlog, teams))
    if alerts:
        figures.append(_alerts_figure(ctx, alerts, ctx.text("followup.alerts_title")))
        alerts_html = _alerts_html(ctx, alerts)
    elif shown_alerts:
        heading = ctx.text("followup.latest_alerts_title", day=str(latest_day))
        figures.append(_alerts_figure(ctx, shown_alerts, heading))
        alerts_html = (
            f'<p class="note">{esc(ctx.text("followup.no_alerts_today"))} '
            + esc(ctx.text("followup.latest_alerts", day=str(latest_day), n=len(shown_alerts)))
            + f"</p>{_alerts_html(ctx, shown_alerts)}"
        )
    else:
        alerts_html = f'<p class="note">{esc(ctx.text("followup.no_alerts_today"))}</p>'
    cells = [r for r in sla if r["measured"] >= LOW_SAMPLE] or [r for r in sla if r["measured"]]
    worst = min(cells, key=lambda r: (r["in_sla"] / r["measured"], r["owner_team"]), default=None)
    if worst is not None:
        reading = ctx.text(
            "followup.reading",
            days=SLA_DAYS,
            share=pct(in_sla / measured),
            measured=num(measured),
            team=team_name(ctx, worst["owner_team"]),
            priority=worst["priority"],
            worst=pct(worst["in_sla"] / worst["measured"]),
            overdue=num(overdue),
            traceable=num(traceable),
            alerts=len(alerts),
        )
    else:
        reading = ctx.text("followup.reading_no_sla", overdue=num(overdue), alerts=len(alerts))
    return Section(
        ID,
        title,
        reading,
        figures=figures,
        html=alerts_html,
        summary={
            "sla_pct": None if not measured else round(100 * in_sla / measured, 1),
            "sla_measured": measured,
            "overdue": overdue,
            "overdue_traceable": traceable,
            "alerts_today": len(alerts),
            "latest_alert_day": None if latest_day is None else str(latest_day),
        },
    )
