"""Great Expectations suites (quality/) as Dagster asset checks on the assets they guard.

One multi-asset check per layer runs that layer's suites once and reports one check per
suite. A failed error-level expectation fails its check with severity ERROR; the checks are
blocking, so the assets downstream are not rebuilt on bad data. Warnings fail with severity
WARN and block nothing. Every outcome is also kept in ``quality.validation_results`` and the
GX Data Docs (``make quality-docs``).
"""

from collections import defaultdict
from datetime import datetime, timezone

import dagster as dg

from orchestration.resources import WarehouseResource
from quality.expectations.intermediate import intermediate_suites
from quality.expectations.marts import mart_suites
from voc_core.contracts import SOURCES

#: layer -> {check target -> (asset key it guards, check name)}. A target is a suite name,
#: or ``suite|text`` for the expectations of a suite whose name contains ``text``.
SUITE_TARGETS: dict[str, dict[str, tuple[dg.AssetKey, str]]] = {
    "raw": {
        **{f"raw.{s}": (dg.AssetKey(["raw", s]), "gx_raw_contract") for s in SOURCES},
        # Daily volume of each source against its own history (learnt bounds).
        **{f"raw.volume|({s})": (dg.AssetKey(["raw", s]), "gx_raw_daily_volume") for s in SOURCES},
    },
    # Suites named `<schema>.<model>` guard the dbt asset of the same key.
    "intermediate": {
        spec.name: (dg.AssetKey(spec.name.split(".")), "gx_intermediate")
        for spec in intermediate_suites(datetime.now(timezone.utc))
    },
    "marts": {spec.name: (dg.AssetKey(spec.name.split(".")), "gx_marts") for spec in mart_suites()},
    "authenticity": {
        "authenticity.rule_hits": (
            dg.AssetKey(["intermediate", "int_fake_review_rule_hits"]),
            "gx_fake_review_rules",
        ),
    },
}


def _results(layer: str, outcomes: list) -> list[dg.AssetCheckResult]:
    by_suite = defaultdict(list)
    for outcome in outcomes:
        by_suite[outcome.suite].append(outcome)
    results = []
    for target, (asset_key, check_name) in SUITE_TARGETS[layer].items():
        suite, _, text = target.partition("|")
        found = [o for o in by_suite.get(suite, []) if text in o.expectation]
        errors = [o for o in found if not o.success and o.severity == "error"]
        warnings = [o for o in found if not o.success and o.severity != "error"]
        results.append(
            dg.AssetCheckResult(
                asset_key=asset_key,
                check_name=check_name,
                passed=not errors and not warnings,
                severity=dg.AssetCheckSeverity.ERROR if errors else dg.AssetCheckSeverity.WARN,
                metadata={
                    "suite": suite,
                    "expectations": len(found),
                    "failed_errors": [f"{o.expectation}: {o.description}" for o in errors],
                    "failed_warnings": [f"{o.expectation}: {o.description}" for o in warnings],
                },
            )
        )
    return results


def build_layer_check(layer: str) -> dg.AssetChecksDefinition:
    """The blocking asset checks of one quality layer."""
    specs = [
        dg.AssetCheckSpec(name=check, asset=key, blocking=True, description=f"GX suite {suite}")
        for suite, (key, check) in SUITE_TARGETS[layer].items()
    ]

    # Subsettable: a run of one source and what depends on it (the landing sensor) selects
    # only the checks of the assets it materialises.
    @dg.multi_asset_check(specs=specs, name=f"quality_{layer}", can_subset=True)
    def _layer_check(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource):
        from quality.suites import default_docs_dir, run_layer_checks

        with warehouse.connect() as con:
            outcomes = run_layer_checks(con, layer, docs_dir=default_docs_dir())
        context.log.info(f"{layer}: {len(outcomes)} expectations evaluated")
        selected = context.selected_asset_check_keys
        for result in _results(layer, outcomes):
            if dg.AssetCheckKey(result.asset_key, result.check_name) in selected:
                yield result

    return _layer_check


quality_checks = [build_layer_check(layer) for layer in SUITE_TARGETS]
