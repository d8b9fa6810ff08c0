"""Any mix of sources runs: real deployments start with one or two channels, each with its
own gaps. Every run here is the whole refresh job (landing to the published serving copy) on a
warehouse of its own; the runs go two at a time, in the background from the start of the
session (``tests.e2e.background``, ``tests.e2e.subset_runs``)."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest

from tests.e2e import background
from tests.e2e.subset_runs import RunOutcome, run_all, run_landing
from tests.landing_fixture import EXPECTED, EXPECTED_STAGED, write_landing
from text_analytics import MODEL_VERSION
from voc_core.contracts import FEEDBACK_SOURCE_NAMES, SOURCES

SUBSETS: dict[str, tuple[str, ...]] = {
    **{source: (source,) for source in SOURCES},
    "orders_and_crm": ("order", "crm_customer"),
    "empty_folder": (),
}
LATE_FILLED = "app_review_late_filled_columns"
LATE_FILLED_ROWS = 12_000
FILLED_FROM = 10_000
#: The only rows whose text holds personal data: rare enough that DuckDB's sample of a scoring
#: batch sees none and would type the list of personal-data kinds NULL.
WITH_PHONE = (10_001, 11_000, 11_999)
TEXTS = ("物流很快，包装完好", "质量一般，有点失望", "客服回复很及时，满意", "用了两天就坏了，差评")

pytestmark = pytest.mark.slow


def _late_filled_app_reviews(path: Path) -> None:
    """App reviews whose optional columns appear only after the first 10,000 rows, and with
    personal data in three texts: what a type guessed from the first rows gets wrong."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        for i in range(LATE_FILLED_ROWS):
            late = i >= FILLED_FROM
            row = {
                "review_id": f"A{i:05d}",
                "platform": "android",
                "rating": 1 + i % 5,
                "content": TEXTS[i % len(TEXTS)] + ("，电话13812345678" if i in WITH_PHONE else ""),
                "created_at": f"2026-05-{1 + i % 28:02d} 10:00:00",
            }
            if late:
                row |= {"app_version": "3.2.1", "device_id": f"D{i}", "os_version": "14"}
            out.write(json.dumps(row, ensure_ascii=False) + "\n")


def _folders(root: Path) -> dict[str, tuple[Path, Path]]:
    """Every subset of the landing fixture, and the late-filled folder: name -> (landing,
    warehouse)."""
    full = write_landing(root / "fixture")
    folders = {}
    for name, sources in SUBSETS.items():
        landing = root / name / "landing"
        landing.mkdir(parents=True)
        for source in sources:
            shutil.copytree(full / source, landing / source)
        folders[name] = (landing, root / name / "warehouse.duckdb")
    late = root / LATE_FILLED / "landing"
    _late_filled_app_reviews(late / "app_review" / "reviews.jsonl")
    folders[LATE_FILLED] = (late, root / LATE_FILLED / "warehouse.duckdb")
    return folders


def start_subset_runs(root: Path) -> None:
    """Start every run in the background (``tests.e2e.fixtures``, when this module's tests
    are collected); each run's output goes to ``run.log`` beside its warehouse."""
    for name, (landing, warehouse) in _folders(root).items():
        log = warehouse.with_name("run.log")
        background.start(f"subset:{name}", log, run_landing, landing, warehouse)


@pytest.fixture(scope="module")
def subset_outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, RunOutcome]:
    """Every subset of the landing fixture, and the late-filled folder, run end to end."""
    names = [*SUBSETS, LATE_FILLED]
    if all(background.started(f"subset:{name}") for name in names):
        outcomes = {name: background.result(f"subset:{name}", run_landing) for name in names}
        # A failed run's assertion shows its log as well as its failure messages.
        return {
            name: outcome
            if outcome.success
            else replace(
                outcome, failures=[*outcome.failures, background.log_tail(f"subset:{name}")]
            )
            for name, outcome in outcomes.items()
        }
    return run_all(_folders(tmp_path_factory.mktemp("subsets")))


@pytest.mark.parametrize("subset", list(SUBSETS), ids=list(SUBSETS))
def test_any_subset_of_sources_runs_end_to_end(
    subset: str, subset_outcomes: dict[str, RunOutcome]
) -> None:
    sources = SUBSETS[subset]
    outcome = subset_outcomes[subset]
    assert outcome.success, outcome.failures
    counts = outcome.counts
    for source in SOURCES:
        loaded = EXPECTED[source][1] if source in sources else 0
        assert counts.get(f"raw.{source}", 0) == loaded, source
        staged = EXPECTED_STAGED[source] if source in sources else 0
        assert counts.get(f"staging.stg_{source}", 0) == staged, source
    feedback = counts["intermediate.int_feedback_unioned"]
    assert counts["marts.fct_feedback"] == feedback
    assert counts["text_analytics.feedback_scores"] == feedback
    assert outcome.sources_in_marts == {s for s in sources if s in FEEDBACK_SOURCE_NAMES}
    assert outcome.marts and outcome.published_marts == outcome.marts  # empty or not
    # far fewer rated texts than VOC_ADAPT_MIN_RATED: the shipped model scores everything
    assert outcome.model_decision == "skipped"
    assert counts["text_analytics.models"] == 0
    assert outcome.model_versions <= {MODEL_VERSION}


def test_optional_columns_empty_for_the_first_10000_rows(
    subset_outcomes: dict[str, RunOutcome],
) -> None:
    outcome = subset_outcomes[LATE_FILLED]
    assert outcome.success, outcome.failures
    assert outcome.counts["raw.app_review"] == LATE_FILLED_ROWS
    assert outcome.counts["staging.stg_app_review"] == LATE_FILLED_ROWS
    assert outcome.counts["marts.fct_feedback"] == LATE_FILLED_ROWS
    assert outcome.counts["text_analytics.feedback_scores"] == LATE_FILLED_ROWS
    with duckdb.connect(str(outcome.warehouse), read_only=True) as con:
        filled = con.execute(
            "select count(app_version), count(device_id) from staging.stg_app_review"
        ).fetchone()
        masked = con.execute(
            "select count(*) from text_analytics.feedback_scores "
            "where list_contains(pii_kinds, 'PHONE') and text_clean not like '%13812345678%'"
        ).fetchone()[0]
    assert filled == (LATE_FILLED_ROWS - FILLED_FROM,) * 2
    assert masked == len(WITH_PHONE)
