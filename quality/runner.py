"""Run ``SuiteSpec``s with Great Expectations Core 1.x on pandas frames, and build Data Docs.

Great Expectations is imported here only, when checks run: the import costs seconds, and
nothing else in the project needs it (STACK_NOTES.md).

Without a docs folder the GX context is ephemeral (nothing written). With one, it is a file
context kept in ``<docs_dir>/_gx`` so validation results accumulate across runs and layers,
and the Data Docs site is built into ``<docs_dir>`` (``index.html``) listing them all; only
the newest ``KEEP_RUNS`` results per suite are kept.
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from quality.results import CheckOutcome, jsonable
from quality.spec import Check, SuiteSpec

if TYPE_CHECKING:
    import pandas as pd

SITE_NAME = "voc_quality"
DATASOURCE = "voc_quality"
#: Validation results kept per suite in the docs folder (older ones are deleted).
KEEP_RUNS = 30
#: GX severity for ours: an ``error`` is GX's ``critical``.
_GX_SEVERITY = {"error": "critical", "warning": "warning"}
#: How much of each result GX returns: counts plus a short sample of unexpected values.
_RESULT_FORMAT = {"result_format": "SUMMARY", "partial_unexpected_count": 10}
_OBSERVED_KEYS = (
    "observed_value",
    "element_count",
    "missing_count",
    "unexpected_count",
    "unexpected_percent",
    "partial_unexpected_list",
    "details",
)


def _import_gx() -> Any:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx

    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    return gx


#: The file context of each docs folder, built once per process (seconds each: reading its
#: stores and site config); ``_context`` checks the folder is still there before reusing it.
_CONTEXTS: dict[Path, Any] = {}


def _context(gx: Any, docs_dir: Path | None) -> Any:
    if docs_dir is None:
        return _new_context(gx, None)
    key = docs_dir.resolve()
    context = _CONTEXTS.get(key)
    if context is None or not (docs_dir / "_gx" / "gx" / "great_expectations.yml").is_file():
        context = _CONTEXTS[key] = _new_context(gx, docs_dir)
    return context


def _new_context(gx: Any, docs_dir: Path | None) -> Any:
    from great_expectations.data_context.types.base import ProgressBarsConfig

    if docs_dir is None:
        context = gx.get_context(mode="ephemeral")
    else:
        docs_dir.mkdir(parents=True, exist_ok=True)
        context = gx.get_context(mode="file", project_root_dir=str(docs_dir / "_gx"))
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    if docs_dir is not None:
        sites = context.get_site_names()
        if "local_site" in sites:  # the default site, inside _gx: ours replaces it
            context.delete_data_docs_site("local_site")
        if SITE_NAME not in sites:
            context.add_data_docs_site(
                site_name=SITE_NAME,
                site_config={
                    "class_name": "SiteBuilder",
                    "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
                    "store_backend": {
                        "class_name": "TupleFilesystemStoreBackend",
                        "base_directory": str(docs_dir.resolve()),
                    },
                },
            )
    return context


def _expectation(gxe: Any, check: Check) -> Any:
    cls = getattr(gxe, check.expectation)
    # The description replaces GX's generated sentence in Data Docs: it says why, too.
    return cls(
        **check.kwargs,
        severity=_GX_SEVERITY[check.severity],
        description=f"[{check.severity}] {check.description}",
        meta={"check": check.label, "severity": check.severity},
    )


def _datasource(context: Any) -> Any:
    try:
        return context.data_sources.get(DATASOURCE)
    except KeyError:
        return context.data_sources.add_pandas(DATASOURCE)


def _batch_definition(datasource: Any, asset_name: str) -> Any:
    """The whole-frame batch of the suite's own dataframe asset (reused across runs)."""
    try:
        asset = datasource.get_asset(asset_name)
    except LookupError:
        asset = datasource.add_dataframe_asset(asset_name)
    try:
        return asset.get_batch_definition("whole")
    except KeyError:
        return asset.add_batch_definition_whole_dataframe("whole")


