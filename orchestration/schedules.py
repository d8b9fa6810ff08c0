"""The nightly refresh (cron and time zone from ``voc_core.settings``)."""

import dagster as dg

from orchestration.jobs import refresh_job


def build_nightly_schedule(cron: str, timezone: str) -> dg.ScheduleDefinition:
    """Runs the refresh job at ``cron`` (``VOC_REFRESH_CRON``, default 02:00) in ``timezone``
    (``VOC_REFRESH_TIMEZONE``, default: the business time zone). On by default; switch it off
    in the UI (Automation) or set ``default_status`` here."""
    return dg.ScheduleDefinition(
        name="nightly_refresh",
        job=refresh_job,
        cron_schedule=cron,
        execution_timezone=timezone,
        default_status=dg.DefaultScheduleStatus.RUNNING,
        tags={"voc/trigger": "nightly_refresh"},
        description="Nightly refresh of everything that has new input.",
    )
