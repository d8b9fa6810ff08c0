"""Incremental models: a nightly run on new files (corrections included) equals a full
refresh of everything, staging through marts."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from sample_data import generate
from tests.conftest import run_dbt
from tests.e2e.fixtures import background_build, run_all
from tests.e2e.subset_runs import JobOutcome, job_outcome

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


@dataclass(frozen=True)
class IncrementalRuns:
    warehouse: Path
    #: Files held back from the first run and landed before the second.
    held_count: int
    first_success: bool
    nightly: JobOutcome


def incremental_runs_in(root: Path) -> IncrementalRuns:
    """A first run without the newest files, then a nightly run with them, in ``root``: built
    in the background from the start of the session (``tests.e2e.fixtures.BACKGROUND_BUILDS``)."""
    landing = root / "landing"
    generate(out_dir=landing, days=60, customers=800, seed=5)
    held_back = root / "held_back"
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
    warehouse = root / "warehouse.duckdb"
    first_success = run_all(landing, warehouse).success
    for folder in held_back.iterdir():
        for file in folder.iterdir():
            shutil.move(str(file), landing / folder.name / file.name)
    nightly = job_outcome(run_all(landing, warehouse))
    return IncrementalRuns(warehouse, held_count, first_success, nightly)


@pytest.fixture(scope="module")
def incremental_runs(tmp_path_factory: pytest.TempPathFactory) -> IncrementalRuns:
    return background_build("incremental_runs", tmp_path_factory)


@pytest.mark.slow
def test_late_files_then_incremental_run_equals_full_refresh(
    incremental_runs: IncrementalRuns, tmp_path: Path
) -> None:
    warehouse = incremental_runs.warehouse
    assert incremental_runs.first_success
    nightly = incremental_runs.nightly
    assert nightly.success
    new_files = sum(
        metadata["files_new"]
        for events in nightly.materializations.values()
        for metadata in events
        if "files_new" in metadata
    )
    assert new_files == incremental_runs.held_count

    refreshed = tmp_path / "refreshed.duckdb"
    shutil.copy(warehouse, refreshed)
    run_dbt("build", "--full-refresh", target_path=tmp_path / "target", duckdb_path=refreshed)
    for table in TABLES:
        pd.testing.assert_frame_equal(
            snapshot(warehouse, table), snapshot(refreshed, table), check_dtype=False, obj=table
        )
