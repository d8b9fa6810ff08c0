"""5 Journey: NPS and negative share of text by touchpoint, over the last three months.

From ``mart_journey_monthly`` (segment ``all``), the three business months up to the latest
one, counts summed per touchpoint: NPS = 100 x (promoters - detractors) / answers with its
adjusted-Wald interval (MARTS.md), negative share = negative text items / text items. The top
negative topic of a touchpoint is the one with the most negative mentions over the months'
tops. A touchpoint without answers has no NPS bar; fewer than 30 answers is marked low-sample.
"""

from __future__ import annotations

import html
from datetime import date

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from report.labels import month_label, number, percent
from report.section import ReportContext, Section
from report.stats import nps_interval

MONTHS = 3
LOW_SAMPLE_BELOW = 30
TOUCHPOINT_ORDER = ("purchase", "delivery", "app", "store", "support", "unknown")


def _months_back(month: date, months: int) -> date:
    index = month.year * 12 + month.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def by_touchpoint(ctx: ReportContext) -> tuple[pd.DataFrame, date | None, date | None]:
    """Per touchpoint over the last ``MONTHS`` months: answers, promoters, detractors, nps,
    interval, text items, negative items and share, top negative topic."""
    latest = ctx.con.execute(
        "select max(month_start) from marts.mart_journey_monthly where segment = 'all'"
    ).fetchone()[0]
    if latest is None:
        return pd.DataFrame(), None, None
    latest = pd.Timestamp(latest).date()
    start = _months_back(latest, MONTHS - 1)
    # The window's first month with data (a young warehouse has fewer than MONTHS).
    start = ctx.con.execute(
        "select min(month_start) from marts.mart_journey_monthly "
        "where segment = 'all' and month_start between ? and ?",
        [start, latest],
    ).fetchone()[0]
    start = pd.Timestamp(start).date()
    df = ctx.con.execute(
        """
        select touchpoint,
               sum(nps_responses) as answers,
               sum(promoters) as promoters,
               sum(detractors) as detractors,
               sum(text_items) as text_items,
               sum(negative_text_items) as negative_items,
               arg_max(top_negative_topic, top_negative_topic_mentions)
                   filter (where top_negative_topic is not null) as top_topic
        from marts.mart_journey_monthly
        where segment = 'all' and month_start between ? and ?
        group by touchpoint
        """,
        [start, latest],
    ).df()
    for column in ("answers", "promoters", "detractors", "text_items", "negative_items"):
        df[column] = df[column].fillna(0).astype(int)
    df["nps"] = [
        100 * (p - d) / n if n else None
        for p, d, n in zip(df.promoters, df.detractors, df.answers, strict=True)
    ]
    bounds = [
        nps_interval(p, d, n)
        for p, d, n in zip(df.promoters, df.detractors, df.answers, strict=True)
    ]
    df["nps_low"] = [b[0] if b else None for b in bounds]
    df["nps_high"] = [b[1] if b else None for b in bounds]
    df["negative_share"] = [
        n / t if t else None for n, t in zip(df.negative_items, df.text_items, strict=True)
    ]
    order = {tp: i for i, tp in enumerate(TOUCHPOINT_ORDER)}
    df = df.sort_values("touchpoint", key=lambda s: s.map(lambda x: order.get(x, 99)))
    return df.reset_index(drop=True), start, latest


