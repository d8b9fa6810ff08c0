"""Incremental models: a nightly run on new files (corrections included) equals a full
refresh of everything, staging through marts."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from sample_data import generate
from tests.conftest import run_dbt
from tests.e2e.conftest import run_all

#: Every incremental model, and the marts built from them.
TABLES = [
    "staging.stg_survey",
    "staging.stg_app_review",
    "staging.stg_ecommerce_review",
    "staging.stg_social",
    "staging.stg_support_ticket",
    "staging.stg_store_card",
    "staging.stg_crm_customer",
    "staging.stg_order",
    "staging.stg_improvement_action",
    "intermediate.int_feedback_unioned",
    "marts.fct_feedback",
    "marts.fct_feedback_topic",
    "marts.dim_customer",
    "marts.mart_experience_daily",
    "marts.mart_experience_monthly",
    "marts.mart_churn_monthly",
    "marts.mart_topic_trend_weekly",
    "marts.mart_service_sla",
    "marts.mart_improvement_impact",
    "intermediate.int_brand_mentions",
    "marts.mart_brand_weekly",
]


def _is_list(value: object) -> bool:
    return hasattr(value, "__len__") and not isinstance(value, str)


def snapshot(path: Path, table: str) -> pd.DataFrame:
    with duckdb.connect(str(path), read_only=True) as con:
        frame = con.execute(f"select * from {table}").df()
    # When rows were loaded, scored and written differs between the two ways, by design.
    times = ("_loaded_at", "scored_at", "_written_at")
    frame = frame.drop(columns=[c for c in times if c in frame.columns])
    for column in frame.columns:  # lists (keywords, fake_reasons) compare as text
        if frame[column].map(_is_list).any():
            frame[column] = frame[column].map(
                lambda v: "|".join(map(str, v)) if _is_list(v) else ""
            )
    return frame.sort_values(list(frame.columns)).reset_index(drop=True)


@pytest.mark.slow
def test_late_files_then_incremental_run_equals_full_refresh(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    generate(out_dir=landing, days=60, customers=800, seed=5)
    held_back = tmp_path / "held_back"
    # Hold back the newest file of every source, as if it arrived the next night, and the
    # support tickets' correction file (it re-delivers tickets of an earlier file).
    corrections = sorted(landing.glob("support_ticket/*_corrections.csv"))
    assert corrections, "the generator writes a correction file"
    for folder in sorted(p for p in landing.iterdir() if p.is_dir()):
        late = {sorted(folder.iterdir())[-1], *(c for c in corrections if c.parent == folder)}
        target = held_back / folder.name
        target.mkdir(parents=True)
        for path in late:
            shutil.move(str(path), target / path.name)

    held_count = sum(1 for folder in held_back.iterdir() for _ in folder.iterdir())
    warehouse = tmp_path / "warehouse.duckdb"
    assert run_all(landing, warehouse).success
    for folder in held_back.iterdir():
        for file in folder.iterdir():
            shutil.move(str(file), landing / folder.name / file.name)
    nightly = run_all(landing, warehouse)
    assert nightly.success
    new_files = sum(
        event.materialization.metadata["files_new"].value
        for event in nightly.get_asset_materialization_events()
        if "files_new" in event.materialization.metadata
    )
    assert new_files == held_count

    refreshed = tmp_path / "refreshed.duckdb"
    shutil.copy(warehouse, refreshed)
    run_dbt("build", "--full-refresh", target_path=tmp_path / "target", duckdb_path=refreshed)
    for table in TABLES:
        pd.testing.assert_frame_equal(
            snapshot(warehouse, table), snapshot(refreshed, table), check_dtype=False, obj=table
        )
