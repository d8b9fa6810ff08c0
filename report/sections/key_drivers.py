"""4 Key drivers: NPS impact vs negative mention share, one labelled point per topic.

From ``mart_key_drivers``, window ``rolling_90d``, segment ``all``. x: negative_mention_share
(share of NPS answers mentioning the topic negatively), y: nps_impact (NPS of those mentioning
it minus the others') with its 95% interval as error bars; colour: the mart's ``quadrant``
(its rule: a large impact is <= -key_driver_nps_impact_threshold points with p < 0.05 and
enough mentions; a high share is >= key_driver_negative_share_threshold). The serving copy does
not carry the dbt variables, so the figure shades where the share threshold lies as the data
shows it: between the largest share classed low and the smallest classed high. Low-sample
topics are drawn as open markers.
"""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go

from report.labels import day_label, number, percent
from report.section import ReportContext, Section

WINDOW = "rolling_90d"
QUADRANT_COLORS = {
    "fix_first": "#c62828",
    "monitor": "#ef6c00",
    "maintain": "#1f6feb",
    "low_priority": "#9aa5b1",
}
HIGH_SHARE = ("fix_first", "maintain")


def drivers(ctx: ReportContext) -> pd.DataFrame:
    df = ctx.con.execute(
        """
        select topic, window_start, window_end, respondents, negative_mentions,
               negative_mention_share, nps_impact, nps_impact_ci_low, nps_impact_ci_high,
               nps_impact_p_value, low_sample, quadrant
        from marts.mart_key_drivers
        where window_name = ? and segment = 'all'
        order by topic
        """,
        [WINDOW],
    ).df()
    return df


def _share_boundary(df: pd.DataFrame) -> tuple[float, float] | None:
    high = df[df.quadrant.isin(HIGH_SHARE)].negative_mention_share
    low = df[~df.quadrant.isin(HIGH_SHARE)].negative_mention_share
    if high.empty or low.empty or low.max() >= high.min():
        return None
    return float(low.max()), float(high.min())


def build(ctx: ReportContext) -> Section:
    t = ctx.text
    title = t("key_drivers.title")
    df = drivers(ctx)
    plotted = df[df.nps_impact.notna() & df.negative_mention_share.notna()]
    if plotted.empty:
        return Section(id="key_drivers", title=title, reading="", empty=t("key_drivers.empty"))

    fig = go.Figure()
    for quadrant, color in QUADRANT_COLORS.items():
        rows = plotted[plotted.quadrant == quadrant]
        if rows.empty:
            continue
        low = rows.low_sample.astype(bool)
        fig.add_trace(
            go.Scatter(
                x=rows.negative_mention_share,
                y=rows.nps_impact,
                mode="markers+text",
                text=[t(f"topic.{topic}") for topic in rows.topic],
                textposition="top center",
                marker={
                    "size": 14,
                    "color": ["white" if is_low else color for is_low in low],
                    "line": {"color": color, "width": 2},
                },
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "array": (rows.nps_impact_ci_high - rows.nps_impact).fillna(0),
                    "arrayminus": (rows.nps_impact - rows.nps_impact_ci_low).fillna(0),
                    "color": color,
                    "thickness": 1,
                },
                customdata=[
                    [
                        lo if lo == lo else None,
                        hi if hi == hi else None,
                        int(n),
                        t("mark.low_sample") if is_low else "",
                    ]
                    for lo, hi, n, is_low in zip(
                        rows.nps_impact_ci_low,
                        rows.nps_impact_ci_high,
                        rows.negative_mentions,
                        low,
                        strict=True,
                    )
                ],
                hovertemplate=t("key_drivers.hover") + "<extra></extra>",
                name=t(f"quadrant.{quadrant}"),
            )
        )
    boundary = _share_boundary(plotted)
    if boundary is not None:
        fig.add_vrect(
            x0=boundary[0],
            x1=boundary[1],
            fillcolor="#9aa5b1",
            opacity=0.2,
            line_width=0,
            annotation_text=t("key_drivers.share_boundary"),
            annotation_position="top left",
        )
    fig.add_hline(y=0, line={"color": "#616e7c", "width": 1, "dash": "dot"})
    fig.update_layout(
        height=520,
        xaxis={
            "title": {"text": t("key_drivers.axis_x")},
            "tickformat": ".1%",
            "rangemode": "tozero",
        },
        yaxis={"title": {"text": t("key_drivers.axis_y")}},
        legend={"orientation": "h", "y": -0.2},
    )

    costliest = plotted.sort_values("nps_impact").iloc[0]
    fix_first = plotted[plotted.quadrant == "fix_first"].sort_values("nps_impact")
    separator = "、" if ctx.lang == "zh" else ", "
    reading = t(
        "key_drivers.reading",
        topic=t(f"topic.{costliest.topic}"),
        impact=number(abs(float(costliest.nps_impact))),
        share=percent(costliest.negative_mention_share),
        fix_first=separator.join(t(f"topic.{x}") for x in fix_first.topic) or t("key_drivers.none"),
    )
    window_start = pd.to_datetime(plotted.window_start.iloc[0]).date()
    window_end = pd.to_datetime(plotted.window_end.iloc[0]).date()
    note = t(
        "key_drivers.window",
        start=day_label(window_start, ctx.lang),
        end=day_label(window_end, ctx.lang),
        n=f"{int(plotted.respondents.iloc[0]):,}",
    )
    return Section(
        id="key_drivers",
        title=title,
        reading=reading,
        figures=[fig],
        html=f'<p class="note">{html.escape(note)}</p>',
        summary={
            "costliest_topic": costliest.topic,
            "costliest_impact": round(float(costliest.nps_impact), 1),
            "fix_first": list(fix_first.topic),
        },
    )
