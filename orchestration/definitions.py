"""The Dagster code location: assembles the assets, checks, jobs, automation and resources."""

from __future__ import annotations

import dagster as dg

from orchestration.dbt.assets import dbt_mart_assets, dbt_transform_assets
from orchestration.dbt.project import dbt_cli
from orchestration.jobs import refresh_job
from orchestration.quality.checks import quality_checks
from orchestration.raw.assets import raw_assets
from orchestration.raw.freshness import freshness_checks, freshness_sensor
from orchestration.raw.sensors import landing_files_sensor
from orchestration.resources import default_resources
from orchestration.schedules import nightly_refresh_schedule
from orchestration.serving.assets import serving_marts
from orchestration.text_analytics.assets import feedback_text_scores

defs = dg.Definitions(
    assets=[
        *raw_assets,
        dbt_transform_assets,
        feedback_text_scores,
        dbt_mart_assets,
        serving_marts,
    ],
    asset_checks=[*quality_checks, *freshness_checks],
    jobs=[refresh_job],
    schedules=[nightly_refresh_schedule],
    sensors=[landing_files_sensor, freshness_sensor],
    resources={**default_resources(), "dbt": dbt_cli()},
    # Every step writes the one DuckDB file, which allows a single writer: run steps in order.
    executor=dg.in_process_executor,
)
