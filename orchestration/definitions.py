"""The Dagster code location: assembles the assets, checks and resources of each domain."""

from __future__ import annotations

import dagster as dg

from orchestration.dbt.assets import dbt_mart_assets, dbt_transform_assets
from orchestration.dbt.project import dbt_cli
from orchestration.quality.checks import quality_checks
from orchestration.raw.assets import raw_assets
from orchestration.resources import default_resources
from orchestration.text_analytics.assets import feedback_text_scores

defs = dg.Definitions(
    assets=[*raw_assets, dbt_transform_assets, feedback_text_scores, dbt_mart_assets],
    asset_checks=quality_checks,
    resources={**default_resources(), "dbt": dbt_cli()},
    # Every step writes the one DuckDB file, which allows a single writer: run steps in order.
    executor=dg.in_process_executor,
)
