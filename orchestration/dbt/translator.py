"""How dbt nodes become Dagster assets: key ``<layer>/<name>``, group = layer.

The layer of a model is its folder under ``models/`` (``staging``, ``intermediate``,
``marts``); every seed is in layer ``seeds``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtProject


def model_layer(resource_props: Mapping[str, Any]) -> str:
    """``seeds`` for a seed; for a model the folder under ``models/`` (``staging``,
    ``intermediate`` or ``marts``), ``default`` for one directly in ``models/``."""
    if resource_props.get("resource_type") == "seed":
        return "seeds"
    fqn = resource_props.get("fqn", [])
    return fqn[1] if len(fqn) > 2 else "default"


class VocDbtTranslator(DagsterDbtTranslator):
    """Sources keep dagster-dbt's ``<source>/<table>`` key, which is the raw asset's key
    (``raw/survey``), so each raw asset is upstream of its staging model."""

    def get_asset_spec(
        self, manifest: Mapping[str, Any], unique_id: str, project: DbtProject | None
    ) -> dg.AssetSpec:
        spec = super().get_asset_spec(manifest, unique_id, project)
        props = self.get_resource_props(manifest, unique_id)
        if props["resource_type"] in ("model", "seed", "snapshot"):
            layer = model_layer(props)
            return spec.replace_attributes(
                key=dg.AssetKey([layer, props["name"]]), group_name=layer
            )
        return spec
