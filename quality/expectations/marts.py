"""Mart suites: the figures BI tools show are in range and their counts add up.

Ranges follow MARTS.md (NPS in [-100, 100], percentages in [0, 100], shares, scores and
p-values in their scales); reconciliations check that a figure's parts sum to its whole
(promoters + passives + detractors = nps_responses) and that no subset outgrows its set
(satisfied <= responses), since every ratio is recomputed from these counts in roll-ups.
All are errors: a mart that breaks one would put a wrong number on a dashboard.
"""

from __future__ import annotations

from quality.expectations.authenticity import load_manifest, rule_codes
from quality.spec import Check, SuiteSpec
from quality.validated_files import changed_since_last_pass


def _between(column: str, low: float, high: float, what: str) -> Check:
    return Check(
        "ExpectColumnValuesToBeBetween",
        {"column": column, "min_value": low, "max_value": high},
        "error",
        f"{column} ({what}) lies in [{low:g}, {high:g}].",
    )


def _unique(*columns: str) -> Check:
    if len(columns) == 1:
        return Check(
            "ExpectColumnValuesToBeUnique",
            {"column": columns[0]},
            "error",
            f"One row per {columns[0]}.",
        )
    return Check(
        "ExpectCompoundColumnsToBeUnique",
        {"column_list": list(columns)},
        "error",
        f"One row per {' x '.join(columns)} (the table's grain).",
    )


def _at_least(bigger: str, smaller: str, why: str) -> Check:
    return Check(
        "ExpectColumnPairValuesAToBeGreaterThanB",
        {"column_A": bigger, "column_B": smaller, "or_equal": True},
        "error",
        f"{smaller} <= {bigger}: {why}",
    )


def _equal(a: str, b: str, why: str) -> Check:
    return Check(
        "ExpectColumnPairValuesToBeEqual",
        {"column_A": a, "column_B": b},
        "error",
        f"{a} = {b}: {why}",
    )


def _experience_checks() -> list[Check]:
    return [
        _between("nps", -100, 100, "NPS"),
        _between("csat_pct", 0, 100, "percentage"),
        _between("ces_easy_pct", 0, 100, "percentage"),
        _between("csat_mean", 1, 5, "CSAT scale"),
        _between("ces_mean", 1, 7, "CES scale"),
        _equal(
            "nps_responses",
            "nps_counted",
            "promoters + passives + detractors = nps_responses (every answer in one group).",
        ),
        _at_least("csat_responses", "csat_satisfied", "satisfied answers are answers."),
        _at_least("ces_responses", "ces_easy", "easy answers are answers."),
    ]


_NPS_COUNTED = "promoters + passives + detractors as nps_counted"


FCT_FEEDBACK_SUITE = "marts.fct_feedback"


def _fct_feedback_sql(only_new: bool) -> str:
    """The frame of the fct_feedback suite. With ``only_new``: the items changed (loaded or
    scored; ``_loaded_at`` here is the later of the two) since the suite last passed for
    their source, and every row sharing a feedback_id with one of them, so uniqueness is
    still checked against the whole table."""
    frame = (
        "select feedback_id, sentiment_score, rating_5, sentiment_label, source, "
        "greatest(_loaded_at, coalesce(scored_at, _loaded_at)) as _loaded_at "
        "from marts.fct_feedback"
    )
    if not only_new:
        return frame
    changed = changed_since_last_pass(FCT_FEEDBACK_SUITE, "items", "feedback_id", "source")
    return f"with items as ({frame}) select * from items as f where {changed}"


