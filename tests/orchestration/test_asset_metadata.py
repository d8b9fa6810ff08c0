"""What the UI shows per asset: row count, rows new in this run, the column names and types, a
preview, from a real run."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb

from orchestration.dbt.assets import dbt_transform_assets
from orchestration.definitions import defs
from orchestration.metadata import format_cell, rows_to_markdown, split_relation
from orchestration.raw.assets import raw_assets
from tests.landing_fixture import EXPECTED, EXPECTED_STAGED
from tests.pipeline import pipeline_resources


def _metadata_by_asset(result: dg.ExecuteInJobResult) -> dict[str, dict]:
    materializations = [
        e.event_specific_data.materialization for e in result.get_asset_materialization_events()
    ]
    return {m.asset_key.to_user_string(): m.metadata for m in materializations}


def _header(markdown: str) -> list[str]:
    return [c.strip() for c in markdown.splitlines()[0].strip("|").split("|")]


def _columns(metadata: dict) -> list[tuple[str, str]]:
    return [(c.name, c.type) for c in metadata["dagster/column_schema"].value.columns]


def _described(con: duckdb.DuckDBPyConnection, relation: str) -> list[tuple[str, str]]:
    return [(r[0], r[1]) for r in con.execute(f"describe {relation}").fetchall()]


def test_relations_split_into_schema_and_name() -> None:
    assert split_relation('"staging"."stg_survey"') == ("staging", "stg_survey")
    assert split_relation('raw."order"') == ("raw", "order")
    assert split_relation("text_analytics.feedback_scores") == (
        "text_analytics",
        "feedback_scores",
    )
    assert split_relation('"a""b".c') == ('a"b', "c")


def test_preview_cells_are_masked_truncated_and_escaped() -> None:
    assert format_cell("请联系 13812345678 谢谢") == "请联系 [PHONE] 谢谢"
    long = format_cell("快" * 100)
    assert len(long) == 40 and long.endswith("…")
    assert format_cell("a|b\nc") == "a\\|b c"
    assert format_cell(None) == ""
    table = rows_to_markdown(["id", "text"], [(1, "好")])
    assert table.splitlines() == ["| id | text |", "| --- | --- |", "| 1 | 好 |"]
    assert rows_to_markdown(["id"], []) == "no rows"


def test_dbt_and_raw_materializations_report_counts_new_rows_columns_and_a_preview(
    landing: Path, warehouse_path: Path
) -> None:
    resources = {**defs.resources, **pipeline_resources(landing, warehouse_path)}
    # Everything up to the marts (the serving copy and the quality gates add nothing here).
    first = dg.materialize(
        defs.assets,
        selection=dg.AssetSelection.all() - dg.AssetSelection.groups("serving"),
        resources=resources,
    )
    assert first.success
    checks = first.get_asset_check_evaluations()  # dbt tests still arrive as asset checks
    assert any(c.asset_key == dg.AssetKey(["staging", "stg_survey"]) for c in checks)
    assert all(c.passed for c in checks)

    with duckdb.connect(str(warehouse_path), read_only=True) as con:
        staged = con.execute("select count(*) from staging.stg_survey").fetchone()[0]
        columns = [r[0] for r in con.execute("describe staging.stg_survey").fetchall()]
        unioned = con.execute("select count(*) from intermediate.int_feedback_unioned").fetchone()
        described = {
            relation: _described(con, relation)
            for relation in (
                "staging.stg_survey",
                "marts.mart_experience_monthly",
                'raw."survey"',
                "text_analytics.feedback_scores",
            )
        }
    assert staged == EXPECTED_STAGED["survey"]

    by_key = _metadata_by_asset(first)
    survey = by_key["staging/stg_survey"]
    assert survey["dagster/row_count"].value == staged
    assert survey["rows_new"].value == staged  # first run: every row is new
    preview = survey["preview"].value
    assert _header(preview) == columns
    assert len(preview.splitlines()) == 2 + min(staged, 5)
    assert by_key["intermediate/int_feedback_unioned"]["dagster/row_count"].value == unioned[0]

    # Column names and DuckDB types, in table order, for dbt models, raw tables and scores.
    assert _columns(survey) == described["staging.stg_survey"]
    assert ("response_id", "VARCHAR") in _columns(survey)
    mart = by_key["marts/mart_experience_monthly"]
    assert _columns(mart) == described["marts.mart_experience_monthly"]
    assert _columns(by_key["raw/survey"]) == described['raw."survey"']
    scores = by_key["text_analytics/feedback_scores"]
    assert _columns(scores) == described["text_analytics.feedback_scores"]
    dbt_models = [k for k in by_key if k.split("/")[0] in ("staging", "intermediate", "marts")]
    assert all("dagster/column_schema" in by_key[k] for k in dbt_models)

    raw_survey = by_key["raw/survey"]
    assert raw_survey["rows_new"].value == EXPECTED["survey"][1]
    assert "response_id" in _header(raw_survey["preview"].value)

    # A second run with no new files: same counts, nothing new.
    second = dg.materialize([*raw_assets, dbt_transform_assets], resources=resources)
    assert second.success
    again = _metadata_by_asset(second)
    assert again["staging/stg_survey"]["dagster/row_count"].value == staged
    assert again["staging/stg_survey"]["rows_new"].value == 0
    assert again["raw/survey"]["rows_new"].value == 0
    assert again["intermediate/int_feedback_unioned"]["rows_new"].value == 0
