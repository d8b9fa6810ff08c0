"""Placeholder."""

from report.section import ReportContext, Section


def build(ctx: ReportContext) -> Section:
    return Section(
        id="trends", title=ctx.text("trends.title"), reading="", empty=ctx.text("empty.no_data")
    )
