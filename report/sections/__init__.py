"""The report's sections, in report order.

Each id names a module ``report.sections.<id>`` exposing ``build(ctx: ReportContext) ->
Section`` (``report.section``); the section's labels in ``report.labels`` start with the same
id (``<id>.title`` is required). ``report.build`` imports them in this order.
"""

SECTIONS: tuple[str, ...] = (
    # 1-5: report-core
    "headline",
    "trends",
    "topic_heatmap",
    "key_drivers",
    "journey",
    # 6-10: report-sections
    "improvements",
    "followup",
    "voices",
    "competitors",
    "data_health",
)
