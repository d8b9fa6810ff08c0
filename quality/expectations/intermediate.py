"""Intermediate layer suites: the unified feedback table and the improvement actions.

``int_feedback_unioned`` is where every channel meets: its ``feedback_id`` must be unique
(every mart joins on it), each text source must actually carry text, and customer ids
should resolve to the CRM. Unresolved ids are expected now and then (a CRM row quarantined
or delivered late; ``dim_customer`` still covers them), so they are counted in a warning
rather than blocking.

The feedback suite validates only items loaded since it last passed (``by_loaded_at``), plus
every other row sharing a ``feedback_id`` with one of them, so uniqueness is still checked
against the whole table. ``voc run --revalidate`` (or ``--full-refresh``)
validates every row again.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd

from quality import thresholds
from quality.spec import Check, SuiteSpec
from quality.validated_files import changed_since_last_pass
from voc_core.contracts import FEEDBACK_SOURCE_NAMES

#: Sources whose rows are pointless without text: a review, post or ticket is its text. A
#: survey comment and a store card's comment are optional, and app stores accept a rating
#: without a review text.
TEXT_REQUIRED_SOURCES: tuple[str, ...] = ("ecommerce_review", "social", "support_ticket")

FEEDBACK_SUITE = "intermediate.int_feedback_unioned"


def _feedback_sql(only_new: bool) -> str:
    """The frame of the feedback suite; with ``only_new``, the items loaded since the suite
    last passed and the rows that share their ``feedback_id``."""
    required = ", ".join(f"'{s}'" for s in TEXT_REQUIRED_SOURCES)
    where = ""
    if only_new:
        changed = changed_since_last_pass(
            FEEDBACK_SUITE, "intermediate.int_feedback_unioned", "feedback_id", "source"
        )
        where = f"where {changed}"
    return f"""
select
    f.feedback_id,
    f.source,
    f.source_record_id,
    f.created_at,
    f.rating_5,
    case when f.source in ({required})
        then coalesce(f.feedback_text, '') end as required_text,
    case when f.customer_id is not null then c.customer_id is not null end as customer_resolves,
    f._loaded_at
from intermediate.int_feedback_unioned as f
left join (select distinct customer_id from staging.stg_crm_customer) as c
    on c.customer_id = f.customer_id
{where}
"""


def _text_empty_after_cleaning(frame: pd.DataFrame) -> pd.DataFrame:
    """``text_empty``: True when a text-required item has no text left after cleaning
    (markup, entities, invisible characters and whitespace removed); null elsewhere."""
    from text_analytics.clean import clean_text

    texts = frame.pop("required_text")
    flags = [clean_text(t) == "" if isinstance(t, str) else None for t in texts]
    frame["text_empty"] = pd.Series(flags, index=frame.index, dtype="object")
    return frame


def feedback_suite(now_utc: datetime, only_new: bool = False) -> SuiteSpec:
    latest = now_utc.replace(tzinfo=None, microsecond=0) + timedelta(
        hours=thresholds.FUTURE_TOLERANCE_HOURS
    )
    checks = [
        Check(
            "ExpectColumnValuesToNotBeNull",
            {"column": "feedback_id"},
            "error",
            "Every item has a feedback_id.",
        ),
        Check(
            "ExpectColumnValuesToBeUnique",
            {"column": "feedback_id"},
            "error",
            "feedback_id is unique: every mart joins on it, a duplicate double-counts.",
        ),
        Check(
            "ExpectColumnValuesToBeInSet",
            {"column": "source", "value_set": list(FEEDBACK_SOURCE_NAMES)},
            "error",
            "source is one of the feedback sources.",
        ),
        Check(
            "ExpectColumnValuesToNotBeNull",
            {"column": "created_at"},
            "error",
            "Every item has a time (UTC): days, weeks and months are built from it.",
        ),
        Check(
            "ExpectColumnValuesToBeBetween",
            {
                "column": "created_at",
                "min_value": datetime(thresholds.EARLIEST_PLAUSIBLE_YEAR, 1, 1),
                "max_value": latest,
            },
            "error",
            f"created_at lies between {thresholds.EARLIEST_PLAUSIBLE_YEAR} and now "
            f"(+{thresholds.FUTURE_TOLERANCE_HOURS} h).",
        ),
        Check(
            "ExpectColumnValuesToBeBetween",
            {"column": "rating_5", "min_value": 1, "max_value": 5},
            "error",
            "rating_5 is on the 1-5 scale wherever present.",
        ),
        Check(
            "ExpectColumnValuesToBeInSet",
            {"column": "text_empty", "value_set": [False]},
            "warning",
            f"Items of {', '.join(TEXT_REQUIRED_SOURCES)} have text left after cleaning. An "
            "empty one carries no feedback; it is kept (its rating still counts) and counted "
            "here. Survey comments, store-card comments and app-review texts are optional.",
            name="text_not_empty_after_cleaning",
        ),
        Check(
            "ExpectColumnValuesToBeInSet",
            {
                "column": "customer_resolves",
                "value_set": [True],
                "mostly": thresholds.CUSTOMER_RESOLUTION_MIN_SHARE,
            },
            "warning",
            "customer_id resolves to a CRM customer (staging.stg_crm_customer); unresolved "
            "ids are counted (unexpected_count). Fails below "
            f"{thresholds.CUSTOMER_RESOLUTION_MIN_SHARE:.0%} resolved.",
            name="customer_reference_resolves",
        ),
    ]
    return SuiteSpec(
        name=FEEDBACK_SUITE,
        layer="intermediate",
        query=_feedback_sql(only_new),
        by_loaded_at="source" if only_new else None,
        checks=checks,
        requires=("intermediate.int_feedback_unioned", "staging.stg_crm_customer"),
        transform=_text_empty_after_cleaning,
        description="Unified feedback: unique ids, plausible times, text where required, "
        "customer references.",
    )


def actions_suite() -> SuiteSpec:
    return SuiteSpec(
        name="intermediate.int_improvement_actions",
        layer="intermediate",
        query="select * from intermediate.int_improvement_actions",
        checks=[
            Check(
                "ExpectColumnValuesToBeUnique",
                {"column": "action_id"},
                "error",
                "One row per improvement action: the impact mart has one row per action and "
                "metric.",
            ),
            Check(
                "ExpectColumnValuesToNotBeNull",
                {"column": "launch_date"},
                "error",
                "Every action has a launch day: its before/after windows start from it.",
            ),
        ],
        requires=("intermediate.int_improvement_actions",),
    )


def intermediate_suites(now_utc: datetime, only_new: bool = True) -> list[SuiteSpec]:
    """The intermediate suites; ``only_new``: rows changed since the last pass only."""
    return [feedback_suite(now_utc, only_new=only_new), actions_suite()]