def build(ctx: ReportContext) -> Section:
    t = ctx.text
    title = t("journey.title")
    df, start, end = by_touchpoint(ctx)
    if df.empty or (df.answers.sum() == 0 and df.text_items.sum() == 0):
        return Section(id="journey", title=title, reading="", empty=t("journey.empty"))
    names = [t(f"touchpoint.{tp}") for tp in df.touchpoint]
    topic_names = [t(f"topic.{x}") if isinstance(x, str) else "—" for x in df.top_topic]
    with_nps = df[df.answers > 0]
    with_text = df[df.text_items > 0]

    fig = make_subplots(
        rows=1, cols=2, subplot_titles=[t("journey.axis_nps"), t("journey.axis_neg")]
    )
    if not with_nps.empty:
        low = with_nps.answers < LOW_SAMPLE_BELOW
        fig.add_trace(
            go.Bar(
                x=[t(f"touchpoint.{tp}") for tp in with_nps.touchpoint],
                y=with_nps.nps,
                marker={
                    "color": ["#9aa5b1" if is_low else "#1f6feb" for is_low in low],
                },
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "array": (with_nps.nps_high - with_nps.nps).fillna(0),
                    "arrayminus": (with_nps.nps - with_nps.nps_low).fillna(0),
                    "thickness": 1,
                },
                customdata=[
                    [lo if lo == lo else None, hi if hi == hi else None, int(n)]
                    for lo, hi, n in zip(
                        with_nps.nps_low, with_nps.nps_high, with_nps.answers, strict=True
                    )
                ],
                hovertemplate=t("journey.hover_nps") + "<extra></extra>",
                name=t("journey.nps_trace"),
            ),
            row=1,
            col=1,
        )
    if not with_text.empty:
        fig.add_trace(
            go.Bar(
                x=[t(f"touchpoint.{tp}") for tp in with_text.touchpoint],
                y=with_text.negative_share,
                marker={"color": "#c62828"},
                customdata=[
                    [int(n), t(f"topic.{x}") if isinstance(x, str) else "—"]
                    for n, x in zip(with_text.text_items, with_text.top_topic, strict=True)
                ],
                hovertemplate=t("journey.hover_neg") + "<extra></extra>",
                name=t("journey.neg_trace"),
            ),
            row=1,
            col=2,
        )
    fig.update_yaxes(title_text=t("journey.axis_nps"), row=1, col=1)
    fig.update_yaxes(title_text=t("journey.axis_neg"), tickformat=".0%", row=1, col=2)
    fig.update_layout(height=420, showlegend=False, bargap=0.35)

    period = {
        "period": month_label(end, ctx.lang)
        if start == end
        else t("journey.period", start=month_label(start, ctx.lang), end=month_label(end, ctx.lang))
    }
    worst_text = (
        with_text.sort_values("negative_share", ascending=False).iloc[0]
        if not with_text.empty
        else None
    )
    neg = {
        "neg_touchpoint": t(f"touchpoint.{worst_text.touchpoint}")
        if worst_text is not None
        else "—",
        "share": percent(worst_text.negative_share) if worst_text is not None else "—",
    }
    summary: dict[str, object] = {"start": start.isoformat(), "end": end.isoformat()}
    if not with_nps.empty:
        worst = with_nps.sort_values("nps").iloc[0]
        reading = t(
            "journey.reading",
            touchpoint=t(f"touchpoint.{worst.touchpoint}"),
            nps=number(worst.nps),
            n=f"{int(worst.answers):,}",
            **period,
            **neg,
        )
        summary.update(
            lowest_nps_touchpoint=worst.touchpoint, lowest_nps=round(float(worst.nps), 1)
        )
    else:
        reading = t("journey.reading_no_nps", **period, **neg)
    if worst_text is not None:
        summary.update(
            most_negative_touchpoint=worst_text.touchpoint,
            negative_share=round(float(worst_text.negative_share), 4),
        )

    rows = "".join(
        "<tr>"
        f"<td>{html.escape(name)}</td>"
        f'<td class="num">{number(nps)}'
        + (
            f'<span class="mark">{html.escape(t("mark.low_sample"))}</span>'
            if 0 < answers < LOW_SAMPLE_BELOW
            else ""
        )
        + "</td>"
        f'<td class="num">{answers:,}</td>'
        f'<td class="num">{percent(share)}</td>'
        f"<td>{html.escape(topic)}</td>"
        "</tr>"
        for name, nps, answers, share, topic in zip(
            names, df.nps, df.answers, df.negative_share, topic_names, strict=True
        )
    )
    head = "".join(
        f'<th class="{"num" if key in ("nps", "n", "neg") else ""}">'
        f"{html.escape(t(f'journey.table_{key}'))}</th>"
        for key in ("touchpoint", "nps", "n", "neg", "topic")
    )
    table = f'<table class="data"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'
    return Section(
        id="journey",
        title=title,
        reading=reading,
        figures=[fig],
        html=table,
        summary=summary,
    )
