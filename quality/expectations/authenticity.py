"""The fake-review rules, reported through GX: one warning per rule on the rule hits.

The rules themselves are dbt models (``dbt_project/models/marts/authenticity``); this suite
validates their output table ``marts.fake_review_rule_hits`` so that one validation lists
every rule with how many reviews it flagged (``unexpected_count``) and Data Docs show them
next to the other suites. A rule that flags reviews "fails" as a warning: flagged reviews are
expected in any marketplace and never block the pipeline (the marts exclude them instead).

Rule codes come from the dbt var ``fake_rule_weights`` and descriptions from the rules'
YAML, so the codes and their explanations live in one place.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from quality.spec import Check, SuiteSpec
from voc_core.settings import DBT_PROJECT_DIR

AUTHENTICITY_DIR = DBT_PROJECT_DIR / "models" / "marts" / "authenticity"


@lru_cache(maxsize=1)
def rule_codes() -> tuple[str, ...]:
    """The rule codes, in the order of the dbt var ``fake_rule_weights``."""
    import yaml

    project = yaml.safe_load((DBT_PROJECT_DIR / "dbt_project.yml").read_text(encoding="utf-8"))
    return tuple(project["vars"]["fake_rule_weights"])


@lru_cache(maxsize=1)
def rule_descriptions(yml: Path = AUTHENTICITY_DIR / "_authenticity.yml") -> dict[str, str]:
    """Each rule's description from its model ``fake_rule_<code>`` in ``_authenticity.yml``."""
    import yaml

    try:
        models = yaml.safe_load(yml.read_text(encoding="utf-8")).get("models", [])
    except FileNotFoundError:
        return {}
    by_name = {m["name"]: " ".join(str(m.get("description", "")).split()) for m in models}
    return {code: by_name.get(f"fake_rule_{code.lower()}", "") for code in rule_codes()}


def authenticity_suites() -> list[SuiteSpec]:
    codes = rule_codes()
    descriptions = rule_descriptions()
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
                "from marts.fake_review_rule_hits"
            ),
            checks=checks,
            requires=("marts.fake_review_rule_hits",),
            description="Reviews flagged by each fake-review rule (warnings: counts, not "
            "blockers).",
        )
    ]
