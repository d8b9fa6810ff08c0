"""Text analytics in the pipeline (group ``text_analytics``): the warehouse's own sentiment
model (trained from its ratings, promoted only when better), then scoring of new feedback, or
of the days of a partition range (a backfill). A promoted model changes the model version, so
the scoring step that follows rescores every item with it, unrated posts and tickets too."""

from datetime import timedelta

import dagster as dg

from orchestration.metadata import count_rows_if_exists, table_metadata
from orchestration.resources import TextScoringResource, WarehouseResource
from orchestration.retries import retry_step_on_transient_failure
from text_analytics.adapt import REGISTRY, AdaptationReport, adapt, model_in_use
from text_analytics.scoring import (
    SCORES,
    TOPIC_SCORES,
    RescoreWindow,
    score_pending,
)

SCORES_KEY = dg.AssetKey(["text_analytics", "feedback_scores"])
TOPIC_SCORES_KEY = dg.AssetKey(["text_analytics", "feedback_topic_scores"])
SENTIMENT_MODEL_KEY = dg.AssetKey(["text_analytics", "sentiment_model"])
UNIFIED_FEEDBACK_KEY = dg.AssetKey(["intermediate", "int_feedback_unioned"])
TABLES = (SCORES, TOPIC_SCORES)


def feedback_days(start_date: str, timezone: str) -> dg.DailyPartitionsDefinition:
    """Feedback days in the business time zone. A backfill over a range of them rescores that
    period in one run; runs without a partition (schedule, sensor, `voc run`) score whatever
    is pending, whatever its day."""
    return dg.DailyPartitionsDefinition(
        start_date=start_date,
        timezone=timezone,
        end_offset=1,  # today's feedback is a partition too
    )


def rescore_window(context: dg.AssetExecutionContext, timezone: str) -> RescoreWindow | None:
    """The days a partitioned run (or a single-run backfill) rescores; None otherwise."""
    if not context.has_partition_key and not context.has_partition_key_range:
        return None
    window = context.partition_time_window
    last = window.end - timedelta(days=1)
    return RescoreWindow(window.start.date(), last.date(), timezone)


def _adaptation_metadata(report: AdaptationReport) -> dict[str, object]:
    metadata: dict[str, object] = {
        "decision": report.decision,
        "reason": report.reason,
        "model_before": report.current_version,
        "rated_texts": report.rated_rows,
    }
    if report.candidate_version is not None:
        metadata |= {
            "candidate_version": report.candidate_version,
            "heldout_rows": report.heldout_rows,
            "training_rows_by_source": report.training_rows_by_source,
            "base_accuracy": round(report.base_accuracy or 0.0, 4),
            "incumbent_accuracy": round(report.incumbent_accuracy or 0.0, 4),
            "adapted_accuracy": round(report.adapted_accuracy or 0.0, 4),
        }
    return metadata


@dg.asset(
    key=SENTIMENT_MODEL_KEY,
    deps=[UNIFIED_FEEDBACK_KEY],
    group_name="text_analytics",
    kinds={"python", "duckdb"},
    description=(
        "The warehouse's own sentiment model: trained on its rated texts once enough have "
        "arrived, promoted only when it predicts held-back ratings better than the model in "
        "use. One row per attempt in text_analytics.models."
    ),
    metadata={"dagster/table_name": REGISTRY},
)
def sentiment_model(
    context: dg.AssetExecutionContext,
    warehouse: WarehouseResource,
    text_scoring: TextScoringResource,
) -> dg.MaterializeResult:
    """Train and judge a domain-adapted model when there are enough new rated texts."""
    with retry_step_on_transient_failure(context), warehouse.connect() as con:
        report = adapt(con, text_scoring.adaptation_policy())
        in_use = model_in_use(con).version
    context.log.info(f"sentiment model: {report.decision}: {report.reason}")
    return dg.MaterializeResult(metadata={**_adaptation_metadata(report), "model_in_use": in_use})


def build_text_scoring_assets(
    partitions_start_date: str, business_timezone: str
) -> list[dg.AssetsDefinition]:
    """The model step, then the scoring step, daily-partitioned by feedback day from
    ``partitions_start_date``."""

    @dg.multi_asset(
        partitions_def=feedback_days(partitions_start_date, business_timezone),
        backfill_policy=dg.BackfillPolicy.single_run(),
        specs=[
            dg.AssetSpec(
                SCORES_KEY,
                deps=[UNIFIED_FEEDBACK_KEY, SENTIMENT_MODEL_KEY],
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
                deps=[UNIFIED_FEEDBACK_KEY, SENTIMENT_MODEL_KEY],
                group_name="text_analytics",
                kinds={"python", "duckdb"},
                description=(
                    "One row per feedback item and topic it mentions, with that topic's sentiment."
                ),
                metadata={"dagster/table_name": TOPIC_SCORES},
            ),
        ],
    )
    def feedback_text_scores(
        context: dg.AssetExecutionContext,
        warehouse: WarehouseResource,
        text_scoring: TextScoringResource,
    ):
        """Scores only items not yet scored for the model in use (the warehouse's promoted
        model, else the shipped one) and their current text."""
        with retry_step_on_transient_failure(context), warehouse.connect() as con:
            before = {table: count_rows_if_exists(con, *table.split(".")) for table in TABLES}
            window = rescore_window(context, business_timezone)
            if window is not None:
                context.log.info(f"rescoring feedback of {window.first} to {window.last}")
            report = score_pending(
                con,
                model=model_in_use(con),
                rescore=window,
                processes=text_scoring.processes,
                cache_dir=text_scoring.cache_dir,
            )
            tables = {table: table_metadata(con, table, before[table]) for table in TABLES}
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
                **tables[SCORES],
            },
        )
        yield dg.MaterializeResult(
            asset_key=TOPIC_SCORES_KEY,
            metadata={"rows_written": report.topic_rows, **tables[TOPIC_SCORES]},
        )

    return [sentiment_model, feedback_text_scores]
