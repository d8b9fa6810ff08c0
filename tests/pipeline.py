"""The pipeline's definitions and resources pointed at a test's own files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from voc_core.settings import Settings


def pipeline_settings(landing: Path, warehouse: Path, **overrides: Any) -> Settings:
    """Settings pointed at a test's landing folder and warehouse file; the serving copy,
    Parquet files and Data Docs go beside the warehouse, never into the user's data/.
    ``overrides``: any other ``Settings`` field."""
    return Settings(
        landing_dir=landing,
        duckdb_path=warehouse,
        serving_path=serving_path(warehouse),
        marts_parquet_dir=parquet_dir(warehouse),
        quality_docs_dir=warehouse.with_name(f"{warehouse.stem}.quality_docs"),
        report_dir=report_dir(warehouse),
        **overrides,
    )


def pipeline_resources(landing: Path, warehouse: Path) -> dict:
    """The pipeline's resources configured from ``pipeline_settings``."""
    from orchestration.resources import build_resources

    return build_resources(pipeline_settings(landing, warehouse))


def serving_path(warehouse: Path) -> Path:
    """Where the pipeline run by a test publishes the serving copy of ``warehouse``."""
    return warehouse.with_name(f"{warehouse.stem}.serving.duckdb")


def report_dir(warehouse: Path) -> Path:
    """Where the pipeline run by a test writes the VoC report of ``warehouse``."""
    return warehouse.with_name(f"{warehouse.stem}.report")


def parquet_dir(warehouse: Path) -> Path:
    """Where the pipeline run by a test publishes the Parquet files of ``warehouse``."""
    return warehouse.with_name(f"{warehouse.stem}.marts")


def pipeline_defs(landing: Path, warehouse: Path, **overrides: Any):
    """The code location's definitions (assets, checks, jobs, schedule, sensors) built from
    ``pipeline_settings``."""
    from orchestration.definitions import build_definitions

    return build_definitions(pipeline_settings(landing, warehouse, **overrides))
