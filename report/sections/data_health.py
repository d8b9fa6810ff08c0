"""Section 10, data health: can the numbers above be trusted today?

From the data-health marts (``models/marts/health``): rows loaded and quarantined per landing
source (``mart_data_health_sources``), quarantined rows by reason
(``mart_data_health_quarantine``), the quality checks of each layer's latest run and which
failed (``mart_data_health_checks``), and freshness: the business day of each source's newest
data against the warehouse's last day, and when its newest file was loaded.
"""

from __future__ import annotations

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from report.section import ReportContext, Section
from report.sections._kit import esc, has_table, label, local_time, num, pct, rows, style, table

ID = "data_health"
MARTS = ("mart_data_health_sources", "mart_data_health_quarantine", "mart_data_health_checks")
REASON_COLOURS = (
    "#d1495b",
    "#e9a03b",
    "#8e6c8a",
    "#4d7ea8",
    "#2a9d8f",
    "#6c757d",
    "#b8860b",
    "#5f0f40",
    "#0b7285",
    "#adb5bd",
)


def source_name(ctx: ReportContext, source: str) -> str:
    return label(ctx, f"source.{source}", source)


def _sources(ctx: ReportContext) -> list[dict]:
    return rows(
        ctx,
        """
        select source, files, files_loaded, files_rejected, files_failed, files_duplicate,
               rows_read, rows_loaded, rows_quarantined, quarantined_pct, last_loaded_at,
               feedback_items, newest_day, as_of_date, days_behind
        from marts.mart_data_health_sources
        order by rows_loaded desc, source
        """,
    )


def _quarantine(ctx: ReportContext) -> list[dict]:
    return rows(
        ctx,
        """
        select source, reason, quarantined_rows, files
        from marts.mart_data_health_quarantine
        order by quarantined_rows desc, source, reason
        """,
    )


def _checks(ctx: ReportContext) -> list[dict]:
    return rows(
        ctx,
        """
        select layer, suite, expectation, severity, success, unexpected_count, run_at
        from marts.mart_data_health_checks
        order by success, severity, layer, suite, expectation
        """,
    )


def _tiles(ctx: ReportContext, sources: list[dict], checks: list[dict]) -> go.Figure:
    """KPI tiles: rows loaded, quarantined share, checks failed (errors, warnings)."""
    read = sum(s["rows_read"] for s in sources)
    quarantined = sum(s["rows_quarantined"] for s in sources)
    failed_errors = sum(1 for c in checks if not c["success"] and c["severity"] == "error")
    failed_warnings = sum(1 for c in checks if not c["success"] and c["severity"] != "error")
    tiles = [
        (ctx.text("data_health.tile_rows"), sum(s["rows_loaded"] for s in sources), ",.0f", ""),
        (
            ctx.text("data_health.tile_quarantined"),
            0 if not read else 100 * quarantined / read,
            ".2f",
            "%",
        ),
        (ctx.text("data_health.tile_failed_errors"), failed_errors, ".0f", ""),
        (ctx.text("data_health.tile_failed_warnings"), failed_warnings, ".0f", ""),
    ]
    fig = make_subplots(rows=1, cols=len(tiles), specs=[[{"type": "indicator"}] * len(tiles)])
    for i, (title, value, fmt, suffix) in enumerate(tiles, start=1):
        fig.add_trace(
            go.Indicator(
                mode="number",
                value=value,
                title={"text": title, "font": {"size": 13}},
                number={"valueformat": fmt, "suffix": suffix, "font": {"size": 30}},
            ),
            row=1,
            col=i,
        )
    style(fig, height=150)
    fig.update_layout(margin={"l": 10, "r": 10, "t": 30, "b": 0})
    return fig


def _rows_figure(ctx: ReportContext, sources: list[dict]) -> go.Figure:
    names = [source_name(ctx, s["source"]) for s in sources]
    fig = go.Figure(
        [
            go.Bar(
                y=names,
                x=[s["rows_loaded"] for s in sources],
                orientation="h",
                name=ctx.text("data_health.loaded"),
                marker_color="#4d7ea8",
                hovertext=[
                    ctx.text(
                        "data_health.hover_loaded",
                        source=name,
                        rows=num(s["rows_loaded"]),
                        files=num(s["files_loaded"]),
                    )
                    for name, s in zip(names, sources, strict=True)
                ],
                hoverinfo="text",
            ),
            go.Bar(
                y=names,
                x=[s["rows_quarantined"] for s in sources],
                orientation="h",
                name=ctx.text("data_health.quarantined"),
                marker_color="#d1495b",
                hovertext=[
                    ctx.text(
                        "data_health.hover_quarantined",
                        source=name,
                        rows=num(s["rows_quarantined"]),
                        share=pct(
                            None if not s["rows_read"] else s["rows_quarantined"] / s["rows_read"],
                            2,
                        ),
                    )
                    for name, s in zip(names, sources, strict=True)
                ],
                hoverinfo="text",
            ),
        ]
    )
    style(
        fig,
        height=90 + 30 * len(sources),
        barmode="stack",
        title={"text": ctx.text("data_health.rows_title"), "font": {"size": 14}},
    )
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title_text=ctx.text("data_health.axis_rows"))
    return fig


