"""Regression calibration of the key-driver coefficients (insights.misclassification) on
simulated answers whose true mentions, detection errors and effects are known."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from insights.key_drivers import fit_key_driver_groups, fit_key_drivers
from insights.misclassification import (
    ADJUSTED,
    NO_LABELS,
    TOO_FEW_LABELS,
    LabelledSample,
    adjusted_key_drivers,
)

TOPICS = ["logistics", "quality", "price"]
EFFECTS = np.array([-2.5, -1.5, 0.0])


def simulate(n: int, labelled: int, seed: int, *, recall: float = 0.85, false_rate: float = 0.03):
    """Answers with a comment in 70 %; true negative mentions per topic; a detector that
    finds a true mention with ``recall`` and invents one with ``false_rate``; the score is
    8 plus the effects of the true mentions plus noise (no clipping: the model holds)."""
    rng = np.random.default_rng(seed)
    has_comment = rng.random(n) < 0.7
    rates = np.array([0.15, 0.10, 0.12])
    true = (rng.random((n, 3)) < rates) & has_comment[:, None]
    # A quality complaint often comes with a logistics one (correlated topics).
    true[:, 1] |= true[:, 0] & (rng.random(n) < 0.2)
    found = true & (rng.random((n, 3)) < recall)
    invented = ~true & (rng.random((n, 3)) < false_rate) & has_comment[:, None]
    detected = (found | invented).astype(float)
    scores = 8 + true.astype(float) @ EFFECTS + rng.normal(0, 1.5, n)
    commented = np.flatnonzero(has_comment)
    audit = rng.choice(commented, size=labelled, replace=False)
    sample = LabelledSample(tuple(TOPICS), detected[audit], true[audit].astype(float))
    return scores, detected, has_comment.astype(float), sample


def test_detection_errors_attenuate_and_the_correction_recovers_the_effects() -> None:
    scores, detected, has_comment, sample = simulate(40_000, 3_000, seed=1)
    naive = fit_key_drivers(scores, pd.DataFrame(detected, columns=TOPICS))
    naive_logistics = next(e for e in naive.estimates if e.topic == "logistics")
    # The uncorrected interval misses the true -2.5: the bias the correction is for.
    assert naive_logistics.ci_high < EFFECTS[0] or naive_logistics.ci_low > EFFECTS[0]
    assert naive_logistics.coefficient > -2.3

    fit = adjusted_key_drivers(
        scores,
        detected,
        has_comment,
        TOPICS,
        sample,
        min_labelled=100,
        min_labelled_mentions=10,
    )
    assert fit.status == ADJUSTED
    for topic, effect in zip(TOPICS, EFFECTS, strict=True):
        coefficient, low, high, p_value = fit.coefficients[topic]
        assert low <= effect <= high, (topic, fit.coefficients[topic])
        assert abs(coefficient - effect) < 0.15, (topic, coefficient)
        if effect == 0:
            assert p_value > 0.05
        else:
            assert p_value < 1e-6


def test_intervals_cover_the_true_effects_at_about_their_level() -> None:
    """Over 40 independent smaller samples the 95 % intervals of the two real effects cover
    the truth in at least 85 % of cases (a correction that ignored the calibration's own
    uncertainty, or a biased one, falls well below)."""
    covered = []
    for seed in range(40):
        scores, detected, has_comment, sample = simulate(6_000, 400, seed=100 + seed)
        fit = adjusted_key_drivers(
            scores,
            detected,
            has_comment,
            TOPICS,
            sample,
            min_labelled=100,
            min_labelled_mentions=10,
        )
        assert fit.status == ADJUSTED
        for topic, effect in zip(TOPICS[:2], EFFECTS[:2], strict=True):
            _, low, high, _ = fit.coefficients[topic]
            covered.append(low <= effect <= high)
    assert np.mean(covered) >= 0.85, np.mean(covered)


def test_perfect_detection_leaves_the_coefficients_unchanged() -> None:
    scores, detected, has_comment, _ = simulate(5_000, 500, seed=7, recall=1.0, false_rate=0.0)
    audit = np.flatnonzero(has_comment)[:500]
    sample = LabelledSample(tuple(TOPICS), detected[audit], detected[audit])
    naive = fit_key_drivers(scores, pd.DataFrame(detected, columns=TOPICS))
    fit = adjusted_key_drivers(
        scores, detected, has_comment, TOPICS, sample, min_labelled=100, min_labelled_mentions=10
    )
    for estimate in naive.estimates:
        coefficient, low, high, _ = fit.coefficients[estimate.topic]
        assert coefficient == pytest.approx(estimate.coefficient, abs=1e-9)
        assert low <= estimate.ci_low + 1e-9 and high >= estimate.ci_high - 1e-9


def test_too_few_labels_and_no_labels_say_so_with_null_estimates() -> None:
    scores, detected, has_comment, sample = simulate(5_000, 60, seed=3)
    fit = adjusted_key_drivers(
        scores, detected, has_comment, TOPICS, sample, min_labelled=100, min_labelled_mentions=10
    )
    assert fit.status == TOO_FEW_LABELS and fit.coefficients == {}

    frame = pd.DataFrame(detected, columns=[f"neg_{t}" for t in TOPICS]).assign(
        score=scores, has_comment=has_comment, group="g"
    )
    rows = fit_key_driver_groups(
        frame, by=["group"], score="score", topics=TOPICS, indicator_prefix="neg_"
    )
    assert set(rows.adjustment_status) == {NO_LABELS}
    assert rows.adjusted_coefficient.isna().all() and (rows.labelled_answers == 0).all()

    _, _, _, enough = simulate(5_000, 800, seed=3)
    rows = fit_key_driver_groups(
        frame,
        by=["group"],
        score="score",
        topics=TOPICS,
        indicator_prefix="neg_",
        labelled=enough,
        has_comment="has_comment",
    )
    assert set(rows.adjustment_status) == {ADJUSTED}
    assert (rows.labelled_answers == 800).all()
    assert (rows.adjusted_ci_low <= rows.adjusted_coefficient).all()


def test_a_topic_with_too_few_labelled_mentions_is_left_uncorrected_alone() -> None:
    """Of the labelled answers truly mentioning price only 20 are kept, below the minimum of
    30: price is taken as detected without error and gets no adjusted estimate; the others
    are still corrected."""
    scores, detected, has_comment, sample = simulate(20_000, 1_000, seed=5)
    price = np.flatnonzero(sample.true[:, 2] == 1)
    keep = np.setdiff1d(np.arange(len(sample)), price[20:])
    fewer = LabelledSample(sample.topics, sample.detected[keep], sample.true[keep])
    assert fewer.true[:, 2].sum() == 20 and fewer.true[:, :2].sum(axis=0).min() >= 30
    fit = adjusted_key_drivers(
        scores, detected, has_comment, TOPICS, fewer, min_labelled=100, min_labelled_mentions=30
    )
    assert fit.status == ADJUSTED and set(fit.coefficients) == {"logistics", "quality"}
    _, low, high, _ = fit.coefficients["logistics"]
    assert low <= EFFECTS[0] <= high
