"""Key-driver regression: how many points of a survey score a negative mention of each topic
costs, every topic held fixed at once.

For one group of survey answers (a window x segment of NPS answers, or of CSAT answers) the
score is regressed by ordinary least squares on an intercept and one 0/1 indicator per topic
(the answer's comment mentions the topic with negative topic sentiment; an answer without a
comment mentions nothing). A topic's coefficient is the difference in mean score between
answers that mention it negatively and those that do not, the other topics' mentions held
fixed. Scores are bounded and their spread differs between groups, so the standard errors are
heteroskedasticity-robust (HC3, MacKinnon and White 1985: the best-behaved of the sandwich
estimators in small samples), and intervals and p-values use Student's t with the residual
degrees of freedom.

Degenerate inputs never raise and never give NaN: a topic too rarely (or too often) mentioned
to estimate is left out of the design matrix, as is one whose indicator the topics already in
it determine (always co-mentioned); a group with too few answers, or whose answers all give
the same score, gets no fit. Each topic's row says which of these happened (``fit_status``);
its estimates are then null.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from insights.misclassification import (
    ADJUSTED,
    NO_LABELS,
    NOT_IN_MODEL,
    TOO_FEW_LABELS,
    AdjustedFit,
    LabelledSample,
    adjusted_key_drivers,
)

#: fit_status of a topic: in the model with its estimates ...
FITTED = "fitted"
#: ... left out: fewer than min_mentions answers mention it negatively, or fewer than
#: min_mentions do not (an indicator that is nearly constant has no estimable effect) ...
TOO_FEW_MENTIONS = "too_few_mentions"
#: ... left out: its indicator is a linear combination of the intercept and the indicators
#: of topics with more mentions (the two topics are always mentioned together) ...
COLLINEAR = "collinear"
#: ... no model for the group: fewer than min_respondents answers, or no residual degree of
#: freedom left ...
TOO_FEW_RESPONDENTS = "too_few_respondents"
#: ... no model for the group: every answer gives the same score.
NO_SCORE_VARIATION = "no_score_variation"

FIT_STATUSES = (FITTED, TOO_FEW_MENTIONS, COLLINEAR, TOO_FEW_RESPONDENTS, NO_SCORE_VARIATION)

#: Columns of one topic's row in the output of ``fit_key_driver_groups`` (after the group's).
ESTIMATE_SCHEMA = pa.schema(
    [
        ("topic", pa.string()),
        ("respondents", pa.int64()),
        ("mentions", pa.int64()),
        ("topics_in_model", pa.int64()),
        ("fit_status", pa.string()),
        ("coefficient", pa.float64()),
        ("ci_low", pa.float64()),
        ("ci_high", pa.float64()),
        ("p_value", pa.float64()),
        ("r_squared", pa.float64()),
        ("labelled_answers", pa.int64()),
        ("adjustment_status", pa.string()),
        ("adjusted_coefficient", pa.float64()),
        ("adjusted_ci_low", pa.float64()),
        ("adjusted_ci_high", pa.float64()),
        ("adjusted_p_value", pa.float64()),
    ]
)


@dataclass(frozen=True)
class TopicEstimate:
    """One topic's result in one group; the numbers are None unless ``status`` is FITTED."""

    topic: str
    mentions: int
    status: str
    coefficient: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    p_value: float | None = None


@dataclass(frozen=True)
class DriverFit:
    """The regression of one group: its answers, R² (None without a fit) and per topic."""

    respondents: int
    r_squared: float | None
    estimates: tuple[TopicEstimate, ...]

    @property
    def topics_in_model(self) -> int:
        return sum(e.status == FITTED for e in self.estimates)


def _finite(value: float) -> float | None:
    """``value`` as a float, or None when it is NaN or infinite (an HC3 variance divides by
    1 - leverage, which is 0 for an answer that alone pins down a coefficient)."""
    value = float(value)
    return value if math.isfinite(value) else None


