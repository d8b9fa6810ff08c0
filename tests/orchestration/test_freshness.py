"""Freshness: a source whose newest file is older than its cadence fails its check.

The raw assets really load the fixture landing folder into a temporary DuckDB file; files are
made old by setting their modification time, which is what arrival means (see
``orchestration.raw.freshness``).
"""

from __future__ import annotations

import os
import time
from datetime import timedelta
from pathlib import Path

import dagster as dg
import pytest

from orchestration.raw.assets import build_raw_asset
from orchestration.raw.freshness import (
    build_freshness_check,
    build_freshness_checks,
    build_freshness_sensor,
)
from orchestration.resources import LandingZoneResource, WarehouseResource
from voc_core.contracts import SOURCES
from voc_core.settings import Settings, SettingsError

DAY = 24 * 3600


def _resources(landing: Path, warehouse_path: Path) -> dict:
    return {
        "warehouse": WarehouseResource(duckdb_path=str(warehouse_path)),
        "landing": LandingZoneResource(
            landing_dir=str(landing), source_timezones={}, default_timezone="Asia/Shanghai"
        ),
    }


def _age(landing: Path, rel: str, seconds: float) -> None:
    """Make a landing file look delivered ``seconds`` ago."""
    then = time.time() - seconds
    os.utime(landing / rel, (then, then))


def _outcomes(result: dg.ExecuteInJobResult) -> dict[str, dg.AssetCheckEvaluation]:
    return {e.asset_key.path[-1]: e for e in result.get_asset_check_evaluations()}


def _cadence(source: str, environ: dict[str, str]) -> timedelta:
    return Settings.from_environ(environ).expected_every(source)


def test_cadences_come_from_the_contract_and_the_environment() -> None:
    assert _cadence("survey", {}) == timedelta(days=1)
    assert _cadence("order", {}) == timedelta(days=1)
    assert _cadence("improvement_action", {}) == timedelta(days=30)
    assert _cadence("survey", {"VOC_FRESHNESS_HOURS_SURVEY": "36"}) == timedelta(hours=36)
    with pytest.raises(SettingsError, match="VOC_FRESHNESS_HOURS_ORDER"):
        _cadence("order", {"VOC_FRESHNESS_HOURS_ORDER": "daily"})


FRESHNESS_CHECKS = build_freshness_checks(Settings())
FRESHNESS_SENSOR = build_freshness_sensor(FRESHNESS_CHECKS)


def test_every_raw_asset_has_a_freshness_check_and_the_sensor_covers_them(tmp_path: Path) -> None:
    keys = {k for c in FRESHNESS_CHECKS for k in c.check_keys}
    assert keys == {dg.AssetCheckKey(dg.AssetKey(["raw", s]), "freshness") for s in SOURCES}
    assert FRESHNESS_SENSOR is not None
    assert dg.Definitions(
        assets=[build_raw_asset(s) for s in SOURCES],
        asset_checks=FRESHNESS_CHECKS,
        sensors=[FRESHNESS_SENSOR],
        resources=_resources(tmp_path, tmp_path / "w.duckdb"),
    ).resolve_sensor_def(FRESHNESS_SENSOR.name)


def test_a_late_source_fails_and_a_fresh_one_passes(landing: Path, warehouse_path: Path) -> None:
    # survey: both files delivered three days ago; app_review: today (as written).
    for rel in ("survey/2026-05-03_survey.csv", "survey/2026-05-10_survey_correction.csv"):
        _age(landing, rel, 3 * DAY)
    checks = build_freshness_checks(Settings())
    result = dg.materialize(
        [build_raw_asset("survey"), build_raw_asset("app_review"), *checks],
        resources=_resources(landing, warehouse_path),
        selection=dg.AssetSelection.assets(["raw", "survey"], ["raw", "app_review"]),
    )
    assert result.success  # a late source is a failed check, not a failed run
    outcomes = _outcomes(result)
    assert set(outcomes) == {"survey", "app_review"}
    assert not outcomes["survey"].passed
    assert outcomes["survey"].severity == dg.AssetCheckSeverity.WARN
    assert "late" in outcomes["survey"].description
    assert outcomes["app_review"].passed

    # The raw asset reports the arrival of its newest file, not when it was loaded.
    meta = result.asset_materializations_for_node("raw__survey")[0].metadata
    arrived = meta["dagster/last_updated_timestamp"].value
    assert abs(arrived - (time.time() - 3 * DAY)) < 600
    assert meta["newest_file"].value == "survey/2026-05-10_survey_correction.csv"


