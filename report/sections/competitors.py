"""Section 9, competitors: how loud we are in the market, and how the talk about each brand
sounds.

From ``marts.mart_brand_weekly``, rows over every source and platform
(``source = 'all'``, ``platform = 'all'``): share of voice by ISO week and brand (lines, the
latest 26 weeks), and over the last four full or partial weeks up to the report's day the
negative share of each brand's mentions with a 95 % interval (recomputed from the counts:
``sum(negative_mentions) / sum(mentions)``), plus that negative share by brand x topic.
"""

from __future__ import annotations

from datetime import timedelta

import plotly.graph_objects as go

from report.section import ReportContext, Section
from report.sections._kit import (
    LOW_SAMPLE,
    has_table,
    label,
    num,
    pct,
    rows,
    share_interval,
    style,
)

ID = "competitors"
#: Weeks of share of voice drawn.
TREND_WEEKS = 26
#: Weeks summed for the negative share comparison.
RECENT_WEEKS = 4
OWN_COLOUR = "#c0392b"
OTHER_COLOURS = ("#4d7ea8", "#6c757d", "#2a9d8f", "#8e6c8a", "#e9a03b")


def brand_name(ctx: ReportContext, brand: str) -> str:
    return label(ctx, f"brand.{brand}", brand)


def _weekly(ctx: ReportContext, since) -> list[dict]:
    return rows(
        ctx,
        """
        select week_start, brand, is_own_brand, mentions, share_of_voice
        from marts.mart_brand_weekly
        where source = 'all' and platform = 'all' and topic = 'all'
          and week_start >= ? and week_start <= ?
        order by week_start, brand
        """,
        [since, ctx.as_of],
    )


def recent_by_brand(ctx: ReportContext, topic: str = "all") -> list[dict]:
    """Mentions, negative mentions and share of voice per brand over the last RECENT_WEEKS
    weeks up to the report's day (every source); all topics or one."""
    since = _week_start(ctx) - timedelta(weeks=RECENT_WEEKS - 1)
    return rows(
        ctx,
        """
        select brand, topic, bool_or(is_own_brand) as is_own_brand,
               sum(mentions) as mentions, sum(negative_mentions) as negative_mentions,
               sum(mentions) / nullif(sum(sum(mentions)) over (partition by topic), 0)
                   as share_of_voice
        from marts.mart_brand_weekly
        where source = 'all' and platform = 'all' and week_start between ? and ?
          and (topic = ? or ? = '*')
        group by brand, topic
        order by topic, is_own_brand desc, mentions desc, brand
        """,
        [since, ctx.as_of, topic, topic],
    )


def _week_start(ctx: ReportContext):
    assert ctx.as_of is not None
    return ctx.as_of - timedelta(days=ctx.as_of.weekday())


def _colours(brands: list[dict]) -> dict[str, str]:
    others = iter(OTHER_COLOURS * 4)
    return {b["brand"]: OWN_COLOUR if b["is_own_brand"] else next(others) for b in brands}


def _share_figure(ctx: ReportContext, weekly: list[dict], colours: dict[str, str]) -> go.Figure:
    fig = go.Figure()
    for brand in colours:
        points = [w for w in weekly if w["brand"] == brand]
        fig.add_trace(
            go.Scatter(
                x=[w["week_start"] for w in points],
                y=[100 * w["share_of_voice"] for w in points],
                mode="lines+markers",
                name=brand_name(ctx, brand),
                line={"color": colours[brand], "width": 3 if colours[brand] == OWN_COLOUR else 2},
                hovertext=[
                    ctx.text(
                        "competitors.hover_share",
                        brand=brand_name(ctx, brand),
                        week=str(w["week_start"]),
                        share=pct(w["share_of_voice"]),
                        mentions=num(w["mentions"]),
                    )
                    for w in points
                ],
                hoverinfo="text",
            )
        )
    style(fig, height=340, title={"text": ctx.text("competitors.sov_title"), "font": {"size": 14}})
    fig.update_yaxes(
        title_text=ctx.text("competitors.axis_sov"), ticksuffix="%", rangemode="tozero"
    )
    fig.update_xaxes(title_text=ctx.text("competitors.axis_week"))
    return fig


def _negative_figure(ctx: ReportContext, recent: list[dict], colours: dict[str, str]) -> go.Figure:
    shown = [b for b in recent if b["mentions"]]
    names, values, lows, highs, hover = [], [], [], [], []
    for b in shown:
        share = b["negative_mentions"] / b["mentions"]
        interval = share_interval(b["negative_mentions"], b["mentions"])
        low_sample = b["mentions"] < LOW_SAMPLE
        names.append(brand_name(ctx, b["brand"]) + (" *" if low_sample else ""))
        values.append(100 * share)
        lows.append(0 if interval is None else 100 * (share - interval[0]))
        highs.append(0 if interval is None else 100 * (interval[1] - share))
        hover.append(
            ctx.text(
                "competitors.hover_negative",
                brand=brand_name(ctx, b["brand"]),
                share=pct(share),
                negative=num(b["negative_mentions"]),
                mentions=num(b["mentions"]),
                interval=(
                    "–"
                    if interval is None
                    else f"{100 * interval[0]:.1f}%–{100 * interval[1]:.1f}%"
                ),
            )
        )
    fig = go.Figure(
        go.Bar(
            x=names,
            y=values,
            marker_color=[colours[b["brand"]] for b in shown],
            error_y={
                "type": "data",
                "array": highs,
                "arrayminus": lows,
                "thickness": 1.2,
                "color": "#555",
            },
            hovertext=hover,
            hoverinfo="text",
            name=ctx.text("competitors.axis_negative"),
        )
    )
    style(
        fig,
        height=320,
        title={
            "text": ctx.text("competitors.negative_title", weeks=RECENT_WEEKS),
            "font": {"size": 14},
        },
    )
    fig.update_yaxes(title_text=ctx.text("competitors.axis_negative"), ticksuffix="%")
    return fig


