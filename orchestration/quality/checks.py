"""Great Expectations suites (quality/) as Dagster asset checks on the assets they guard.

One multi-asset check per layer runs that layer's suites once and reports one check per
guarded table and kind of suite (each outcome names its table). A failed error-level
expectation fails its check with severity ERROR; the checks are blocking, so the assets
downstream are not rebuilt on bad data. Warnings fail with severity WARN and block nothing.
Every outcome is also kept in ``quality.validation_results`` and the GX Data Docs
(``make quality-docs``).
"""

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import dagster as dg

import quality
import voc_core
from orchestration import unchanged
from orchestration.dbt.project import dbt_project
from orchestration.resources import (
    LandingZoneResource,
    QualityDocsResource,
    RunOptions,
    WarehouseResource,
)
from quality.results import CheckOutcome
from quality.suites import LAYERS, suite_tables

#: The check each layer reports its suites under, on the asset of the table they guard.
CHECK_NAMES = {
    "raw": "gx_raw_contract",
    "intermediate": "gx_intermediate",
    "marts": "gx_marts",
    "authenticity": "gx_fake_review_rules",
}
#: Suites reported under a check name of their own.
SUITE_CHECK_NAMES = {"raw.volume": "gx_raw_daily_volume"}


def check_name(layer: str, suite: str) -> str:
    return SUITE_CHECK_NAMES.get(suite, CHECK_NAMES[layer])


def table_key(table: str) -> dg.AssetKey:
    """The asset of a warehouse table: ``schema.table`` -> ``schema/table``."""
    return dg.AssetKey(table.split("."))


def check_specs(layer: str) -> list[dg.AssetCheckSpec]:
    """The blocking checks of ``layer``, one per guarded table and check name."""
    suites_by_check: dict[dg.AssetCheckKey, list[str]] = defaultdict(list)
    for suite, table in suite_tables(layer):
        suites_by_check[dg.AssetCheckKey(table_key(table), check_name(layer, suite))].append(suite)
    return [
        dg.AssetCheckSpec(
            name=key.name,
            asset=key.asset_key,
            blocking=True,
            description=f"GX suite {', '.join(suites)}",
        )
        for key, suites in suites_by_check.items()
    ]


def check_results(
    layer: str, specs: Iterable[dg.AssetCheckSpec], outcomes: list[CheckOutcome]
) -> list[dg.AssetCheckResult]:
    """One result per check of ``specs``: failed with severity ERROR when an error-level
    outcome of its table failed, WARN when only warnings did; a check none of whose suites
    ran (the volume suite without enough history) passes with 0 expectations."""
    by_check: dict[dg.AssetCheckKey, list[CheckOutcome]] = defaultdict(list)
    for outcome in outcomes:
        key = dg.AssetCheckKey(
            table_key(outcome.table or outcome.suite), check_name(layer, outcome.suite)
        )
        by_check[key].append(outcome)
    results = []
    for spec in specs:
        found = by_check.get(spec.key, [])
        errors = [o for o in found if not o.success and o.severity == "error"]
        warnings = [o for o in found if not o.success and o.severity != "error"]
        results.append(
            dg.AssetCheckResult(
                asset_key=spec.asset_key,
                check_name=spec.name,
                passed=not errors and not warnings,
                severity=dg.AssetCheckSeverity.ERROR if errors else dg.AssetCheckSeverity.WARN,
                metadata={
                    "suites": sorted({o.suite for o in found}),
                    "expectations": len(found),
                    "failed_errors": [f"{o.expectation}: {o.description}" for o in errors],
                    "failed_warnings": [f"{o.expectation}: {o.description}" for o in warnings],
                },
            )
        )
    return results


#: The step whose record stands for the tables each layer checks (``orchestration.unchanged``).
_GUARDED_STEP = {
    "intermediate": "dbt_staging_and_intermediate",
    "marts": "dbt_marts",
    "authenticity": "dbt_marts",
}


def layer_inputs(
    con: Any,
    layer: str,
    source_timezones: Mapping[str, str],
    docs_dir: str,
    selected: list[str],
) -> dict[str, Any]:
    """What a layer's suites read (``orchestration.unchanged``): the suites' code, the
    selection, the time zones and docs folder, and the tables they check. Raw: the loader's
    files and the daily-volume suite as it would run now (its counts and bounds: the only
    raw suite that reads the clock for rows that already passed, through "never after
    today"). Other layers: the record of the dbt step that builds their tables. The suites
    validate only rows that have not passed yet, so the clock's other uses (timestamps not
    in the future) concern no row when nothing arrived and the last execution passed."""
    parts: dict[str, Any] = {
        "code": unchanged.source_state(
            Path(quality.__file__).parent, Path(voc_core.__file__).parent
        ),
        "selection": selected,
        "timezones": dict(sorted(source_timezones.items())),
        "docs_dir": docs_dir,
    }
    if layer == "raw":
        from quality.expectations.raw import volume_suite
        from quality.suites import raw_timezones

        volume = volume_suite(con, raw_timezones(source_timezones), datetime.now(timezone.utc))
        parts["raw"] = unchanged.raw_state(con)
        parts["volume"] = (
            None if volume is None else [volume.query, [repr(c) for c in volume.checks]]
        )
    else:
        parts["tables"] = unchanged.step_record(con, _GUARDED_STEP[layer])
    return parts


def build_layer_check(layer: str) -> dg.AssetChecksDefinition:
    """The blocking asset checks of one quality layer."""
    specs = check_specs(layer)

    # Subsettable: a run of one source and what depends on it (the landing sensor) selects
    # only the checks of the assets it materialises.
    @dg.multi_asset_check(specs=specs, name=f"quality_{layer}", can_subset=True)
    def _layer_check(
        context: dg.AssetCheckExecutionContext,
        warehouse: WarehouseResource,
        landing: LandingZoneResource,
        quality_docs: QualityDocsResource,
        run_options: RunOptions,
    ):
        from quality.suites import run_layer_checks

        step = f"quality_{layer}"
        selected = context.selected_asset_check_keys
        with warehouse.connect() as con:
            parts = layer_inputs(
                con,
                layer,
                landing.source_timezones,
                quality_docs.docs_dir,
                unchanged.selection(context),
            )
            inputs = unchanged.inputs_token(parts)
            found = unchanged.standing(
                context, con, step, inputs, redo=run_options.validate_everything
            )
        if found is not None:
            # Nothing the suites read changed since they last passed: their results stand.
            context.log.info(found.note(f"the {layer} suites"))
            yield from unchanged.replay(found, selected, f"the {layer} suites")
            return

        # Only the fake-review rules are described by the dbt manifest (a few MB to parse).
        manifest = (
            json.loads(dbt_project.manifest_path.read_text(encoding="utf-8"))
            if layer == "authenticity"
            else None
        )
        with warehouse.connect() as con:
            outcomes = run_layer_checks(
                con,
                layer,
                docs_dir=Path(quality_docs.docs_dir),
                source_timezones=landing.source_timezones,
                revalidate=run_options.validate_everything,
                dbt_manifest=manifest,
            )
            results = [
                result
                for result in check_results(layer, specs, outcomes)
                if dg.AssetCheckKey(result.asset_key, result.check_name) in selected
            ]
            unchanged.remember(con, step, inputs, context.op_execution_context.run_id, results)
        context.log.info(f"{layer}: {len(outcomes)} expectations evaluated")
        yield from results

    return _layer_check


quality_checks = [build_layer_check(layer) for layer in LAYERS]
