"""2 Trends: NPS, CSAT and CES by business month with 95% interval bands, per segment.

From ``mart_experience_monthly``: one trace group per segment (line and band on each of three
stacked panels), a dropdown shows one segment at a time (``all`` first). NPS bands are the
mart's adjusted-Wald interval; CSAT bands a Wilson interval of its counts; CES bands a normal
interval from ``mart_journey_monthly``'s sums of squares when its answers add up to the
month's. No band on fewer than 2 answers; low-sample months (fewer than 30 answers) are drawn
as open markers.
"""

from __future__ import annotations

import duckdb
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from report.labels import month_label, number
from report.section import ReportContext, Section
from report.stats import mean_interval, wilson

LOW_SAMPLE_BELOW = 30
SEGMENT_ORDER = ("all", "mainstream", "value_seeker", "quality_seeker", "digital_native")
COLORS = {"nps": "#1f6feb", "csat": "#2e7d32", "ces": "#8e24aa"}


def _frame(ctx: ReportContext) -> pd.DataFrame:
    df = ctx.con.execute(
        """
        select month_start, segment, nps_responses, promoters, detractors, nps, nps_ci_low,
               nps_ci_high, csat_responses, csat_satisfied, csat_pct, ces_responses,
               ces_score_sum, ces_mean
        from marts.mart_experience_monthly
        order by segment, month_start
        """
    ).df()
    if df.empty:
        return df
    df["month_start"] = pd.to_datetime(df["month_start"]).dt.date
    try:
        squares = ctx.con.execute(
            """
            select month_start, segment, sum(ces_responses) as ces_n,
                   sum(ces_score_squares) as ces_squares
            from marts.mart_journey_monthly
            where segment <> 'unknown'
            group by all
            """
        ).df()
        squares["month_start"] = pd.to_datetime(squares["month_start"]).dt.date
    except duckdb.CatalogException:
        squares = pd.DataFrame(columns=["month_start", "segment", "ces_n", "ces_squares"])
    df = df.merge(squares, on=["month_start", "segment"], how="left")
    for column in df.columns:
        if column not in ("month_start", "segment"):
            df[column] = pd.to_numeric(df[column], errors="coerce")
    return df


def _interval_columns(df: pd.DataFrame) -> pd.DataFrame:
    def csat(row: pd.Series) -> tuple[float, float] | None:
        return wilson(row.csat_satisfied or 0, row.csat_responses or 0)

    def ces(row: pd.Series) -> tuple[float, float] | None:
        n = row.ces_responses or 0
        if pd.isna(row.ces_squares) or row.ces_n != n:
            return None
        return mean_interval(row.ces_score_sum, row.ces_squares, n)

    df = df.copy()
    nps_ok = (df.nps_responses >= 2) & df.nps_ci_low.notna()
    df["nps_low"] = df.nps_ci_low.where(nps_ok)
    df["nps_high"] = df.nps_ci_high.where(nps_ok)
    for metric, fn in (("csat", csat), ("ces", ces)):
        bounds = df.apply(fn, axis=1)
        df[f"{metric}_low"] = [b[0] if b else None for b in bounds]
        df[f"{metric}_high"] = [b[1] if b else None for b in bounds]
    df["csat"] = df.csat_pct.where(df.csat_responses > 0)
    df["ces"] = df.ces_mean.where(df.ces_responses > 0)
    df["nps"] = df.nps.where(df.nps_responses > 0)
    return df


METRICS = (
    ("nps", "nps_responses", 1),
    ("csat", "csat_responses", 1),
    ("ces", "ces_responses", 2),
)


