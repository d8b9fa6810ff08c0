"""Dagster shows the key-driver models after the marts they read, with their checks."""

from __future__ import annotations

import dagster as dg

from orchestration.dbt.assets import dbt_mart_assets, dbt_transform_assets
from orchestration.definitions import defs

MODELS = {
    "intermediate/int_survey_topic_mentions",
    "intermediate/int_key_driver_fits",
    "intermediate/int_topic_label_audit",
    "marts/mart_key_drivers",
}


def test_key_driver_models_are_built_with_the_marts_they_read() -> None:
    graph = defs.resolve_asset_graph()
    parents = {
        key: {p.to_user_string() for p in graph.get(dg.AssetKey.from_user_string(key)).parent_keys}
        for key in MODELS
    }
    assert {"marts/fct_feedback", "marts/fct_feedback_topic", "marts/dim_customer"} <= parents[
        "intermediate/int_survey_topic_mentions"
    ]
    assert parents["intermediate/int_key_driver_fits"] == {
        "intermediate/int_survey_topic_mentions",
        "intermediate/int_topic_label_audit",
    }
    assert parents["intermediate/int_topic_label_audit"] == {
        "intermediate/int_survey_topic_mentions",
        "staging/stg_topic_label",
    }
    assert {
        "intermediate/int_survey_topic_mentions",
        "intermediate/int_key_driver_fits",
    } <= parents["marts/mart_key_drivers"]
    # The dbt step after text analytics builds them; the one before cannot (no marts yet).
    marts_step = {k.to_user_string() for k in dbt_mart_assets.keys}
    transform_step = {k.to_user_string() for k in dbt_transform_assets.keys}
    assert marts_step >= MODELS
    assert not MODELS & transform_step


def test_mart_key_drivers_has_dbt_and_quality_checks() -> None:
    checks = {
        c.name
        for c in defs.resolve_asset_graph().asset_check_keys
        if c.asset_key.to_user_string() == "marts/mart_key_drivers"
    }
    assert "gx_marts" in checks
    assert any(name.startswith("unique_combination_mart_key_drivers") for name in checks)
    assert any(name.startswith("accepted_values_mart_key_drivers_quadrant") for name in checks)
