"""Placeholder."""

from report.section import ReportContext, Section


def build(ctx: ReportContext) -> Section:
    return Section(
        id="topic_heatmap",
        title=ctx.text("topic_heatmap.title"),
        reading="",
        empty=ctx.text("empty.no_data"),
    )
