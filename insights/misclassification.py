"""Key-driver coefficients corrected for topic-detection errors with a hand-labelled sample.

The regression of ``insights.key_drivers`` uses the *detected* negative mentions D. Detection
misses some mentions and finds some that are not there, and such errors pull every coefficient
towards zero (a topic that costs 2.5 points reads as 2.1 when one detection in ten is wrong).
Regression calibration (Carroll, Ruppert, Stefanski and Crainiceanu, *Measurement Error in
Nonlinear Models*, 2nd ed. 2006, ch. 4) corrects this with a validation sample in which people
labelled the true mentions T:

* If detection errors tell nothing about the score beyond the true mentions (non-differential
  error), E[score | D] = a + E[T | D] b, so regressing the score on E[T | D] estimates b.
* E[T | D] for an answer with a comment is a linear regression of each true indicator on an
  intercept and every detected indicator, fitted on the labelled answers; for an answer
  without a comment it is 0 (nothing written, nothing mentioned; nothing to get wrong).
* The variance adds the calibration's own uncertainty to the regression's: HC3 variance of the
  fit given the calibration, plus the variance of the coefficient over bootstrap resamples of
  the labelled answers (the two-part variance of regression calibration, ch. 4.6 there).

The calibration is fitted once on every labelled answer (detection errors are a property of
the detector and the texts, not of a window or a segment), restricted to the topics the group's
own model includes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

#: adjustment_status of a topic's adjusted estimate: no labelled sample was delivered
#: (landing source topic_label) ...
NO_LABELS = "no_labels"
#: ... computed ...
ADJUSTED = "adjusted"
#: ... none: the topic is not in the group's model (see fit_status) ...
NOT_IN_MODEL = "not_in_model"
#: ... none: fewer labelled answers than the minimum, or too few labelled mentions of the
#: topic (its row of the calibration cannot be estimated well) ...
TOO_FEW_LABELS = "too_few_labels"
#: ... none: the calibrated design is singular (two topics indistinguishable after it).
SINGULAR = "singular"

ADJUSTMENT_STATUSES = (NO_LABELS, ADJUSTED, NOT_IN_MODEL, TOO_FEW_LABELS, SINGULAR)

BOOTSTRAP_RESAMPLES = 200
BOOTSTRAP_SEED = 20_261_206


@dataclass(frozen=True)
class LabelledSample:
    """The labelled answers: ``detected`` and ``true`` are 0/1 matrices (answers x topics)
    with the same column order as ``topics``."""

    topics: tuple[str, ...]
    detected: np.ndarray
    true: np.ndarray

    def __len__(self) -> int:
        return int(self.detected.shape[0])

    def columns(self, included: list[str]) -> tuple[np.ndarray, np.ndarray]:
        index = [self.topics.index(topic) for topic in included]
        return self.detected[:, index].astype(float), self.true[:, index].astype(float)


@dataclass(frozen=True)
class AdjustedFit:
    """Per calibrated topic: coefficient, interval and p-value (a topic in the model with too
    few labelled mentions has none: it was taken as detected without error); ``status`` is
    ADJUSTED, or the reason no topic has an estimate."""

    status: str
    coefficients: dict[str, tuple[float, float, float, float]]


def _calibration(detected: np.ndarray, true: np.ndarray, calibrated: np.ndarray) -> np.ndarray:
    """The (k+1) x k matrix A with E[T | D] = [1, D] @ A, by least squares for the
    ``calibrated`` topics (a boolean mask); any other topic is taken as detected without
    error (its column of A picks its own indicator)."""
    k = detected.shape[1]
    design = np.column_stack([np.ones(len(detected)), detected])
    solution = np.zeros((k + 1, k))
    solution[1:, :] = np.eye(k)
    if calibrated.any():
        fitted, *_ = np.linalg.lstsq(design, true[:, calibrated], rcond=None)
        solution[:, calibrated] = fitted
    return solution


def _coefficients(gram: np.ndarray, moment: np.ndarray, calibration: np.ndarray) -> np.ndarray:
    """OLS of the score on [1, W A] from the sufficient statistics of [1, W] (W = [h, h*D]):
    gram = [1, W]'[1, W], moment = [1, W]'y. Returns [intercept, b...]."""
    k = calibration.shape[1]
    mapping = np.zeros((k + 2, k + 1))
    mapping[0, 0] = 1.0
    mapping[1:, 1:] = calibration
    return np.linalg.solve(mapping.T @ gram @ mapping, mapping.T @ moment)


def adjusted_key_drivers(
    scores: np.ndarray,
    detected: np.ndarray,
    has_comment: np.ndarray,
    included: list[str],
    labelled: LabelledSample,
    *,
    min_labelled: int,
    min_labelled_mentions: int,
    confidence: float = 0.95,
) -> AdjustedFit:
    """Regression-calibrated coefficients of the ``included`` topics for one group.

    ``scores``: the group's answers (n); ``detected``: their 0/1 indicators of the included
    topics (n x k, same order); ``has_comment``: 1 where the answer has a comment.
    ``min_labelled``: the fewest labelled answers for any adjustment; ``min_labelled_mentions``:
    the fewest labelled answers that truly mention a topic negatively for its row of the
    calibration to be fitted (fewer: the topic is taken as detected without error and gets
    no adjusted estimate; the others are still corrected).
    """
    import statsmodels.api as sm  # about 1 s to import: only when a fit is asked for

    if not included:
        return AdjustedFit(NOT_IN_MODEL, {})
    audit_detected, audit_true = labelled.columns(included)
    if len(labelled) < min_labelled:
        return AdjustedFit(TOO_FEW_LABELS, {})
    calibrated = audit_true.sum(axis=0) >= min_labelled_mentions
    y = np.asarray(scores, dtype=float)
    h = np.asarray(has_comment, dtype=float)
    weighted = np.column_stack([h, h[:, None] * np.asarray(detected, dtype=float)])
    full = np.column_stack([np.ones(len(y)), weighted])
    calibration = _calibration(audit_detected, audit_true, calibrated)
    design = np.column_stack([np.ones(len(y)), weighted @ calibration])
    if np.linalg.matrix_rank(design) < design.shape[1]:
        return AdjustedFit(SINGULAR, {})
    with np.errstate(divide="ignore", invalid="ignore"):
        fit = sm.OLS(y, design).fit(cov_type="HC3")
    variance = np.diag(np.asarray(fit.cov_params()))[1:]

    gram, moment = full.T @ full, full.T @ y
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    draws = []
    m = len(labelled)
    for _ in range(BOOTSTRAP_RESAMPLES):
        rows = rng.integers(0, m, size=m)
        try:
            draws.append(
                _coefficients(
                    gram,
                    moment,
                    _calibration(audit_detected[rows], audit_true[rows], calibrated),
                )
            )
        except np.linalg.LinAlgError:
            continue  # a resample that left a topic undetected: no information, skip it
    if len(draws) < BOOTSTRAP_RESAMPLES // 2:
        return AdjustedFit(SINGULAR, {})
    variance = variance + np.var(np.asarray(draws)[:, 1:], axis=0, ddof=1)

    dof = len(y) - design.shape[1]
    quantile = stats.t.ppf(0.5 + confidence / 2, dof)
    result = {}
    for i, topic in enumerate(included):
        if not calibrated[i]:
            continue
        coefficient = float(fit.params[i + 1])
        se = math.sqrt(variance[i]) if variance[i] > 0 else math.nan
        if not math.isfinite(coefficient) or not math.isfinite(se):
            return AdjustedFit(SINGULAR, {})
        p_value = float(2 * stats.t.sf(abs(coefficient) / se, dof))
        margin = quantile * se
        result[topic] = (coefficient, coefficient - margin, coefficient + margin, p_value)
    return AdjustedFit(ADJUSTED, result)