def mart_suites(only_new: bool = True) -> list[SuiteSpec]:
    """One suite per mart table. The fct_feedback suite (a row per feedback item, the one
    that grows with history) validates only what changed since it last passed, unless
    ``only_new`` is false (every row is validated again)."""
    specs: list[tuple[str, str, list[Check]]] = [
        (
            "fct_feedback",
            _fct_feedback_sql(only_new),
            [
                Check(
                    "ExpectColumnValuesToNotBeNull",
                    {"column": "feedback_id"},
                    "error",
                    "Every item has a feedback_id.",
                ),
                _unique("feedback_id"),
                _between("sentiment_score", -1, 1, "sentiment"),
                _between("rating_5", 1, 5, "rating"),
                Check(
                    "ExpectColumnValuesToBeInSet",
                    {"column": "sentiment_label", "value_set": ["positive", "neutral", "negative"]},
                    "error",
                    "sentiment_label is positive, neutral or negative.",
                ),
            ],
        ),
        (
            "mart_experience_daily",
            f"select *, {_NPS_COUNTED} from marts.mart_experience_daily",
            [_unique("day", "source", "touchpoint", "segment"), *_experience_checks()],
        ),
        (
            "mart_experience_monthly",
            f"select *, {_NPS_COUNTED} from marts.mart_experience_monthly",
            [
                _unique("month_start", "segment"),
                *_experience_checks(),
                _between("nps_ci_low", -100, 100, "NPS interval"),
                _between("nps_ci_high", -100, 100, "NPS interval"),
                _at_least("nps_ci_high", "nps_ci_low", "an interval's ends are in order."),
            ],
        ),
        (
            "mart_service_sla",
            "select * from marts.mart_service_sla",
            [
                _unique("month_start", "contact_channel"),
                _between("responded_24h_pct", 0, 100, "percentage"),
                _between("responded_48h_pct", 0, 100, "percentage"),
                _between("fcr_pct", 0, 100, "percentage"),
                _between("ticket_csat_pct", 0, 100, "percentage"),
                _at_least("responded_48h", "responded_24h", "within 24 h is within 48 h."),
                _at_least("tickets", "responded_48h", "responded tickets are tickets."),
                _at_least("resolved_tickets", "fcr_tickets", "FCR tickets are resolved tickets."),
                _at_least(
                    "ticket_csat_responses", "ticket_csat_satisfied", "satisfied are answers."
                ),
            ],
        ),
        (
            "mart_topic_trend_weekly",
            "select * from marts.mart_topic_trend_weekly",
            [
                _unique("week_start", "topic", "source"),
                _between("negative_share", 0, 1, "share"),
                _between("avg_sentiment", -1, 1, "sentiment"),
                _at_least("mentions", "negative_mentions", "negative mentions are mentions."),
            ],
        ),
        (
            "mart_churn_monthly",
            "select * from marts.mart_churn_monthly",
            [
                _unique("month_start", "segment"),
                _between("churn_rate", 0, 1, "rate"),
                _at_least("active_at_start", "churned", "only active customers can churn."),
            ],
        ),
        (
            "dim_customer",
            "select * from marts.dim_customer",
            [
                _unique("customer_id"),
                _between("churn_risk", 0, 1, "score"),
                Check(
                    "ExpectColumnValuesToBeInSet",
                    {
                        "column": "segment",
                        "value_set": [
                            "digital_native",
                            "quality_seeker",
                            "value_seeker",
                            "mainstream",
                        ],
                    },
                    "error",
                    "Each customer has exactly one known segment.",
                ),
            ],
        ),
        (
            "mart_improvement_impact",
            "select * from marts.mart_improvement_impact",
            [
                _unique("action_id", "metric"),
                _between("p_value", 0, 1, "probability"),
                _between("did_p_value", 0, 1, "probability"),
                _between("q_value", 0, 1, "probability"),
            ],
        ),
        (
            "mart_key_drivers",
            "select * from marts.mart_key_drivers",
            [
                _unique("window_name", "segment", "topic"),
                _between("negative_mention_share", 0, 1, "share"),
                _between("csat_negative_mention_share", 0, 1, "share"),
                _between("nps_mentioning", -100, 100, "NPS"),
                _between("nps_not_mentioning", -100, 100, "NPS"),
                _between("csat_mentioning", 0, 100, "percentage"),
                _between("csat_not_mentioning", 0, 100, "percentage"),
                _between("nps_impact_p_value", 0, 1, "probability"),
                _between("score_coefficient_p_value", 0, 1, "probability"),
                _between("csat_impact_p_value", 0, 1, "probability"),
                _between("csat_score_coefficient_p_value", 0, 1, "probability"),
                _at_least("respondents", "negative_mentions", "mentioning answers are answers."),
                _at_least(
                    "csat_respondents", "csat_negative_mentions", "mentioning answers are answers."
                ),
            ],
        ),
        (
            "mart_journey_monthly",
            "select * from marts.mart_journey_monthly",
            [
                _unique("month_start", "touchpoint", "segment"),
                _between("nps", -100, 100, "NPS"),
                _between("nps_ci_low", -100, 100, "NPS interval"),
                _between("nps_ci_high", -100, 100, "NPS interval"),
                _between("csat_pct", 0, 100, "percentage"),
                _between("ces_mean", 1, 7, "CES scale"),
                _between("negative_share", 0, 1, "share"),
                _at_least("nps_responses", "detractors", "detractors are answers."),
                _at_least("text_items", "negative_text_items", "negative texts are texts."),
            ],
        ),
        (
            "mart_segment_value",
            "select * from marts.mart_segment_value",
            [
                _unique("month_start", "segment"),
                _between("detractor_share", 0, 1, "share"),
                _between("churn_rate", 0, 1, "rate"),
                _between("value_at_risk", 0, 1e12, "money"),
                _at_least("predicted_value_12m", "value_at_risk", "risk is a part of value."),
                _at_least("nps_responses", "detractors", "detractors are answers."),
            ],
        ),
        (
            "mart_brand_weekly",
            "select * from marts.mart_brand_weekly",
            [
                _unique("week_start", "brand", "source", "platform", "topic"),
                _between("share_of_voice", 0, 1, "share"),
                _between("negative_share", 0, 1, "share"),
                _between("avg_sentiment", -1, 1, "sentiment"),
                _at_least("mentions", "negative_mentions", "negative mentions are mentions."),
            ],
        ),
        # Data health (report section 10): counts add up, shares in range.
        (
            "mart_data_health_sources",
            "select * from marts.mart_data_health_sources",
            [
                _unique("source"),
                _between("quarantined_pct", 0, 100, "percentage"),
                _between("days_behind", 0, 100_000, "days"),
                _at_least("files", "files_loaded", "files that brought rows are files."),
                _at_least("rows_read", "rows_quarantined", "quarantined rows were read."),
                _at_least("rows_read", "rows_loaded", "loaded rows were read."),
            ],
        ),
        (
            "mart_data_health_quarantine",
            "select * from marts.mart_data_health_quarantine",
            [
                _unique("source", "reason"),
                _at_least("quarantined_rows", "files", "every file counted gave a row."),
            ],
        ),
        (
            "mart_data_health_checks",
            "select * from marts.mart_data_health_checks",
            [
                _unique("layer", "suite", "expectation"),
                Check(
                    "ExpectColumnValuesToBeInSet",
                    {"column": "severity", "value_set": ["error", "warning"]},
                    "error",
                    "severity is error or warning.",
                ),
            ],
        ),
        (
            "mart_review_authenticity",
            "select feedback_id, suspicion_score, rule_count, behaviour_probability "
            "from marts.mart_review_authenticity",
            [
                _unique("feedback_id"),
                _between("suspicion_score", 0, 1, "score"),
                _between("rule_count", 0, len(rule_codes(load_manifest())), "rules hit"),
                _between("behaviour_probability", 0, 1, "probability"),
            ],
        ),
    ]
    return [
        SuiteSpec(
            name=f"marts.{table}",
            layer="marts",
            query=query,
            checks=checks,
            requires=(f"marts.{table}",),
            description=f"Ranges and reconciliations of marts.{table} (MARTS.md).",
            by_loaded_at="source" if only_new and table == "fct_feedback" else None,
        )
        for table, query, checks in specs
    ]
