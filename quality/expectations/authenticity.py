"""The fake-review rules, reported through GX: one warning per rule on the rule hits.

The rules themselves are dbt models (``dbt_project/models/intermediate/authenticity``); this
suite validates their output table ``intermediate.int_fake_review_rule_hits`` so that one
validation lists every rule with how many reviews it flagged (``unexpected_count``) and Data
Docs show them next to the other suites. A rule that flags reviews "fails" as a warning:
flagged reviews are expected in any marketplace and never block the pipeline (the marts
exclude them instead).

Everything about the rules comes from the parsed dbt manifest (``target/manifest.json``), so
the codes and their explanations live in the dbt project only: the codes from the meta
``rule_weights`` of the model that unions the hits (the dbt var ``fake_rule_weights``), each
description from the rule's model ``int_fake_rule_<code>``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from quality.spec import Check, SuiteSpec
from voc_core.settings import DBT_PROJECT_DIR

#: Where ``dbt parse`` writes the manifest of the project.
DEFAULT_MANIFEST_PATH = DBT_PROJECT_DIR / "target" / "manifest.json"
#: The model holding every rule hit, the table the suite validates.
RULE_HITS_MODEL = "int_fake_review_rule_hits"
RULE_HITS_TABLE = f"intermediate.{RULE_HITS_MODEL}"
#: The model of the rule with code ``CODE`` is ``int_fake_rule_code``.
RULE_MODEL_PREFIX = "int_fake_rule_"


def load_manifest(path: Path = DEFAULT_MANIFEST_PATH) -> dict[str, Any]:
    """The dbt manifest at ``path`` (``dbt parse`` writes it; ``voc run`` and the tests parse
    before anything reads it)."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FileNotFoundError(
            f"no dbt manifest at {path}: parse the dbt project first "
            "(orchestration.dbt.project.prepare_manifest, or `dbt parse`)"
        ) from None


def _models(manifest: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """The model nodes of the manifest, by model name."""
    return {
        node["name"]: node
        for node in manifest.get("nodes", {}).values()
        if node.get("resource_type") == "model"
    }


def rule_codes(manifest: Mapping[str, Any]) -> tuple[str, ...]:
    """The rule codes, in the order of the dbt var ``fake_rule_weights`` (the meta
    ``rule_weights`` of ``int_fake_review_rule_hits``)."""
    node = _models(manifest).get(RULE_HITS_MODEL)
    if node is None:
        raise KeyError(f"the dbt manifest has no model {RULE_HITS_MODEL}")
    meta = node.get("config", {}).get("meta") or node.get("meta") or {}
    return tuple(meta["rule_weights"])


def rule_descriptions(manifest: Mapping[str, Any]) -> dict[str, str]:
    """Each rule's description, from its model ``int_fake_rule_<code>`` ("" when it has
    none), whitespace collapsed."""
    models = _models(manifest)
    descriptions = {}
    for code in rule_codes(manifest):
        node = models.get(f"{RULE_MODEL_PREFIX}{code.lower()}", {})
        descriptions[code] = " ".join(str(node.get("description") or "").split())
    return descriptions


def authenticity_suites(manifest: Mapping[str, Any]) -> list[SuiteSpec]:
    """The suite of the rule hits, its rules described by the parsed dbt ``manifest``."""
    codes = rule_codes(manifest)
    descriptions = rule_descriptions(manifest)
    checks = [
        Check(
            "ExpectColumnValuesToNotBeInSet",
            {"column": "rule", "value_set": [code]},
            "warning",
            f"{code}: {descriptions.get(code) or 'fake-review rule'} Unexpected count = "
            "reviews this rule flags.",
            name=f"rule_hits({code})",
        )
        for code in codes
    ]
    checks += [
        Check(
            "ExpectColumnValuesToBeInSet",
            {"column": "rule", "value_set": list(codes)},
            "error",
            "Every hit carries a known rule code (dbt var fake_rule_weights).",
        ),
        Check(
            "ExpectCompoundColumnsToBeUnique",
            {"column_list": ["feedback_id", "rule"]},
            "error",
            "A rule flags a review once.",
        ),
        Check(
            "ExpectColumnValuesToNotBeNull",
            {"column": "evidence"},
            "error",
            "Every hit carries its evidence.",
        ),
    ]
    return [
        SuiteSpec(
            name="authenticity.rule_hits",
            layer="authenticity",
            query=(
                "select feedback_id, rule, source, cast(evidence as varchar) as evidence "
                f"from {RULE_HITS_TABLE}"
            ),
            checks=checks,
            requires=(RULE_HITS_TABLE,),
            description="Reviews flagged by each fake-review rule (warnings: counts, not "
            "blockers).",
            table=RULE_HITS_TABLE,
        )
    ]