def _quarantine_figure(ctx: ReportContext, quarantine: list[dict]) -> go.Figure:
    sources = sorted(
        {q["source"] for q in quarantine},
        key=lambda s: -sum(q["quarantined_rows"] for q in quarantine if q["source"] == s),
    )
    reasons = sorted(
        {q["reason"] for q in quarantine},
        key=lambda r: -sum(q["quarantined_rows"] for q in quarantine if q["reason"] == r),
    )
    counts = {(q["source"], q["reason"]): q["quarantined_rows"] for q in quarantine}
    fig = go.Figure()
    for i, reason in enumerate(reasons):
        name = label(ctx, f"data_health.reason.{reason}", reason)
        values = [counts.get((s, reason), 0) for s in sources]
        fig.add_trace(
            go.Bar(
                x=[source_name(ctx, s) for s in sources],
                y=values,
                name=name,
                marker_color=REASON_COLOURS[i % len(REASON_COLOURS)],
                hovertext=[
                    ctx.text(
                        "data_health.hover_reason",
                        source=source_name(ctx, s),
                        reason=name,
                        rows=num(v),
                    )
                    for s, v in zip(sources, values, strict=True)
                ],
                hoverinfo="text",
            )
        )
    style(
        fig,
        height=340,
        barmode="stack",
        title={"text": ctx.text("data_health.quarantine_title"), "font": {"size": 14}},
    )
    fig.update_yaxes(title_text=ctx.text("data_health.axis_quarantined"))
    return fig


def _freshness_table(ctx: ReportContext, sources: list[dict]) -> str:
    headers = [
        ctx.text(f"data_health.col.{c}")
        for c in ("source", "files", "rows", "quarantined", "newest", "behind", "loaded_at")
    ]
    body = []
    for s in sorted(sources, key=lambda s: s["source"]):
        behind = (
            "–" if s["days_behind"] is None else ctx.text("data_health.days", n=s["days_behind"])
        )
        body.append(
            [
                source_name(ctx, s["source"]),
                num(s["files"]),
                num(s["rows_loaded"]),
                num(s["rows_quarantined"]),
                "–" if s["newest_day"] is None else str(s["newest_day"]),
                behind,
                local_time(ctx, s["last_loaded_at"]),
            ]
        )
    return table(headers, body, css="freshness")


def _failed_table(ctx: ReportContext, checks: list[dict]) -> str:
    failed = [c for c in checks if not c["success"]]
    if not failed:
        return f'<p class="note">{esc(ctx.text("data_health.all_passed", n=num(len(checks))))}</p>'
    headers = [
        ctx.text(f"data_health.col.{c}")
        for c in ("layer", "suite", "check", "severity", "unexpected", "run_at")
    ]
    body = [
        [
            label(ctx, f"data_health.layer.{c['layer']}", c["layer"]),
            c["suite"],
            c["expectation"],
            label(ctx, f"data_health.severity.{c['severity']}", c["severity"]),
            num(c["unexpected_count"]),
            local_time(ctx, c["run_at"]),
        ]
        for c in failed
    ]
    return table(headers, body, css="failed-checks")


def build(ctx: ReportContext) -> Section:
    title = ctx.text("data_health.title")
    if not all(has_table(ctx.con, t) for t in MARTS):
        return Section(ID, title, "", empty=ctx.text("empty.no_data"))
    sources, quarantine, checks = _sources(ctx), _quarantine(ctx), _checks(ctx)
    if not any(s["files"] for s in sources):
        return Section(ID, title, "", empty=ctx.text("data_health.empty"))
    delivered = [s for s in sources if s["files"]]
    loaded = sum(s["rows_loaded"] for s in sources)
    read = sum(s["rows_read"] for s in sources)
    quarantined = sum(s["rows_quarantined"] for s in sources)
    failed = [c for c in checks if not c["success"]]
    dated = [s for s in delivered if s["days_behind"] is not None]
    stalest = max(dated, key=lambda s: (s["days_behind"], s["source"]), default=None)
    reading = ctx.text(
        "data_health.reading",
        sources=len(delivered),
        rows=num(loaded),
        quarantined=num(quarantined),
        share=pct(None if not read else quarantined / read, 2),
        checks=num(len(checks)),
        failed=num(len(failed)),
    )
    if stalest is not None and stalest["days_behind"] > 0:
        reading += ctx.text(
            "data_health.reading_stale",
            source=source_name(ctx, stalest["source"]),
            days=stalest["days_behind"],
        )
    elif stalest is not None:
        reading += ctx.text("data_health.reading_fresh")
    figures = [_tiles(ctx, sources, checks), _rows_figure(ctx, delivered)]
    if quarantine:
        figures.append(_quarantine_figure(ctx, quarantine))
    return Section(
        ID,
        title,
        reading,
        figures=figures,
        html=_freshness_table(ctx, sources) + _failed_table(ctx, checks),
        summary={
            "rows_loaded": loaded,
            "rows_quarantined": quarantined,
            "checks": len(checks),
            "failed_checks": len(failed),
            "stalest_source": None if stalest is None else stalest["source"],
            "stalest_days_behind": None if stalest is None else stalest["days_behind"],
        },
    )