def select_topics(indicators: pd.DataFrame, min_mentions: int) -> dict[str, str]:
    """Which topics enter the design matrix: ``{topic: FITTED | TOO_FEW_MENTIONS |
    COLLINEAR}`` in the columns' order.

    Topics mentioned by at least ``min_mentions`` answers and not mentioned by at least as
    many are candidates; they enter one by one, the most mentioned first (ties in column
    order), each only if it raises the rank of the matrix built so far (intercept included).
    """
    n = len(indicators)
    mentions = indicators.sum(axis=0)
    status = {topic: TOO_FEW_MENTIONS for topic in indicators.columns}
    candidates = [
        topic
        for topic in indicators.columns
        if mentions[topic] >= min_mentions and n - mentions[topic] >= min_mentions
    ]
    # Stable sort: equal counts keep the columns' order.
    candidates.sort(key=lambda topic: -mentions[topic])
    columns = [np.ones(n)]
    for topic in candidates:
        trial = np.column_stack([*columns, indicators[topic].to_numpy(dtype=float)])
        if np.linalg.matrix_rank(trial) == trial.shape[1]:
            columns.append(trial[:, -1])
            status[topic] = FITTED
        else:
            status[topic] = COLLINEAR
    return status


def fit_key_drivers(
    scores: Sequence[float] | pd.Series,
    indicators: pd.DataFrame,
    *,
    min_mentions: int = 5,
    min_respondents: int = 30,
    confidence: float = 0.95,
) -> DriverFit:
    """OLS of ``scores`` on an intercept and the 0/1 columns of ``indicators`` (one per
    topic, one row per answer, in the same order as ``scores``) with HC3 standard errors.

    ``min_mentions``: the fewest answers that must mention a topic (and not mention it) for
    it to enter the model. ``min_respondents``: the fewest answers for a fit at all.
    ``confidence``: of the intervals (Student's t, residual degrees of freedom).
    """
    import statsmodels.api as sm  # about 1 s to import: only when a fit is asked for

    y = np.asarray(scores, dtype=float)
    x = indicators.astype(float).reset_index(drop=True)
    if len(y) != len(x):
        raise ValueError(f"{len(y)} scores but {len(x)} rows of indicators")
    n = len(y)
    mentions = {topic: int(x[topic].sum()) for topic in x.columns}

    def without_fit(status: str) -> DriverFit:
        return DriverFit(n, None, tuple(TopicEstimate(t, mentions[t], status) for t in x.columns))

    if n < max(min_respondents, 2):
        return without_fit(TOO_FEW_RESPONDENTS)
    if np.ptp(y) == 0:
        return without_fit(NO_SCORE_VARIATION)
    status = select_topics(x, min_mentions)
    included = [t for t in x.columns if status[t] == FITTED]
    if n - (len(included) + 1) < 1:
        return without_fit(TOO_FEW_RESPONDENTS)

    design = np.column_stack([np.ones(n), x[included].to_numpy()])
    with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        result = sm.OLS(y, design).fit(cov_type="HC3", use_t=True)
        intervals = result.conf_int(alpha=1 - confidence)
        p_values = result.pvalues
    estimates = []
    for topic in x.columns:
        if status[topic] != FITTED:
            estimates.append(TopicEstimate(topic, mentions[topic], status[topic]))
            continue
        i = included.index(topic) + 1  # column 0 is the intercept
        estimates.append(
            TopicEstimate(
                topic,
                mentions[topic],
                FITTED,
                coefficient=_finite(result.params[i]),
                ci_low=_finite(intervals[i, 0]),
                ci_high=_finite(intervals[i, 1]),
                p_value=_finite(p_values[i]),
            )
        )
    # R² with an intercept lies in [0, 1] (exactly 0 with the intercept alone); rounding
    # can put it a hair outside.
    r_squared = _finite(result.rsquared) if included else 0.0
    if r_squared is not None:
        r_squared = min(max(r_squared, 0.0), 1.0)
    return DriverFit(n, r_squared, tuple(estimates))


