"""The Dagster code location: assembles the assets, checks, jobs, automation and resources.

Settings are read once, here (``voc_core.settings``), and reach the steps as resource config
(``orchestration.resources``) or as the parameters of the definitions built from them.
"""

from __future__ import annotations

import dagster as dg

from orchestration.alerts.assets import alert_delivery
from orchestration.dbt.assets import dbt_mart_assets, dbt_transform_assets
from orchestration.dbt.project import dbt_cli
from orchestration.exports.assets import followup_queue_export
from orchestration.jobs import refresh_job
from orchestration.quality.checks import quality_checks
from orchestration.raw.assets import raw_assets
from orchestration.raw.freshness import build_freshness_checks, build_freshness_sensor
from orchestration.raw.sensors import build_landing_sensor
from orchestration.report.assets import voc_report
from orchestration.resources import build_resources
from orchestration.schedules import build_nightly_schedule
from orchestration.serving.assets import serving_marts
from orchestration.text_analytics.assets import build_text_scoring_assets
from voc_core.settings import Settings, get_settings


def build_definitions(settings: Settings) -> dg.Definitions:
    """Every definition of the code location, configured from ``settings``."""
    freshness_checks = build_freshness_checks(settings)
    return dg.Definitions(
        assets=[
            *raw_assets,
            dbt_transform_assets,
            *build_text_scoring_assets(settings.partitions_start_date, settings.business_timezone),
            dbt_mart_assets,
            serving_marts,
            alert_delivery,
            followup_queue_export,
            voc_report,
        ],
        asset_checks=[*quality_checks, *freshness_checks],
        jobs=[refresh_job],
        schedules=[build_nightly_schedule(settings.refresh_cron, settings.refresh_timezone)],
        sensors=[
            build_landing_sensor(settings.sensor_interval_seconds),
            build_freshness_sensor(freshness_checks),
        ],
        resources={**build_resources(settings), "dbt": dbt_cli()},
        # Every step writes the one DuckDB file, which allows a single writer: run steps in order.
        executor=dg.in_process_executor,
    )


defs = build_definitions(get_settings())
