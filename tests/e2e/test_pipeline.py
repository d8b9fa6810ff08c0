"""End to end on generated data: what was delivered is what was loaded or quarantined."""

from __future__ import annotations

import json

import duckdb
import pandas as pd

from tests.e2e.conftest import PipelineRun, run_all
from voc_core.contracts import SOURCES


def read(run: PipelineRun, sql: str) -> pd.DataFrame:
    with duckdb.connect(str(run.warehouse), read_only=True) as con:
        return con.execute(sql).df()


def test_every_planted_defect_is_quarantined_with_its_reason(pipeline_run: PipelineRun) -> None:
    planted = pd.read_csv(pipeline_run.truth / "defects.csv")
    quarantined = read(
        pipeline_run,
        "select source, file_path as file, line_number as line, reason from raw._quarantine",
    )
    key = ["source", "file", "line", "reason"]
    deliveries = json.loads((pipeline_run.truth / "deliveries.json").read_text())
    rejected = quarantined[quarantined.reason == "MISSING_REQUIRED_COLUMN"]
    row_level = quarantined[quarantined.reason != "MISSING_REQUIRED_COLUMN"]
    assert sorted(map(tuple, row_level[key].values.tolist())) == sorted(
        map(tuple, planted[key].values.tolist())
    )
    assert len(rejected) == deliveries["rejected_file"]["rows"]
    assert set(rejected.file) == {deliveries["rejected_file"]["file"]}


def test_rows_reconcile_from_files_to_raw(pipeline_run: PipelineRun) -> None:
    files = read(pipeline_run, "select * from raw._files")
    assert (files.rows_read == files.rows_loaded + files.rows_quarantined).all()
    assert not (files.status == "failed").any()
    for source in SOURCES:
        loaded = int(files[files.source == source].rows_loaded.sum())
        raw = read(pipeline_run, f'select count(*) as n from raw."{source}"').n[0]
        assert raw == loaded, source
    duplicates = files[files.status == "duplicate"]
    assert len(duplicates) == 1


def test_rerun_adds_nothing(pipeline_run: PipelineRun) -> None:
    tables = [f'raw."{s}"' for s in SOURCES] + [
        "raw._quarantine",
        "staging.stg_survey",
        "intermediate.int_feedback_unioned",
        "text_analytics.feedback_scores",
        "marts.fct_feedback",
        "marts.fct_feedback_topic",
        "marts.dim_customer",
    ]

    def counts() -> dict[str, int]:
        return {t: int(read(pipeline_run, f"select count(*) as n from {t}").n[0]) for t in tables}

    before = counts()
    again = run_all(pipeline_run.landing, pipeline_run.warehouse)
    assert again.success
    assert counts() == before
    scores = again.asset_materializations_for_node("feedback_text_scores")[0].metadata
    assert scores["rows_scored"].value == 0


def test_every_feedback_item_reaches_the_marts(pipeline_run: PipelineRun) -> None:
    staged = sum(
        int(read(pipeline_run, f"select count(*) as n from staging.stg_{s}").n[0])
        for s in (
            "survey",
            "app_review",
            "ecommerce_review",
            "social",
            "support_ticket",
            "store_card",
        )
    )
    fct = read(
        pipeline_run,
        "select count(*) as n, count(sentiment_label) as scored from marts.fct_feedback",
    )
    assert fct.n[0] == staged
    assert fct.scored[0] == staged