def test_the_cadence_can_be_overridden_from_the_environment(
    landing: Path, warehouse_path: Path
) -> None:
    _age(landing, "survey/2026-05-03_survey.csv", 3 * DAY)
    _age(landing, "survey/2026-05-10_survey_correction.csv", 3 * DAY)
    checks = build_freshness_checks(Settings.from_environ({"VOC_FRESHNESS_HOURS_SURVEY": "100"}))
    result = dg.materialize(
        [build_raw_asset("survey"), *checks],
        resources=_resources(landing, warehouse_path),
        selection=dg.AssetSelection.assets(["raw", "survey"]),
    )
    assert _outcomes(result)["survey"].passed  # 72 hours old, 100 allowed


def test_only_files_that_brought_rows_count_as_arrival(landing: Path, warehouse_path: Path) -> None:
    # improvement_action: v2 (loaded) is 40 days old; v1 (rejected: a required column is
    # missing) is new but brought nothing, so the source is late for its 30-day cadence.
    _age(landing, "improvement_action/actions_v2.csv", 40 * DAY)
    result = dg.materialize(
        [build_raw_asset("improvement_action"), *build_freshness_checks(Settings())],
        resources=_resources(landing, warehouse_path),
        selection=dg.AssetSelection.assets(["raw", "improvement_action"]),
    )
    assert not _outcomes(result)["improvement_action"].passed
    meta = result.asset_materializations_for_node("raw__improvement_action")[0].metadata
    assert meta["newest_file"].value == "improvement_action/actions_v2.csv"


def test_a_source_that_never_delivered_fails(tmp_path: Path, warehouse_path: Path) -> None:
    empty = tmp_path / "empty_landing"
    empty.mkdir()
    result = dg.materialize(
        [build_raw_asset("social"), *build_freshness_checks(Settings())],
        resources=_resources(empty, warehouse_path),
        selection=dg.AssetSelection.assets(["raw", "social"]),
    )
    outcome = _outcomes(result)["social"]
    assert not outcome.passed
    assert "No file" in outcome.description


def test_the_check_evaluates_between_runs_from_the_last_materialization(
    landing: Path, warehouse_path: Path
) -> None:
    """A check run on its own (as the sensor launches it) judges the newest arrival recorded
    by the last materialization: no new run of the raw asset, no DuckDB access needed."""
    instance = dg.DagsterInstance.ephemeral()
    asset = build_raw_asset("order")
    _age(landing, "order/orders_202604.csv", 2 * DAY)
    _age(landing, "order/orders_202604_resent.csv", 2 * DAY)
    landed = dg.materialize(
        [asset], resources=_resources(landing, warehouse_path), instance=instance
    )
    assert landed.success

    # The sensor asks for the checks that never ran.
    defs = dg.Definitions(
        assets=[asset],
        asset_checks=FRESHNESS_CHECKS,
        sensors=[FRESHNESS_SENSOR],
        resources=_resources(landing, warehouse_path),
    )
    request = FRESHNESS_SENSOR(dg.build_sensor_context(instance=instance, definitions=defs))
    order_check = dg.AssetCheckKey(dg.AssetKey(["raw", "order"]), "freshness")
    assert isinstance(request, dg.RunRequest) and order_check in request.asset_check_keys

    warehouse_path.unlink()  # the check must not need the warehouse
    checked = dg.materialize(
        [asset, build_freshness_check("order", timedelta(days=1))],
        resources=_resources(landing, warehouse_path),
        instance=instance,
        selection=dg.AssetSelection.checks_for_assets(asset),
    )
    assert checked.success
    assert not checked.asset_materializations_for_node("raw__order")  # not re-landed
    assert not _outcomes(checked)["order"].passed