def _observed(result: Any) -> dict[str, Any]:
    raw = result.result or {}
    observed = {k: raw[k] for k in _OBSERVED_KEYS if k in raw}
    info = result.exception_info or {}
    # One dict, or one per metric that failed to compute.
    infos = [info] if "raised_exception" in info else list(info.values())
    messages = [str(i.get("exception_message")) for i in infos if i.get("raised_exception")]
    if messages:
        observed["exception"] = "; ".join(dict.fromkeys(messages))
    return jsonable(observed)


def _outcomes(spec: SuiteSpec, validation: Any) -> list[CheckOutcome]:
    by_label = {check.label: check for check in spec.checks}
    outcomes = []
    for result in validation.results:
        label = (result.expectation_config.meta or {}).get("check")
        check = by_label[label]
        outcomes.append(
            CheckOutcome(
                suite=spec.name,
                expectation=check.label,
                severity=check.severity,
                success=bool(result.success),
                observed=_observed(result),
                description=check.description,
                layer=spec.layer,
                expectation_type=check.expectation_type,
                column=check.column,
                table=check.table or spec.guarded_table,
            )
        )
    order = {check.label: i for i, check in enumerate(spec.checks)}
    return sorted(outcomes, key=lambda o: order[o.expectation])


def _prune(validations_dir: Path, keep: int) -> None:
    """Keep the newest ``keep`` stored results of each suite. Results are stored as
    ``<suite path>/<run name>/<run time>/<batch>.json``; run times sort as text."""
    if not validations_dir.is_dir():
        return
    by_suite: dict[Path, list[Path]] = {}
    for path in validations_dir.rglob("*.json"):
        run_dir = path.parent
        by_suite.setdefault(run_dir.parent.parent, []).append(run_dir)
    for runs in by_suite.values():
        for run_dir in sorted(set(runs), key=lambda p: p.name, reverse=True)[keep:]:
            shutil.rmtree(run_dir, ignore_errors=True)
            if run_dir.parent.is_dir() and not any(run_dir.parent.iterdir()):
                run_dir.parent.rmdir()


def validate(
    suites: Iterable[tuple[SuiteSpec, pd.DataFrame]],
    run_name: str,
    run_time: datetime,
    docs_dir: Path | None = None,
) -> list[CheckOutcome]:
    """Validate each (suite, frame) pair with GX and return one outcome per check.

    Builds the Data Docs site in ``docs_dir`` when given.
    """
    gx = _import_gx()
    import great_expectations.expectations as gxe
    from great_expectations.core.run_identifier import RunIdentifier

    context = _context(gx, docs_dir)
    datasource = _datasource(context)
    run_id = RunIdentifier(run_name=run_name, run_time=run_time)
    outcomes: list[CheckOutcome] = []
    suite_names: list[str] = []
    for spec, frame in suites:
        suite_names.append(spec.name)
        suite = gx.ExpectationSuite(
            name=spec.name,
            expectations=[_expectation(gxe, c) for c in spec.checks],
            meta={"description": spec.description, "layer": spec.layer},
        )
        suite = context.suites.add_or_update(suite)
        definition = context.validation_definitions.add_or_update(
            gx.ValidationDefinition(
                name=spec.name, data=_batch_definition(datasource, spec.name), suite=suite
            )
        )
        validation = definition.run(
            batch_parameters={"dataframe": frame}, result_format=_RESULT_FORMAT, run_id=run_id
        )
        outcomes.extend(_outcomes(spec, validation))
    if docs_dir is not None:
        _prune(docs_dir / "_gx" / "gx" / "uncommitted" / "validations", KEEP_RUNS)
        _build_docs(context, run_name, suite_names)
    return outcomes


def _build_docs(context: Any, run_name: str, suite_names: list[str]) -> None:
    """Render the pages of this call's suites and results, then the index of every stored
    result. The pages of earlier results are on disk from the call that stored them; a
    whole rebuild rendered them all again (up to ``KEEP_RUNS`` per suite, every layer, on
    every call)."""
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
    )

    new_results = [
        key
        for key in context.validation_results_store.list_keys()
        if key.run_id.run_name == run_name
    ]
    suites = [ExpectationSuiteIdentifier(name=name) for name in suite_names]
    context.build_data_docs(site_names=[SITE_NAME], resource_identifiers=[*suites, *new_results])
