"""Every dbt model as a Dagster asset; dbt tests become asset checks."""

import os

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from orchestration.dbt.project import dbt_project
from orchestration.dbt.translator import VocDbtTranslator
from orchestration.resources import WarehouseResource


def _build(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource):
    # The dbt profile reads the warehouse path from the environment (profiles.yml).
    os.environ["VOC_DUCKDB_PATH"] = warehouse.duckdb_path
    # `voc run --full-refresh` rebuilds incremental models from scratch (needed after a
    # model change that alters their columns: they are configured to fail rather than drift).
    full_refresh = ["--full-refresh"] if os.environ.get("VOC_DBT_FULL_REFRESH") == "1" else []
    yield from dbt.cli(["build", *full_refresh], context=context).stream()


# The marts get a definition of their own (text analytics, in Python, sits between the
# intermediate models and the marts, so each half runs as its own step in graph order).
@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    select="path:models/staging path:models/intermediate",
    dagster_dbt_translator=VocDbtTranslator(),
    name="dbt_staging_and_intermediate",
)
def dbt_transform_assets(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource
):
    yield from _build(context, dbt, warehouse)


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    select="path:models/marts path:seeds",
    dagster_dbt_translator=VocDbtTranslator(),
    name="dbt_marts",
)
def dbt_mart_assets(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource
):
    yield from _build(context, dbt, warehouse)
