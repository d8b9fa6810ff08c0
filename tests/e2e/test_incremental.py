"""Incremental marts: a nightly run on new files equals a full refresh of everything."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from tests.conftest import run_dbt
from tests.e2e.conftest import run_all
from voc.generate import generate

MARTS = [
    "fct_feedback",
    "fct_feedback_topic",
    "dim_customer",
    "mart_experience_daily",
    "mart_experience_monthly",
    "mart_churn_monthly",
    "mart_topic_trend_weekly",
    "mart_service_sla",
    "mart_improvement_impact",
]


def _is_list(value: object) -> bool:
    return hasattr(value, "__len__") and not isinstance(value, str)


def snapshot(path: Path, table: str) -> pd.DataFrame:
    with duckdb.connect(str(path), read_only=True) as con:
        frame = con.execute(f"select * from marts.{table}").df()
    frame = frame.drop(columns=[c for c in ("_loaded_at", "scored_at") if c in frame.columns])
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
    # Hold back the newest file of every source, as if it arrived the next night.
    for folder in sorted(p for p in landing.iterdir() if p.is_dir()):
        newest = sorted(folder.iterdir())[-1]
        target = held_back / folder.name
        target.mkdir(parents=True)
        shutil.move(str(newest), target / newest.name)

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
    run_dbt(
        "build",
        "--full-refresh",
        "--select",
        "path:models/marts path:seeds",
        target_path=tmp_path / "target",
        duckdb_path=refreshed,
    )
    for table in MARTS:
        pd.testing.assert_frame_equal(
            snapshot(warehouse, table), snapshot(refreshed, table), check_dtype=False, obj=table
        )