def fit_key_driver_groups(
    frame: pd.DataFrame,
    *,
    by: Sequence[str],
    score: str,
    topics: Sequence[str],
    indicator_prefix: str = "",
    min_mentions: int = 5,
    min_respondents: int = 30,
    confidence: float = 0.95,
    labelled: LabelledSample | None = None,
    has_comment: str | None = None,
    min_labelled: int = 100,
    min_labelled_mentions: int = 10,
) -> pd.DataFrame:
    """``fit_key_drivers`` for each group of ``frame`` by the columns ``by``: one row per
    group x topic with the group's columns, then ``ESTIMATE_SCHEMA``'s columns. A topic's
    indicator is the column ``indicator_prefix + topic``; answers whose score is null are left
    out. Groups in sorted order, topics in the given order.

    With a ``labelled`` sample (and the 0/1 column ``has_comment`` of ``frame``) the
    coefficients of the topics in each group's model are also corrected for detection errors
    (``insights.misclassification``); without one, the adjusted columns are null."""
    columns = [*by, *ESTIMATE_SCHEMA.names]
    indicator_columns = [indicator_prefix + topic for topic in topics]
    extra = [has_comment] if has_comment else []
    answers = frame.loc[frame[score].notna(), [*by, score, *indicator_columns, *extra]]
    rows: list[dict] = []
    for key, group in answers.groupby(list(by), sort=True, dropna=False):
        key = key if isinstance(key, tuple) else (key,)
        indicators = group[indicator_columns].fillna(0)
        indicators.columns = list(topics)
        fit = fit_key_drivers(
            group[score],
            indicators,
            min_mentions=min_mentions,
            min_respondents=min_respondents,
            confidence=confidence,
        )
        included = [e.topic for e in fit.estimates if e.status == FITTED]
        adjusted = None
        if labelled is not None and has_comment is not None and fit.r_squared is not None:
            adjusted = adjusted_key_drivers(
                group[score].to_numpy(dtype=float),
                indicators[included].to_numpy(dtype=float),
                group[has_comment].fillna(0).to_numpy(dtype=float),
                included,
                labelled,
                min_labelled=min_labelled,
                min_labelled_mentions=min_labelled_mentions,
                confidence=confidence,
            )
        for estimate in fit.estimates:
            adjusted_row = _adjusted_columns(estimate, adjusted, labelled)
            rows.append(
                {
                    **dict(zip(by, key, strict=True)),
                    "topic": estimate.topic,
                    "respondents": fit.respondents,
                    "mentions": estimate.mentions,
                    "topics_in_model": fit.topics_in_model,
                    "fit_status": estimate.status,
                    "coefficient": estimate.coefficient,
                    "ci_low": estimate.ci_low,
                    "ci_high": estimate.ci_high,
                    "p_value": estimate.p_value,
                    "r_squared": fit.r_squared,
                    **adjusted_row,
                }
            )
    return pd.DataFrame(rows, columns=columns)


def _adjusted_columns(
    estimate: TopicEstimate, adjusted: AdjustedFit | None, labelled: LabelledSample | None
) -> dict:
    """The adjusted_* columns of one topic's row (all null without a labelled sample)."""
    row = {
        "labelled_answers": len(labelled) if labelled is not None else 0,
        "adjustment_status": None,
        "adjusted_coefficient": None,
        "adjusted_ci_low": None,
        "adjusted_ci_high": None,
        "adjusted_p_value": None,
    }
    if labelled is None:
        row["adjustment_status"] = NO_LABELS
    elif estimate.status != FITTED:
        row["adjustment_status"] = NOT_IN_MODEL
    elif adjusted is not None:
        row["adjustment_status"] = adjusted.status
        if adjusted.status == ADJUSTED and estimate.topic not in adjusted.coefficients:
            row["adjustment_status"] = TOO_FEW_LABELS
        elif adjusted.status == ADJUSTED:
            coefficient, low, high, p_value = adjusted.coefficients[estimate.topic]
            row.update(
                adjusted_coefficient=coefficient,
                adjusted_ci_low=low,
                adjusted_ci_high=high,
                adjusted_p_value=p_value,
            )
    else:
        row["adjustment_status"] = NOT_IN_MODEL
    return row


def fits_as_arrow(fits: pd.DataFrame, group_schema: pa.Schema) -> pa.Table:
    """The output of ``fit_key_driver_groups`` as an Arrow table with explicit types (the
    group's columns from ``group_schema``), so that an empty or all-null column is still
    typed; missing numbers are nulls, never NaN."""
    schema = pa.schema([*group_schema, *ESTIMATE_SCHEMA])
    return pa.Table.from_pandas(
        fits[schema.names].astype(object).where(fits[schema.names].notna(), None),
        schema=schema,
        preserve_index=False,
    )
