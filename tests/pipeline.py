"""The pipeline's definitions and resources pointed at a test's own files."""

from __future__ import annotations

from pathlib import Path


def pipeline_resources(landing: Path, warehouse: Path) -> dict:
    """The pipeline's resources pointed at a test's landing folder and warehouse file; the
    serving copy and Parquet files go beside the warehouse, never into the user's data/."""
    from orchestration.resources import LandingZoneResource, ServingResource, WarehouseResource

    return {
        "warehouse": WarehouseResource(duckdb_path=str(warehouse)),
        "landing": LandingZoneResource(
            landing_dir=str(landing), source_timezones={}, default_timezone="Asia/Shanghai"
        ),
        "serving": ServingResource(
            serving_path=str(serving_path(warehouse)), parquet_dir=str(parquet_dir(warehouse))
        ),
    }


def serving_path(warehouse: Path) -> Path:
    """Where the pipeline run by a test publishes the serving copy of ``warehouse``."""
    return warehouse.with_name(f"{warehouse.stem}.serving.duckdb")


def parquet_dir(warehouse: Path) -> Path:
    """Where the pipeline run by a test publishes the Parquet files of ``warehouse``."""
    return warehouse.with_name(f"{warehouse.stem}.marts")


def pipeline_defs(landing: Path, warehouse: Path):
    """The code location's definitions (assets, checks, jobs, schedule, sensors) with
    ``pipeline_resources``."""
    import dagster as dg

    from orchestration.definitions import defs

    return dg.Definitions(
        assets=defs.assets,
        asset_checks=defs.asset_checks,
        jobs=defs.jobs,
        schedules=defs.schedules,
        sensors=defs.sensors,
        resources={**defs.resources, **pipeline_resources(landing, warehouse)},
        executor=defs.executor,
    )
