"""Key-driver regressions (insights.key_drivers): per survey type (NPS 0-10, CSAT 1-5) x
window x segment of int_survey_topic_mentions, OLS of the score on every topic's 0/1
negative-mention indicator with HC3 standard errors; one row per fit x topic. With labelled
comments (int_topic_label_audit) the coefficients are also corrected for topic-detection
errors by regression calibration (insights.misclassification).

A dbt Python model (dbt-duckdb runs it in the dbt process): the statistics live in the
``insights`` package, this file only reads, calls and returns. Thresholds are the dbt vars
key_driver_fit_min_mentions and key_driver_fit_min_respondents, passed as config in
_insights__models.yml (a Python model cannot read vars).
"""

import pyarrow as pa

from insights.key_drivers import fit_key_driver_groups, fits_as_arrow
from insights.misclassification import LabelledSample

GROUP_SCHEMA = pa.schema(
    [
        ("survey_type", pa.string()),
        ("window_name", pa.string()),
        ("segment", pa.string()),
    ]
)
PREFIX = "neg_"
TRUE_PREFIX = "true_neg_"


def model(dbt, session):
    dbt.config(materialized="table")
    mentions = dbt.ref("int_survey_topic_mentions")
    topics = [c[len(PREFIX) :] for c in mentions.columns if c.startswith(PREFIX)]
    audit = dbt.ref("int_topic_label_audit").df()
    labelled = None
    if len(audit):
        labelled = LabelledSample(
            tuple(topics),
            detected=audit[[PREFIX + t for t in topics]].to_numpy(dtype=float),
            true=audit[[TRUE_PREFIX + t for t in topics]].to_numpy(dtype=float),
        )
    fits = fit_key_driver_groups(
        mentions.df(),
        by=GROUP_SCHEMA.names,
        score="score",
        topics=topics,
        indicator_prefix=PREFIX,
        min_mentions=int(dbt.config.get("key_driver_fit_min_mentions")),
        min_respondents=int(dbt.config.get("key_driver_fit_min_respondents")),
        labelled=labelled,
        has_comment="has_comment",
        min_labelled=int(dbt.config.get("key_driver_min_labelled_answers")),
        min_labelled_mentions=int(dbt.config.get("key_driver_min_labelled_mentions")),
    )
    return fits_as_arrow(fits, GROUP_SCHEMA)
