"""The Dagster code location: what `dagster dev` shows, and a real in-process run."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb

from orchestration.dbt.assets import dbt_transform_assets
from orchestration.dbt.project import dbt_cli
from orchestration.definitions import defs
from orchestration.raw.assets import raw_assets
from tests.landing_fixture import EXPECTED, EXPECTED_STAGED
from tests.pipeline import pipeline_resources
from voc_core.contracts import SOURCES


def asset_specs() -> dict[str, tuple[str, list[str]]]:
    graph = defs.resolve_asset_graph()
    return {
        key.to_user_string(): (
            graph.get(key).group_name,
            sorted(p.to_user_string() for p in graph.get(key).parent_keys),
        )
        for key in graph.get_all_asset_keys()
    }


def test_asset_graph_is_raw_then_staging_for_every_source() -> None:
    specs = asset_specs()
    expected = {f"raw/{s}": ("raw", []) for s in SOURCES}
    expected |= {f"staging/stg_{s}": ("staging", [f"raw/{s}"]) for s in SOURCES}
    assert {k: v for k, v in specs.items() if k.split("/")[0] in ("raw", "staging")} == expected


def test_dbt_tests_are_asset_checks_on_staging_models() -> None:
    checks = defs.resolve_asset_graph().asset_check_keys
    checked = {c.asset_key.to_user_string() for c in checks}
    assert {f"staging/stg_{s}" for s in SOURCES} <= checked
    names = {c.name for c in checks if c.asset_key.to_user_string() == "staging/stg_survey"}
    assert "unique_stg_survey_response_id" in names


def test_definitions_load_without_errors() -> None:
    dg.Definitions.validate_loadable(defs)
    assert defs.resolve_implicit_global_asset_job_def() is not None


def test_in_process_run_lands_and_stages_everything(landing: Path, warehouse_path: Path) -> None:
    resources = {**pipeline_resources(landing, warehouse_path), "dbt": dbt_cli()}
    result = dg.materialize([*raw_assets, dbt_transform_assets], resources=resources)
    assert result.success
    survey_meta = result.asset_materializations_for_node("raw__survey")[0].metadata
    assert survey_meta["rows_read"].value == EXPECTED["survey"][0]
    assert survey_meta["rows_loaded"].value == EXPECTED["survey"][1]
    assert survey_meta["quarantine_by_reason"].value == EXPECTED["survey"][2]
    with duckdb.connect(str(warehouse_path), read_only=True) as con:
        for source, n in EXPECTED_STAGED.items():
            assert con.execute(f"select count(*) from staging.stg_{source}").fetchone()[0] == n
    checks = result.get_asset_check_evaluations()
    assert checks and all(c.passed for c in checks)

    # A second run finds nothing new and leaves every table as it was.
    again = dg.materialize([*raw_assets, dbt_transform_assets], resources=resources)
    assert again.success
    meta = again.asset_materializations_for_node("raw__survey")[0].metadata
    assert meta["files_new"].value == 0
    assert meta["dagster/row_count"].value == EXPECTED["survey"][1]
