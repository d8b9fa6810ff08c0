"""Section 6, improvements: did each action move what it set out to move?

One row per action from ``marts.mart_improvement_impact``, its primary metric
(``is_primary``: the negative share of the action's topic in its scope). The first figure
shows the share before and after launch with 95 % intervals (Wilson, from the counts; none on
a window of fewer than two observations), the verdict as colour, significant results marked.
The second shows the difference in differences with its interval for actions that have a
control. The verdict, q-value and DiD columns are the mart's: the report judges nothing.
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
    share_interval,
    style,
    table,
)

ID = "improvements"

VERDICT_COLOURS = {
    "worked": "#2a9d5b",
    "worse": "#d1495b",
    "no_effect": "#8d99ae",
    "caveat": "#e9a03b",
    "insufficient_data": "#c0c6cf",
    "not_applicable": "#c0c6cf",
}

_QUERY = """
select action_id, title, topic, scope_channel, scope_store_id, launch_date,
       before_value, after_value, delta, n_before, n_after, p_value,
       has_control, control_before_value, control_after_value, control_delta,
       did_estimate, did_ci_low, did_ci_high, did_p_value, q_value, is_significant,
       verdict, caveat
from marts.mart_improvement_impact
where is_primary and metric = 'negative_share'
order by launch_date, action_id
"""


def _scope(ctx: ReportContext, row: dict) -> str:
    channel = row["scope_channel"] or "all"
    text = label(ctx, f"source.{channel}", channel)
    if row["scope_store_id"]:
        text = ctx.text("improvements.scope_store", scope=text, store=row["scope_store_id"])
    return text


def _name(ctx: ReportContext, row: dict) -> str:
    return row["title"] or row["action_id"]


def _interval(value: float | None, n: int | None) -> tuple[float, float] | None:
    if value is None or n is None:
        return None
    return share_interval(value * n, n)


def _before_after(ctx: ReportContext, actions: list[dict]) -> go.Figure:
    fig = go.Figure()
    names = [_name(ctx, a) for a in actions]
    for period, marker in (("before", "circle-open"), ("after", "circle")):
        xs, lows, highs, hover = [], [], [], []
        for action in actions:
            value, n = action[f"{period}_value"], action[f"n_{period}"]
            interval = _interval(value, n)
            xs.append(None if value is None else 100 * value)
            lows.append(0 if interval is None else 100 * (value - interval[0]))
            highs.append(0 if interval is None else 100 * (interval[1] - value))
            hover.append(
                ctx.text(
                    "improvements.hover_window",
                    period=ctx.text(f"improvements.{period}"),
                    value=pct(value),
                    n=num(n),
                    low_sample=(
                        " · " + ctx.text("mark.low_sample") if (n or 0) < LOW_SAMPLE else ""
                    ),
                )
            )
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=names,
                mode="markers",
                name=ctx.text(f"improvements.{period}"),
                marker={
                    "symbol": marker,
                    "size": 11,
                    "color": [VERDICT_COLOURS.get(a["verdict"], "#8d99ae") for a in actions],
                    "line": {"width": 2},
                },
                error_x={
                    "type": "data",
                    "array": highs,
                    "arrayminus": lows,
                    "thickness": 1.2,
                    "color": "#555",
                },
                hovertext=hover,
                hoverinfo="text+y",
            )
        )
    # Significant results: a star right of the later of the two points.
    stars = [
        (max(100 * (a["before_value"] or 0), 100 * (a["after_value"] or 0)), name)
        for a, name in zip(actions, names, strict=True)
        if a["is_significant"]
    ]
    if stars:
        fig.add_trace(
            go.Scatter(
                x=[x for x, _ in stars],
                y=[n for _, n in stars],
                mode="text",
                text=["★"] * len(stars),
                textposition="middle right",
                name=ctx.text("improvements.significant"),
                hoverinfo="skip",
            )
        )
    style(fig, height=max(260, 70 + 48 * len(actions)))
    fig.update_xaxes(title_text=ctx.text("improvements.axis_negative_share"), ticksuffix="%")
    fig.update_yaxes(autorange="reversed")
    return fig


def _did(ctx: ReportContext, controlled: list[dict]) -> go.Figure:
    names = [_name(ctx, a) for a in controlled]
    estimates = [100 * a["did_estimate"] for a in controlled]
    highs = [
        0 if a["did_ci_high"] is None else 100 * (a["did_ci_high"] - a["did_estimate"])
        for a in controlled
    ]
    lows = [
        0 if a["did_ci_low"] is None else 100 * (a["did_estimate"] - a["did_ci_low"])
        for a in controlled
    ]
    hover = [
        ctx.text(
            "improvements.hover_did",
            did=num(100 * a["did_estimate"], 1),
            low=num(None if a["did_ci_low"] is None else 100 * a["did_ci_low"], 1),
            high=num(None if a["did_ci_high"] is None else 100 * a["did_ci_high"], 1),
            q=num(a["q_value"], 3),
            verdict=ctx.text(f"improvements.verdict.{a['verdict']}"),
        )
        for a in controlled
    ]
    fig = go.Figure(
        go.Scatter(
            x=estimates,
            y=names,
            mode="markers",
            name=ctx.text("improvements.did"),
            marker={
                "size": 11,
                "symbol": "diamond",
                "color": [VERDICT_COLOURS.get(a["verdict"], "#8d99ae") for a in controlled],
            },
            error_x={
                "type": "data",
                "array": highs,
                "arrayminus": lows,
                "thickness": 1.2,
                "color": "#555",
            },
            hovertext=hover,
            hoverinfo="text+y",
        )
    )
    fig.add_vline(x=0, line_dash="dot", line_color="#555")
    style(
        fig,
        height=max(220, 70 + 48 * len(controlled)),
        title={"text": ctx.text("improvements.did_title"), "font": {"size": 14}},
    )
    fig.update_xaxes(title_text=ctx.text("improvements.axis_did"), ticksuffix=" pp")
    fig.update_yaxes(autorange="reversed")
    return fig


def _reading(ctx: ReportContext, actions: list[dict]) -> str:
    worked = [a for a in actions if a["verdict"] == "worked"]
    significant = [a for a in actions if a["is_significant"]]
    if worked:
        best = min(worked, key=lambda a: a["did_estimate"] if a["has_control"] else a["delta"])
        return ctx.text(
            "improvements.reading_worked",
            actions=len(actions),
            worked=len(worked),
            best=_name(ctx, best),
            before=pct(best["before_value"]),
            after=pct(best["after_value"]),
        )
    return ctx.text(
        "improvements.reading_none",
        actions=len(actions),
        significant=len(significant),
    )


def _table(ctx: ReportContext, actions: list[dict]) -> str:
    headers = [
        ctx.text(f"improvements.col.{c}")
        for c in (
            "action",
            "topic",
            "scope",
            "launch",
            "before",
            "after",
            "delta",
            "did",
            "q",
            "verdict",
        )
    ]
    body = []
    for a in actions:
        did = "–"
        if a["did_estimate"] is not None:
            did = f"{100 * a['did_estimate']:+.1f} pp"
            if a["did_ci_low"] is not None and a["did_ci_high"] is not None:
                did += f" [{100 * a['did_ci_low']:+.1f}, {100 * a['did_ci_high']:+.1f}]"
        delta = "–" if a["delta"] is None else f"{100 * a['delta']:+.1f} pp"
        verdict = ctx.text(f"improvements.verdict.{a['verdict']}")
        if a["is_significant"]:
            verdict += " ★"
        body.append(
            [
                _name(ctx, a),
                label(ctx, f"topic.{a['topic']}", a["topic"]),
                _scope(ctx, a),
                str(a["launch_date"]),
                f"{pct(a['before_value'])} (n={num(a['n_before'])})",
                f"{pct(a['after_value'])} (n={num(a['n_after'])})",
                delta,
                did,
                num(a["q_value"], 3),
                verdict,
            ]
        )
    return table(headers, body, css="improvements")


def build(ctx: ReportContext) -> Section:
    title = ctx.text("improvements.title")
    if not has_table(ctx.con, "mart_improvement_impact"):
        return Section(ID, title, "", empty=ctx.text("empty.no_data"))
    actions = rows(ctx, _QUERY)
    measured = [a for a in actions if a["before_value"] is not None or a["after_value"] is not None]
    if not measured:
        return Section(ID, title, "", empty=ctx.text("improvements.empty"))
    figures = [_before_after(ctx, measured)]
    controlled = [a for a in measured if a["has_control"] and a["did_estimate"] is not None]
    if controlled:
        figures.append(_did(ctx, controlled))
    caveats = [a for a in measured if a["verdict"] == "caveat"]
    notes = ""
    if caveats:
        notes = f'<p class="note">{esc(ctx.text("improvements.caveat_note", n=len(caveats)))}</p>'
    return Section(
        ID,
        title,
        _reading(ctx, measured),
        figures=figures,
        html=_table(ctx, measured) + notes,
        summary={
            "actions": len(measured),
            "worked": sum(a["verdict"] == "worked" for a in measured),
            "significant": sum(bool(a["is_significant"]) for a in measured),
            "with_control": len(controlled),
        },
    )