def _figure(ctx: ReportContext, df: pd.DataFrame, segments: list[str]) -> go.Figure:
    t = ctx.text
    fig = make_subplots(
        rows=3,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.06,
        subplot_titles=[t("trends.axis_nps"), t("trends.axis_csat"), t("trends.axis_ces")],
    )
    owners: list[str] = []
    for segment in segments:
        rows = df[df.segment == segment].sort_values("month_start")
        months = [month_label(m, ctx.lang) for m in rows.month_start]
        seg_name = t(f"segment.{segment}")
        visible = segment == segments[0]
        for i, (metric, n_col, decimals) in enumerate(METRICS, start=1):
            color = COLORS[metric]
            banded = rows[rows[f"{metric}_low"].notna()]
            if not banded.empty:
                band_x = [month_label(m, ctx.lang) for m in banded.month_start]
                fig.add_trace(
                    go.Scatter(
                        x=band_x + band_x[::-1],
                        y=list(banded[f"{metric}_high"]) + list(banded[f"{metric}_low"])[::-1],
                        fill="toself",
                        fillcolor=color,
                        opacity=0.15,
                        line={"width": 0},
                        hoverinfo="skip",
                        name=t("trends.band", metric=t(f"metric.{metric}_short")),
                        legendgroup=f"{segment}-{metric}",
                        showlegend=False,
                        visible=visible,
                    ),
                    row=i,
                    col=1,
                )
                owners.append(segment)
            low = rows[n_col] < LOW_SAMPLE_BELOW
            hover = [
                f"{seg_name}<br>{month}<br>{number(v, decimals)}"
                + (f" ({number(lo, decimals)} – {number(hi, decimals)})" if lo == lo else "")
                + f"<br>{t('unit.answers', n=f'{int(n):,}')}"
                + (f"<br>{t('mark.low_sample')}" if is_low else "")
                for month, v, lo, hi, n, is_low in zip(
                    months,
                    rows[metric],
                    rows[f"{metric}_low"].astype(float),
                    rows[f"{metric}_high"].astype(float),
                    rows[n_col].fillna(0),
                    low,
                    strict=True,
                )
            ]
            fig.add_trace(
                go.Scatter(
                    x=months,
                    y=rows[metric],
                    mode="lines+markers",
                    line={"color": color, "width": 2},
                    marker={
                        "color": ["white" if is_low else color for is_low in low],
                        "line": {"color": color, "width": 2},
                        "size": 8,
                        "symbol": "circle",
                    },
                    name=f"{seg_name} · {t(f'metric.{metric}_short')}",
                    hovertext=hover,
                    hoverinfo="text",
                    showlegend=False,
                    visible=visible,
                ),
                row=i,
                col=1,
            )
            owners.append(segment)
    buttons = [
        {
            "label": t(f"segment.{segment}"),
            "method": "update",
            "args": [{"visible": [owner == segment for owner in owners]}],
        }
        for segment in segments
    ]
    fig.update_layout(
        height=720,
        updatemenus=[
            {
                "buttons": buttons,
                "direction": "down",
                "x": 0,
                "xanchor": "left",
                "y": 1.08,
                "yanchor": "bottom",
                "showactive": True,
            }
        ],
        annotations=[
            *fig.layout.annotations,
            {
                "text": t("trends.segment_menu"),
                "x": 0,
                "xref": "paper",
                "y": 1.12,
                "yref": "paper",
                "xanchor": "right",
                "yanchor": "bottom",
                "showarrow": False,
            },
        ],
        margin={"l": 110, "r": 30, "t": 90, "b": 40},
        hovermode="closest",
    )
    fig.update_xaxes(type="category")
    return fig


def build(ctx: ReportContext) -> Section:
    t = ctx.text
    title = t("trends.title")
    df = _frame(ctx)
    answers = ["nps_responses", "csat_responses", "ces_responses"]
    if df.empty or df[answers].fillna(0).to_numpy().sum() == 0:
        return Section(id="trends", title=title, reading="", empty=t("trends.empty"))
    df = _interval_columns(df)
    present = list(df.segment.unique())
    segments = [s for s in SEGMENT_ORDER if s in present] + sorted(
        s for s in present if s not in SEGMENT_ORDER
    )
    first_segment = segments[0]
    rows = df[(df.segment == first_segment) & df.nps.notna()].sort_values("month_start")
    seg_name = t(f"segment.{first_segment}")
    summary: dict[str, object] = {
        "segments": len(segments),
        "months": int(df.month_start.nunique()),
    }
    if rows.empty:
        reading = ""
    elif len(rows) == 1:
        only = rows.iloc[0]
        reading = t(
            "trends.reading_one",
            segment=seg_name,
            month=month_label(only.month_start, ctx.lang),
            nps=number(only.nps),
        )
    else:
        first, last = rows.iloc[0], rows.iloc[-1]
        lowest = rows.loc[rows.nps.idxmin()]
        reading = t(
            "trends.reading",
            segment=seg_name,
            first_month=month_label(first.month_start, ctx.lang),
            first=number(first.nps),
            last_month=month_label(last.month_start, ctx.lang),
            last=number(last.nps),
            delta=number(last.nps - first.nps, signed=True),
            min_month=month_label(lowest.month_start, ctx.lang),
            min=number(lowest.nps),
        )
        summary.update(first_nps=round(float(first.nps), 1), last_nps=round(float(last.nps), 1))
    return Section(
        id="trends",
        title=title,
        reading=reading,
        figures=[_figure(ctx, df, segments)],
        summary=summary,
    )
