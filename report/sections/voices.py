"""Section 8, what customers say: the words they use per topic, and what the unhappy ones wrote.

Over the last 30 business days (``marts.fct_feedback``, suspected fakes left out): the top
keywords (``keywords``, TF-IDF over jieba tokens, up to five per item) of the items whose
primary topic is each topic, drawn as a word cloud on a grid - a text scatter with one
column per topic, words sized by the items that use them and coloured by the share of those
items that are negative. Then three masked example quotes (``text_clean``) for each of the
topics with the most negative items: the day's most recent ones first.
"""

from __future__ import annotations

import math
from itertools import pairwise

import plotly.graph_objects as go

from report.section import ReportContext, Section
from report.sections._kit import esc, has_table, label, num, pct, rows, style, window

ID = "voices"
#: Business days the section reads.
WINDOW_DAYS = 30
#: Keywords shown per topic.
TOP_KEYWORDS = 8
#: Topics quoted (most negative items first) and quotes per topic.
QUOTED_TOPICS = 3
QUOTES = 3
#: A quote shorter than this says little; longer ones are cut.
QUOTE_MIN_CHARS, QUOTE_MAX_CHARS = 6, 140
#: The topic of items no known topic matched.
OTHER = "other"


def _keywords(ctx: ReportContext, start, end) -> list[dict]:
    return rows(
        ctx,
        """
        with items as (
            select primary_topic as topic, sentiment_label, unnest(keywords) as keyword
            from marts.fct_feedback
            where day between ? and ? and not is_suspected_fake
              and primary_topic is not null and keywords is not null
        ),
        counted as (
            select topic, keyword, count(*) as items,
                   count(*) filter (where sentiment_label = 'negative') as negative_items
            from items
            where keyword is not null and length(trim(keyword)) > 0
            group by topic, keyword
        ),
        ranked as (
            select *, row_number() over (
                partition by topic order by items desc, keyword
            ) as rank
            from counted
        )
        select topic, keyword, items, negative_items, rank
        from ranked where rank <= ?
        order by topic, rank
        """,
        [start, end, TOP_KEYWORDS],
    )


def _topics(ctx: ReportContext, start, end) -> list[dict]:
    """Items and negative items per primary topic in the window."""
    return rows(
        ctx,
        """
        select primary_topic as topic, count(*) as items,
               count(*) filter (where sentiment_label = 'negative') as negative_items
        from marts.fct_feedback
        where day between ? and ? and not is_suspected_fake and primary_topic is not null
        group by primary_topic
        order by negative_items desc, items desc, topic
        """,
        [start, end],
    )


def _quotes(ctx: ReportContext, topic: str, start, end) -> list[dict]:
    return rows(
        ctx,
        """
        select feedback_id, day, source, text_clean, sentiment_score
        from marts.fct_feedback
        where day between ? and ? and not is_suspected_fake and primary_topic = ?
          and sentiment_label = 'negative'
          and length(text_clean) >= ?
        order by day desc, sentiment_score, feedback_id
        limit ?
        """,
        [start, end, topic, QUOTE_MIN_CHARS, QUOTES],
    )


def _cloud(ctx: ReportContext, keywords: list[dict], topics: list[str]) -> go.Figure:
    """A word cloud on a grid: one column per topic, its top words down the column, sized by
    the items using them (square root, so a word used 4x as often is 2x as big)."""
    largest = max(k["items"] for k in keywords)
    column = {t: i for i, t in enumerate(topics)}
    xs, ys, texts, sizes, colours, hover = [], [], [], [], [], []
    for k in keywords:
        share = k["negative_items"] / k["items"]
        xs.append(column[k["topic"]])
        ys.append(k["rank"])
        texts.append(k["keyword"])
        sizes.append(11 + 19 * math.sqrt(k["items"] / largest))
        colours.append(100 * share)
        hover.append(
            ctx.text(
                "voices.hover_keyword",
                keyword=k["keyword"],
                topic=label(ctx, f"topic.{k['topic']}", k["topic"]),
                items=num(k["items"]),
                share=pct(share),
            )
        )
    fig = go.Figure(
        go.Scatter(
            x=xs,
            y=ys,
            mode="text",
            text=texts,
            textfont={"size": sizes, "color": colours_to_css(colours)},
            hovertext=hover,
            hoverinfo="text",
            showlegend=False,
        )
    )
    # An invisible trace carries the colour bar of the negative share.
    fig.add_trace(
        go.Scatter(
            x=[None],
            y=[None],
            mode="markers",
            showlegend=False,
            hoverinfo="skip",
            marker={
                "color": [0],
                "cmin": 0,
                "cmax": 100,
                "colorscale": NEGATIVE_SCALE,
                "colorbar": {
                    "title": {"text": ctx.text("voices.axis_negative")},
                    "ticksuffix": "%",
                },
                "showscale": True,
            },
        )
    )
    style(fig, height=90 + 42 * TOP_KEYWORDS)
    fig.update_xaxes(
        tickmode="array",
        tickvals=list(range(len(topics))),
        ticktext=[label(ctx, f"topic.{t}", t) for t in topics],
        side="top",
        range=[-0.6, len(topics) - 0.4],
        showgrid=False,
        zeroline=False,
    )
    fig.update_yaxes(
        autorange="reversed", showticklabels=False, showgrid=False, zeroline=False, title_text=""
    )
    return fig


