"""The nightly refresh (cron and time zone from ``voc_core.settings``)."""

import dagster as dg

from orchestration.jobs import refresh_job
from voc_core.settings import get_settings


def build_nightly_schedule() -> dg.ScheduleDefinition:
    """Runs the refresh job at ``VOC_REFRESH_CRON`` (default 02:00) in ``VOC_REFRESH_TIMEZONE``
    (default: the business time zone, Asia/Shanghai). On by default; switch it off in the UI
    (Automation) or set ``default_status`` here."""
    settings = get_settings()
    return dg.ScheduleDefinition(
        name="nightly_refresh",
        job=refresh_job,
        cron_schedule=settings.refresh_cron,
        execution_timezone=settings.refresh_timezone,
        default_status=dg.DefaultScheduleStatus.RUNNING,
        tags={"voc/trigger": "nightly_refresh"},
        description="Nightly refresh of everything that has new input.",
    )


nightly_refresh_schedule = build_nightly_schedule()
