"""Every dbt model as a Dagster asset; dbt tests become asset checks."""

import os

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from orchestration.dbt.project import dbt_project
from orchestration.dbt.translator import VocDbtTranslator
from orchestration.resources import WarehouseResource


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=VocDbtTranslator(),
)
def voc_dbt_assets(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource
):
    # The dbt profile reads the warehouse path from the environment (profiles.yml).
    os.environ["VOC_DUCKDB_PATH"] = warehouse.duckdb_path
    yield from dbt.cli(["build"], context=context).stream()
