"""3 Topic x week heat map of the negative share, mention counts on hover.

From ``mart_topic_trend_weekly``, summed over sources: negative share = negative mentions /
mentions of the topic in the ISO week (suspected fakes excluded, as in the mart). A cell without
mentions stays blank. The reading names the topic with the highest negative share in the
latest week among those with at least ``READING_MIN_MENTIONS`` mentions (any, if none has).
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from report.labels import day_label, percent
from report.section import ReportContext, Section

READING_MIN_MENTIONS = 20


def weekly_topics(ctx: ReportContext) -> pd.DataFrame:
    """week_start x topic: mentions, negative_mentions, negative_share (over sources)."""
    df = ctx.con.execute(
        """
        select week_start, topic,
               sum(mentions) as mentions,
               sum(negative_mentions) as negative_mentions
        from marts.mart_topic_trend_weekly
        group by all
        having sum(mentions) > 0
        order by week_start, topic
        """
    ).df()
    if df.empty:
        return df
    df["week_start"] = pd.to_datetime(df["week_start"]).dt.date
    df["mentions"] = df["mentions"].astype(int)
    df["negative_mentions"] = df["negative_mentions"].astype(int)
    df["negative_share"] = df["negative_mentions"] / df["mentions"]
    return df


def build(ctx: ReportContext) -> Section:
    t = ctx.text
    title = t("topic_heatmap.title")
    df = weekly_topics(ctx)
    if df.empty:
        return Section(id="topic_heatmap", title=title, reading="", empty=t("topic_heatmap.empty"))

    # Topics ordered by their overall negative share, worst on top.
    overall = df.groupby("topic")[["mentions", "negative_mentions"]].sum()
    overall["share"] = overall.negative_mentions / overall.mentions
    topics = list(overall.sort_values("share").index)  # plotly draws y bottom-up
    weeks = sorted(df.week_start.unique())
    week_labels = [w.isoformat() for w in weeks]
    share = df.pivot(index="topic", columns="week_start", values="negative_share")
    share = share.reindex(index=topics, columns=weeks)
    mentions = df.pivot(index="topic", columns="week_start", values="mentions").reindex(
        index=topics, columns=weeks
    )
    negatives = df.pivot(index="topic", columns="week_start", values="negative_mentions").reindex(
        index=topics, columns=weeks
    )
    custom = [
        [
            [int(m) if m == m else 0, int(n) if n == n else 0]
            for m, n in zip(mentions.loc[topic], negatives.loc[topic], strict=True)
        ]
        for topic in topics
    ]
    z = [[None if v != v else float(v) for v in share.loc[topic]] for topic in topics]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=week_labels,
            y=[t(f"topic.{topic}") for topic in topics],
            customdata=custom,
            colorscale="Reds",
            zmin=0,
            zmax=max(0.05, float(df.negative_share.max())),
            colorbar={"title": {"text": t("topic_heatmap.colorbar")}, "tickformat": ".0%"},
            hovertemplate=t("topic_heatmap.hover") + "<extra></extra>",
            xgap=1,
            ygap=1,
        )
    )
    fig.update_layout(
        height=120 + 36 * len(topics),
        xaxis={"title": {"text": t("axis.week")}, "type": "category", "tickangle": -45},
        yaxis={"title": {"text": t("axis.topic")}},
        margin={"l": 120, "r": 30, "t": 20, "b": 90},
    )

    latest = df[df.week_start == weeks[-1]]
    enough = latest[latest.mentions >= READING_MIN_MENTIONS]
    pool = enough if not enough.empty else latest
    top = pool.sort_values(["negative_share", "mentions"], ascending=[False, False]).iloc[0]
    reading = t(
        "topic_heatmap.reading",
        week=day_label(weeks[-1], ctx.lang),
        topic=t(f"topic.{top.topic}"),
        share=percent(top.negative_share),
        n=f"{int(top.mentions):,}",
    )
    return Section(
        id="topic_heatmap",
        title=title,
        reading=reading,
        figures=[fig],
        summary={
            "weeks": len(weeks),
            "topics": len(topics),
            "latest_week": weeks[-1].isoformat(),
            "latest_top_topic": top.topic,
            "latest_top_share": round(float(top.negative_share), 4),
        },
    )
