"""Text analytics in the pipeline (group ``text_analytics``): score new feedback only."""

import dagster as dg

from orchestration.resources import WarehouseResource
from orchestration.text_analytics.scoring import SCORES, TOPIC_SCORES, score_pending

SCORES_KEY = dg.AssetKey(["text_analytics", "feedback_scores"])
TOPIC_SCORES_KEY = dg.AssetKey(["text_analytics", "feedback_topic_scores"])
UNIFIED_FEEDBACK_KEY = dg.AssetKey(["intermediate", "int_feedback_unioned"])


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            SCORES_KEY,
            deps=[UNIFIED_FEEDBACK_KEY],
            group_name="text_analytics",
            kinds={"python", "duckdb"},
            description=(
                "One row per feedback item: script, cleaned and masked text, sentiment, "
                "primary topic, keywords and SimHash, for the current model version."
            ),
            metadata={"dagster/table_name": SCORES},
        ),
        dg.AssetSpec(
            TOPIC_SCORES_KEY,
            deps=[UNIFIED_FEEDBACK_KEY],
            group_name="text_analytics",
            kinds={"python", "duckdb"},
            description=(
                "One row per feedback item and topic it mentions, with that topic's sentiment."
            ),
            metadata={"dagster/table_name": TOPIC_SCORES},
        ),
    ],
)
def feedback_text_scores(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    """Scores only items not yet scored for the current model version and text."""
    with warehouse.connect() as con:
        report = score_pending(con)
        scores_rows = con.execute(f"select count(*) from {SCORES}").fetchone()[0]
        topic_rows = con.execute(f"select count(*) from {TOPIC_SCORES}").fetchone()[0]
    context.log.info(
        f"scored {report.scored:,} of {report.pending:,} pending texts "
        f"({report.texts_per_second:,.0f} texts/s), model {report.model_version}"
    )
    yield dg.MaterializeResult(
        asset_key=SCORES_KEY,
        metadata={
            "model_version": report.model_version,
            "rows_scored": report.scored,
            "texts_per_second": round(report.texts_per_second, 1),
            "characters_scored": report.characters,
            "new_rows_by_label": dict(report.labels),
            "dagster/row_count": scores_rows,
        },
    )
    yield dg.MaterializeResult(
        asset_key=TOPIC_SCORES_KEY,
        metadata={"rows_written": report.topic_rows, "dagster/row_count": topic_rows},
    )
