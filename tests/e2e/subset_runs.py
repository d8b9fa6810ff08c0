"""Whole refresh runs of several landing folders, two at a time.

Each run is the complete job (landing to the published serving copy) on its own warehouse,
in a worker process of its own: the dbt steps run in subprocesses, so two runs keep both cores
busy where one leaves one idle. A run reports plain counts (what a test asserts on), so nothing
Dagster-specific crosses the process boundary.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

WORKERS = 2


@dataclass(frozen=True)
class RunOutcome:
    """What one run left: its success, its failure messages and row counts per table."""

    warehouse: Path
    success: bool
    failures: list[str]
    counts: dict[str, int] = field(default_factory=dict)
    sources_in_marts: set[str] = field(default_factory=set)
    marts: set[str] = field(default_factory=set)
    published_marts: set[str] = field(default_factory=set)
    #: Model versions of the stored scores, and the run's sentiment-model decision.
    model_versions: set[str] = field(default_factory=set)
    model_decision: str = ""


def _tables(con, schema: str) -> set[str]:
    rows = con.execute(
        "select table_name from information_schema.tables where table_schema = ?", [schema]
    ).fetchall()
    return {name for (name,) in rows}


def run_landing(landing: Path, warehouse: Path) -> RunOutcome:
    """The refresh job on ``landing`` into ``warehouse``; counts of every table it wrote."""
    import dagster as dg
    import duckdb

    from tests.pipeline import pipeline_defs, serving_path

    job = pipeline_defs(landing, warehouse).resolve_job_def("refresh")
    with dg.instance_for_test() as instance:
        result = job.execute_in_process(instance=instance, raise_on_error=False)
    failures = [str(e.message) for e in result.all_events if e.is_failure]
    if not result.success:
        return RunOutcome(warehouse, False, failures)
    counts: dict[str, int] = {}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for schema in ("raw", "staging", "intermediate", "text_analytics", "marts"):
            for table in _tables(con, schema):
                query = f'select count(*) from {schema}."{table}"'
                counts[f"{schema}.{table}"] = con.execute(query).fetchone()[0]
        sources = con.execute("select distinct source from marts.fct_feedback").fetchall()
        marts = _tables(con, "marts")
        versions = con.execute(
            "select distinct model_version from text_analytics.feedback_scores"
        ).fetchall()
    with duckdb.connect(str(serving_path(warehouse)), read_only=True) as con:
        published = _tables(con, "marts")
    [model_step] = [
        e.materialization.metadata["decision"].value
        for e in result.get_asset_materialization_events()
        if e.asset_key == dg.AssetKey(["text_analytics", "sentiment_model"])
    ]
    return RunOutcome(
        warehouse,
        True,
        failures,
        counts,
        {s for (s,) in sources},
        marts,
        published,
        {v for (v,) in versions},
        str(model_step),
    )


def run_all(folders: Mapping[str, tuple[Path, Path]]) -> dict[str, RunOutcome]:
    """``run_landing`` of each ``name -> (landing, warehouse)``, ``WORKERS`` at a time."""
    context = multiprocessing.get_context("spawn")  # a fresh interpreter: no forked threads
    with ProcessPoolExecutor(max_workers=WORKERS, mp_context=context) as pool:
        futures = {
            name: pool.submit(run_landing, landing, warehouse)
            for name, (landing, warehouse) in folders.items()
        }
        return {name: future.result() for name, future in futures.items()}


@dataclass(frozen=True)
class JobOutcome:
    """What a whole run left, as plain values (it crosses from a background worker)."""

    success: bool
    failures: list[str]
    #: Asset (``a/b``) -> the metadata of each of its materialisations in the run.
    materializations: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


def plain_materializations(result) -> dict[str, list[dict[str, Any]]]:
    """Asset (``a/b``) -> the metadata values of each of its materialisations in ``result``."""
    materializations: dict[str, list[dict[str, Any]]] = {}
    for event in result.get_asset_materialization_events():
        metadata = event.materialization.metadata
        materializations.setdefault(event.asset_key.to_user_string(), []).append(
            {key: value.value for key, value in metadata.items()}
        )
    return materializations


def job_outcome(result) -> JobOutcome:
    failures = [str(e.message) for e in result.all_events if e.is_failure]
    return JobOutcome(result.success, failures, plain_materializations(result))


def refresh(landing: Path, warehouse: Path) -> JobOutcome:
    """The refresh job on ``landing`` into ``warehouse`` (a test's Dagster instance)."""
    import dagster as dg

    from tests.pipeline import pipeline_defs

    job = pipeline_defs(landing, warehouse).resolve_job_def("refresh")
    with dg.instance_for_test() as instance:
        return job_outcome(job.execute_in_process(instance=instance, raise_on_error=False))