def _topic_figure(ctx: ReportContext, by_topic: list[dict], brands: list[str]) -> go.Figure:
    topics = sorted(
        {r["topic"] for r in by_topic if r["topic"] != "all"},
        key=lambda t: -sum(r["mentions"] for r in by_topic if r["topic"] == t),
    )
    cells = {(r["brand"], r["topic"]): r for r in by_topic}
    z, text, hover = [], [], []
    for brand in brands:
        z_row, text_row, hover_row = [], [], []
        for topic in topics:
            cell = cells.get((brand, topic))
            if cell is None or not cell["mentions"]:
                z_row.append(None)
                text_row.append("")
                hover_row.append("")
                continue
            share = cell["negative_mentions"] / cell["mentions"]
            z_row.append(100 * share)
            text_row.append(f"{100 * share:.0f}%" + ("*" if cell["mentions"] < LOW_SAMPLE else ""))
            hover_row.append(
                ctx.text(
                    "competitors.hover_topic",
                    brand=brand_name(ctx, brand),
                    topic=label(ctx, f"topic.{topic}", topic),
                    share=pct(share),
                    negative=num(cell["negative_mentions"]),
                    mentions=num(cell["mentions"]),
                )
            )
        z.append(z_row)
        text.append(text_row)
        hover.append(hover_row)
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=[label(ctx, f"topic.{t}", t) for t in topics],
            y=[brand_name(ctx, b) for b in brands],
            text=text,
            texttemplate="%{text}",
            hovertext=hover,
            hoverinfo="text",
            colorscale="Reds",
            zmin=0,
            colorbar={"title": {"text": ctx.text("competitors.axis_negative")}, "ticksuffix": "%"},
        )
    )
    style(
        fig,
        height=120 + 40 * len(brands),
        title={"text": ctx.text("competitors.topic_title"), "font": {"size": 14}},
    )
    fig.update_yaxes(autorange="reversed")
    return fig


def build(ctx: ReportContext) -> Section:
    title = ctx.text("competitors.title")
    if ctx.as_of is None or not has_table(ctx.con, "mart_brand_weekly"):
        return Section(ID, title, "", empty=ctx.text("empty.no_data"))
    weekly = _weekly(ctx, _week_start(ctx) - timedelta(weeks=TREND_WEEKS - 1))
    everything = recent_by_brand(ctx, "*")
    recent = [r for r in everything if r["topic"] == "all"]
    if not weekly or not any(r["mentions"] for r in recent):
        return Section(ID, title, "", empty=ctx.text("competitors.empty"))
    colours = _colours(recent)
    figures = [_share_figure(ctx, weekly, colours), _negative_figure(ctx, recent, colours)]
    if any(r["topic"] != "all" and r["mentions"] for r in everything):
        figures.append(_topic_figure(ctx, everything, [r["brand"] for r in recent]))
    own = next((r for r in recent if r["is_own_brand"]), None)
    rivals = [r for r in recent if not r["is_own_brand"] and r["mentions"]]
    summary: dict[str, object] = {}
    if own is not None and own["mentions"]:
        own_negative = own["negative_mentions"] / own["mentions"]
        summary = {"own_share_of_voice": own["share_of_voice"], "own_negative_share": own_negative}
        if rivals:
            best = min(rivals, key=lambda r: (r["negative_mentions"] / r["mentions"], r["brand"]))
            reading = ctx.text(
                "competitors.reading",
                weeks=RECENT_WEEKS,
                brand=brand_name(ctx, own["brand"]),
                share=pct(own["share_of_voice"]),
                negative=pct(own_negative),
                rival=brand_name(ctx, best["brand"]),
                rival_negative=pct(best["negative_mentions"] / best["mentions"]),
            )
        else:
            reading = ctx.text(
                "competitors.reading_alone",
                weeks=RECENT_WEEKS,
                brand=brand_name(ctx, own["brand"]),
                negative=pct(own_negative),
            )
    else:
        loudest = max(recent, key=lambda r: (r["mentions"], r["brand"]))
        reading = ctx.text(
            "competitors.reading_no_own",
            weeks=RECENT_WEEKS,
            brand=brand_name(ctx, loudest["brand"]),
            share=pct(loudest["share_of_voice"]),
        )
    return Section(ID, title, reading, figures=figures, summary=summary)