#: Neutral grey to red: the negative share of a keyword's items.
NEGATIVE_SCALE = [[0.0, "#4d7ea8"], [0.5, "#b8b8b8"], [1.0, "#c0392b"]]


def colours_to_css(values: list[float]) -> list[str]:
    """Each 0..100 value as a colour of ``NEGATIVE_SCALE`` (text takes colours, not a scale)."""
    stops = [(p, tuple(int(c[i : i + 2], 16) for i in (1, 3, 5))) for p, c in NEGATIVE_SCALE]
    out = []
    for value in values:
        x = min(max(value / 100, 0.0), 1.0)
        for (p0, c0), (p1, c1) in pairwise(stops):
            if x <= p1:
                t = 0.0 if p1 == p0 else (x - p0) / (p1 - p0)
                rgb = [round(a + (b - a) * t) for a, b in zip(c0, c1, strict=True)]
                out.append(f"rgb({rgb[0]},{rgb[1]},{rgb[2]})")
                break
    return out


def _quotes_html(ctx: ReportContext, quoted: list[tuple[dict, list[dict]]]) -> str:
    blocks = []
    for topic, quotes in quoted:
        name = label(ctx, f"topic.{topic['topic']}", topic["topic"])
        heading = ctx.text(
            "voices.quotes_heading",
            topic=name,
            negative=num(topic["negative_items"]),
            share=pct(topic["negative_items"] / topic["items"]),
        )
        items = "".join(
            "<li><blockquote>"
            + esc(_cut(q["text_clean"]))
            + f'</blockquote><span class="meta">{esc(q["day"])} · '
            + esc(label(ctx, f"source.{q['source']}", q["source"]))
            + "</span></li>"
            for q in quotes
        )
        blocks.append(f'<div class="quotes"><h3>{esc(heading)}</h3><ul>{items}</ul></div>')
    return "".join(blocks)


def _cut(text: str) -> str:
    return text if len(text) <= QUOTE_MAX_CHARS else text[: QUOTE_MAX_CHARS - 1] + "…"


def build(ctx: ReportContext) -> Section:
    title = ctx.text("voices.title")
    if ctx.as_of is None or not has_table(ctx.con, "fct_feedback"):
        return Section(ID, title, "", empty=ctx.text("empty.no_data"))
    start, end = window(ctx, WINDOW_DAYS)
    keywords = _keywords(ctx, start, end)
    topics = _topics(ctx, start, end)
    if not keywords:
        return Section(ID, title, "", empty=ctx.text("voices.empty"))
    # Topics by items in the window, the most talked-about first; "other" (no known topic)
    # last, and neither read out nor quoted while a named topic has data.
    order = [
        t["topic"]
        for t in sorted(topics, key=lambda t: (t["topic"] == OTHER, -t["items"], t["topic"]))
    ]
    shown = [t for t in order if any(k["topic"] == t for k in keywords)]
    named = [t for t in topics if t["negative_items"] > 0 and t["topic"] != OTHER]
    negative = (named or [t for t in topics if t["negative_items"] > 0])[:QUOTED_TOPICS]
    quoted = [(t, _quotes(ctx, t["topic"], start, end)) for t in negative]
    quoted = [(t, q) for t, q in quoted if q]
    top = keywords_of(keywords, shown[0])[0]
    reading = ctx.text(
        "voices.reading",
        days=WINDOW_DAYS,
        topic=label(ctx, f"topic.{shown[0]}", shown[0]),
        keyword=top["keyword"],
        items=num(top["items"]),
    )
    if negative:
        worst = negative[0]
        reading += ctx.text(
            "voices.reading_negative",
            topic=label(ctx, f"topic.{worst['topic']}", worst["topic"]),
            negative=num(worst["negative_items"]),
        )
    return Section(
        ID,
        title,
        reading,
        figures=[_cloud(ctx, keywords, shown)],
        html=_quotes_html(ctx, quoted),
        summary={
            "topics": len(shown),
            "top_keyword": top["keyword"],
            "quoted_topics": [t["topic"] for t, _ in quoted],
        },
    )


def keywords_of(keywords: list[dict], topic: str) -> list[dict]:
    """The ranked keywords of one topic."""
    return [k for k in keywords if k["topic"] == topic]
