"""A generated sample run through the whole pipeline once per session, for end-to-end tests.

A plugin of the root ``tests/conftest.py`` (``pytest_plugins``), not a conftest: its session
fixtures are then defined once for the whole suite, so ``tests/e2e`` and ``tests/report``
share one pipeline run (a fixture defined in two conftests would run twice).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import pytest

from sample_data import generate
from tests.pipeline import pipeline_resources

SAMPLE = {"days": 120, "customers": 2500, "seed": 11}
#: What `make demo` generates (sample_data's defaults): for the tests that need its size.
DEMO_SAMPLE = {"days": 180, "customers": 20_000, "seed": 42}


@dataclass(frozen=True)
class PipelineRun:
    landing: Path
    truth: Path
    warehouse: Path
    result: dg.ExecuteInProcessResult


def run_all(
    landing: Path, warehouse: Path, raise_on_error: bool = True
) -> dg.ExecuteInProcessResult:
    """Materialise every asset of the code location against these paths, in-process."""
    from orchestration.definitions import defs

    return dg.materialize(
        [*defs.assets, *defs.asset_checks],
        resources={**defs.resources, **pipeline_resources(landing, warehouse)},
        raise_on_error=raise_on_error,
    )


@pytest.fixture(scope="session")
def pipeline_run(tmp_path_factory: pytest.TempPathFactory) -> PipelineRun:
    root = tmp_path_factory.mktemp("e2e")
    generate(out_dir=root / "landing", **SAMPLE)
    warehouse = root / "warehouse.duckdb"
    result = run_all(root / "landing", warehouse)
    assert result.success
    return PipelineRun(root / "landing", root / "ground_truth", warehouse, result)


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> PipelineRun:
    """The demo's sample (seed 42, 20,000 customers, 180 days) through the whole pipeline:
    a second seed, at the size where small effects are measurable (about two minutes)."""
    root = tmp_path_factory.mktemp("e2e_demo")
    generate(out_dir=root / "landing", **DEMO_SAMPLE)
    warehouse = root / "warehouse.duckdb"
    result = run_all(root / "landing", warehouse)
    assert result.success
    return PipelineRun(root / "landing", root / "ground_truth", warehouse, result)
