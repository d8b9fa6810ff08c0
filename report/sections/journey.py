"""Placeholder."""

from report.section import ReportContext, Section


def build(ctx: ReportContext) -> Section:
    return Section(
        id="journey", title=ctx.text("journey.title"), reading="", empty=ctx.text("empty.no_data")
    )
