"""Text analytics in the pipeline (group ``text_analytics``): score new feedback only, or
rescore the days of a partition range (a backfill)."""

from datetime import timedelta

import dagster as dg

from orchestration.metadata import count_rows_if_exists, table_metadata
from orchestration.resources import TextScoringResource, WarehouseResource
from orchestration.retries import retry_step_on_transient_failure
from text_analytics.scoring import (
    SCORES,
    TOPIC_SCORES,
    RescoreWindow,
    score_pending,
)

SCORES_KEY = dg.AssetKey(["text_analytics", "feedback_scores"])
TOPIC_SCORES_KEY = dg.AssetKey(["text_analytics", "feedback_topic_scores"])
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


def build_text_scoring_assets(
    partitions_start_date: str, business_timezone: str
) -> dg.AssetsDefinition:
    """The scoring step, daily-partitioned by feedback day from ``partitions_start_date``."""

    @dg.multi_asset(
        partitions_def=feedback_days(partitions_start_date, business_timezone),
        backfill_policy=dg.BackfillPolicy.single_run(),
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
    def feedback_text_scores(
        context: dg.AssetExecutionContext,
        warehouse: WarehouseResource,
        text_scoring: TextScoringResource,
    ):
        """Scores only items not yet scored for the current model version and text."""
        with retry_step_on_transient_failure(context), warehouse.connect() as con:
            before = {table: count_rows_if_exists(con, *table.split(".")) for table in TABLES}
            window = rescore_window(context, business_timezone)
            if window is not None:
                context.log.info(f"rescoring feedback of {window.first} to {window.last}")
            report = score_pending(
                con,
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

    return feedback_text_scores
