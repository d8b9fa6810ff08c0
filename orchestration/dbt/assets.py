"""Every dbt model as a Dagster asset; dbt tests become asset checks."""

import os

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from orchestration.dbt.project import dbt_project, ensure_manifest
from orchestration.dbt.translator import VocDbtTranslator
from orchestration.resources import WarehouseResource

ensure_manifest()


def _build_dbt_assets(name: str, select: str) -> dg.AssetsDefinition:
    """The dbt nodes matched by ``select``, built with one ``dbt build`` per run."""

    @dbt_assets(
        manifest=dbt_project.manifest_path,
        project=dbt_project,
        select=select,
        dagster_dbt_translator=VocDbtTranslator(),
        name=name,
    )
    def _assets(
        context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource
    ):
        # The dbt profile reads the warehouse path from the environment (profiles.yml).
        os.environ["VOC_DUCKDB_PATH"] = warehouse.duckdb_path
        # `voc run --full-refresh` rebuilds incremental models from scratch (needed after a
        # model change that alters their columns: they are configured to fail, not drift).
        full_refresh = ["--full-refresh"] if os.environ.get("VOC_DBT_FULL_REFRESH") == "1" else []
        yield from dbt.cli(["build", *full_refresh], context=context).stream()

    return _assets


# The marts get a definition of their own: text analytics (Python) sits between the
# intermediate models and the marts, so each half runs as its own step in graph order.
dbt_transform_assets = _build_dbt_assets(
    "dbt_staging_and_intermediate", "path:models/staging path:models/intermediate"
)
dbt_mart_assets = _build_dbt_assets("dbt_marts", "path:models/marts path:seeds")
