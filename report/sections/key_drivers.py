"""Placeholder."""

from report.section import ReportContext, Section


def build(ctx: ReportContext) -> Section:
    return Section(
        id="key_drivers",
        title=ctx.text("key_drivers.title"),
        reading="",
        empty=ctx.text("empty.no_data"),
    )
