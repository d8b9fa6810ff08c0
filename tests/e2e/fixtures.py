"""A generated sample run through the whole pipeline once per session, for end-to-end tests.

A plugin of the root ``tests/conftest.py`` (``pytest_plugins``), not a conftest: its session
fixtures are then defined once for the whole suite, so ``tests/e2e`` and ``tests/report``
share one pipeline run (a fixture defined in two conftests would run twice).

The session's whole runs (``pipeline_run``, ``demo_run``, the source subsets) start in
background worker processes as soon as the tests that need them are collected
(``tests.e2e.background``); each fixture waits for its own, and fails with the run's log when
the run failed.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dagster as dg
import pytest

from sample_data import generate
from tests.e2e import background
from tests.e2e.subset_runs import plain_materializations
from tests.pipeline import pipeline_resources

SAMPLE = {"days": 120, "customers": 2500, "seed": 11}
#: What `make demo` generates (sample_data's defaults): for the tests that need its size.
DEMO_SAMPLE = {"days": 180, "customers": 20_000, "seed": 42}


@dataclass(frozen=True)
class PipelineRun:
    landing: Path
    truth: Path
    warehouse: Path
    #: The run succeeded (the fixtures assert it: a test never sees a failed run).
    success: bool
    #: Asset (``a/b``) -> the metadata of each of its materialisations in the run, as plain
    #: values (the in-process result stays in the process that ran it).
    materializations: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


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


def sample_run(root: Path, sample: Mapping[str, Any]) -> PipelineRun:
    """``sample`` generated into ``root/landing`` and the whole pipeline run on it."""
    generate(out_dir=root / "landing", **sample)
    warehouse = root / "warehouse.duckdb"
    result = run_all(root / "landing", warehouse)
    return PipelineRun(
        root / "landing",
        root / "ground_truth",
        warehouse,
        result.success,
        plain_materializations(result),
    )


#: Session fixture -> (folder name under the session's temporary folder, sample).
SAMPLE_RUNS = {"pipeline_run": ("e2e", SAMPLE), "demo_run": ("e2e_demo", DEMO_SAMPLE)}


#: Fixtures of single test modules built in the background as well: fixture -> (folder name
#: under the session's temporary folder, ``module:function``). The function takes that
#: (fresh) folder, runs there and returns what the fixture returns (``background_build``).
BACKGROUND_BUILDS = {
    "adaptation_run": ("adaptation", "tests.e2e.test_domain_adaptation:adaptation_run_in"),
    "incremental_runs": ("incremental", "tests.e2e.test_incremental:incremental_runs_in"),
    "marketplace_run": ("marketplace", "tests.e2e.test_real_marketplace:marketplace_run_in"),
}


def _build_function(fixture: str) -> Callable[[Path], Any]:
    module, name = BACKGROUND_BUILDS[fixture][1].split(":")
    return getattr(importlib.import_module(module), name)


def _skipped(item: pytest.Item) -> bool:
    """The item is marked skip, or skipif with a condition that holds (string conditions are
    left to pytest: the item counts as run)."""
    if item.get_closest_marker("skip") is not None:
        return True
    return any(
        any(condition is True for condition in marker.args)
        or marker.kwargs.get("condition") is True
        for marker in item.iter_markers("skipif")
    )


def pytest_collection_finish(session: pytest.Session) -> None:
    """Start the whole runs the collected (and not deselected) tests need, in the background,
    in the order the tests need them: the sample runs, the module builds, the source
    subsets."""
    if session.config.option.collectonly or session.config.getoption("setupplan", False):
        return  # no fixture will run
    first_use: dict[str, int] = {}
    for index, item in enumerate(session.items):
        if _skipped(item):
            continue  # e.g. the corpus tests where ../shared is absent
        for name in getattr(item, "fixturenames", ()):
            first_use.setdefault(name, index)
    factory = session.config._tmp_path_factory  # what the tmp_path_factory fixture returns
    for fixture in sorted(
        (f for f in [*SAMPLE_RUNS, *BACKGROUND_BUILDS, "subset_outcomes"] if f in first_use),
        key=first_use.__getitem__,
    ):
        if fixture in SAMPLE_RUNS:
            folder, sample = SAMPLE_RUNS[fixture]
            root = factory.mktemp(folder)
            background.start(fixture, root / "run.log", sample_run, root, sample)
        elif fixture in BACKGROUND_BUILDS:
            root = factory.mktemp(BACKGROUND_BUILDS[fixture][0])
            background.start(fixture, root / "run.log", _build_function(fixture), root)
        else:
            from tests.e2e.test_source_subsets import start_subset_runs

            start_subset_runs(factory.mktemp("subsets"))


def background_build(fixture: str, factory: pytest.TempPathFactory) -> Any:
    """What the ``BACKGROUND_BUILDS`` function of ``fixture`` returned in the background (or
    returns now, in a fresh folder, when the session did not start it)."""
    folder = BACKGROUND_BUILDS[fixture][0]
    return background.result(fixture, lambda: _build_function(fixture)(factory.mktemp(folder)))


def pytest_sessionfinish(session: pytest.Session) -> None:
    background.stop()


def _sample_run_fixture(fixture: str, factory: pytest.TempPathFactory) -> PipelineRun:
    folder, sample = SAMPLE_RUNS[fixture]
    run = background.result(fixture, lambda: sample_run(factory.mktemp(folder), sample))
    assert run.success, background.log_tail(fixture)
    return run


@pytest.fixture(scope="session")
def pipeline_run(tmp_path_factory: pytest.TempPathFactory) -> PipelineRun:
    return _sample_run_fixture("pipeline_run", tmp_path_factory)


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> PipelineRun:
    """The demo's sample (seed 42, 20,000 customers, 180 days) through the whole pipeline:
    a second seed, at the size where small effects are measurable (about two minutes)."""
    return _sample_run_fixture("demo_run", tmp_path_factory)
