"""The end-to-end benchmark's stages: their order, their labels, and which Dagster step is which.

Shared by ``bench.e2e_bench`` (which measures them) and ``bench.report`` (which prints them);
it imports neither.
"""

from __future__ import annotations

#: Stages of a pipeline run, in pipeline order.
STAGES = ("ingest", "dbt_staging_intermediate", "text_scoring", "marts", "quality", "publish")

#: Rows of the end-to-end table: the sample's generation, then a run from start to end.
ROW_ORDER = ("generate", "startup", *STAGES, "orchestration", "teardown")

STAGE_LABELS = {
    "generate": "generate",
    "startup": "startup (imports, dbt parse)",
    "ingest": "ingest (raw__*)",
    "dbt_staging_intermediate": "dbt staging + intermediate",
    "text_scoring": "text scoring",
    "marts": "dbt marts",
    "quality": "quality checks (GX, freshness)",
    "publish": "publish (serving copy, Parquet)",
    "orchestration": "orchestration (between steps)",
    "teardown": "teardown",
}


def stage_of(step_key: str) -> str:
    """The stage a Dagster step key belongs to (``"other"`` for none)."""
    if step_key.startswith("raw__"):
        return "quality" if step_key.endswith("_freshness") else "ingest"
    if step_key.startswith("quality_"):
        return "quality"
    return {
        "dbt_staging_and_intermediate": "dbt_staging_intermediate",
        "feedback_text_scores": "text_scoring",
        "dbt_marts": "marts",
        "serving__marts": "publish",
    }.get(step_key, "other")
