"""The key-driver regression against a hand calculation (numpy least squares and the HC3
sandwich written out), and its degenerate cases: never an exception, never a NaN."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from scipy import stats

from insights.key_drivers import (
    COLLINEAR,
    FITTED,
    NO_SCORE_VARIATION,
    TOO_FEW_MENTIONS,
    TOO_FEW_RESPONDENTS,
    fit_key_driver_groups,
    fit_key_drivers,
    fits_as_arrow,
)

TOPICS = ["logistics", "price", "service_attitude"]
PLANTED = {"logistics": -2.5, "price": -0.3, "service_attitude": -1.0}


def answers(n: int = 400, seed: int = 3) -> tuple[np.ndarray, pd.DataFrame]:
    """Scores: a base of 7 with noise whose spread grows with complaints (heteroskedastic),
    minus each negatively mentioned topic's planted effect, rounded (not clipped to 0..10:
    clipping would shrink the effects the last assertion of the first test looks for)."""
    rng = np.random.default_rng(seed)
    indicators = pd.DataFrame(
        {
            "logistics": rng.random(n) < 0.2,
            "price": rng.random(n) < 0.3,
            "service_attitude": rng.random(n) < 0.15,
        }
    ).astype(int)
    latent = 7.0 + sum(PLANTED[t] * indicators[t] for t in TOPICS)
    noise = rng.normal(0, 1 + indicators.sum(axis=1), n)
    return np.round((latent + noise).to_numpy()), indicators


def hand_fit(y: np.ndarray, x: pd.DataFrame, confidence: float = 0.95) -> dict:
    """OLS by numpy least squares, HC3 covariance (X'X)^-1 X' diag(e_i^2 / (1 - h_i)^2) X
    (X'X)^-1, t intervals with n - k degrees of freedom."""
    design = np.column_stack([np.ones(len(y)), x.to_numpy(dtype=float)])
    beta, *_ = np.linalg.lstsq(design, y, rcond=None)
    residuals = y - design @ beta
    bread = np.linalg.inv(design.T @ design)
    leverage = np.einsum("ij,jk,ik->i", design, bread, design)
    meat = design.T @ (design * (residuals**2 / (1 - leverage) ** 2)[:, None])
    se = np.sqrt(np.diag(bread @ meat @ bread))
    df = len(y) - design.shape[1]
    t = beta / se
    quantile = stats.t.ppf(0.5 + confidence / 2, df)
    return {
        "coefficient": beta[1:],
        "ci_low": beta[1:] - quantile * se[1:],
        "ci_high": beta[1:] + quantile * se[1:],
        "p_value": 2 * stats.t.sf(np.abs(t[1:]), df),
        "r_squared": 1 - (residuals**2).sum() / ((y - y.mean()) ** 2).sum(),
    }


def test_coefficients_intervals_and_p_values_match_a_hand_calculation() -> None:
    y, x = answers(n=2000)
    fit = fit_key_drivers(y, x, min_mentions=5, min_respondents=30)
    expected = hand_fit(y, x)
    assert fit.respondents == len(y)
    assert fit.topics_in_model == 3
    assert fit.r_squared == pytest.approx(expected["r_squared"], rel=1e-9)
    for i, estimate in enumerate(fit.estimates):
        assert estimate.topic == TOPICS[i]
        assert estimate.status == FITTED
        assert estimate.mentions == x[TOPICS[i]].sum()
        for name in ("coefficient", "ci_low", "ci_high", "p_value"):
            assert getattr(estimate, name) == pytest.approx(expected[name][i], rel=1e-7), name
    # And the effects are recovered: the planted values lie in the intervals (over seeds 0-19,
    # 58 of 60 intervals cover them: 95 % intervals), logistics the clearest.
    by_topic = {e.topic: e for e in fit.estimates}
    for topic, effect in PLANTED.items():
        assert by_topic[topic].ci_low <= effect <= by_topic[topic].ci_high, topic
    assert by_topic["logistics"].p_value < 0.001


def test_a_rare_topic_is_left_out_and_the_rest_equal_the_fit_without_it() -> None:
    y, x = answers()
    x["store_environment"] = 0
    x.loc[:2, "store_environment"] = 1  # three mentions: fewer than min_mentions
    fit = fit_key_drivers(y, x, min_mentions=5)
    rare = fit.estimates[-1]
    assert (rare.topic, rare.status, rare.mentions) == ("store_environment", TOO_FEW_MENTIONS, 3)
    assert rare.coefficient is None and rare.p_value is None
    expected = hand_fit(y, x[TOPICS])
    assert [e.coefficient for e in fit.estimates[:3]] == pytest.approx(expected["coefficient"])


def test_a_topic_mentioned_by_almost_everyone_is_left_out() -> None:
    y, x = answers(n=100)
    x["other"] = 1
    x.loc[0, "other"] = 0  # 99 of 100: its effect cannot be told from the intercept
    fit = fit_key_drivers(y, x, min_mentions=5)
    assert fit.estimates[-1].status == TOO_FEW_MENTIONS


def test_an_always_co_mentioned_topic_is_left_out_as_collinear() -> None:
    y, x = answers()
    x["process"] = x["logistics"]  # every logistics complaint is also about the process
    fit = fit_key_drivers(y, x, min_mentions=5)
    statuses = {e.topic: e.status for e in fit.estimates}
    # Equal counts: the earlier column enters, the later one is collinear.
    assert statuses == {
        "logistics": FITTED,
        "price": FITTED,
        "service_attitude": FITTED,
        "process": COLLINEAR,
    }
    expected = hand_fit(y, x[TOPICS])
    assert [e.coefficient for e in fit.estimates[:3]] == pytest.approx(expected["coefficient"])


def test_too_few_respondents_or_one_score_give_no_fit() -> None:
    y, x = answers(n=20)
    small = fit_key_drivers(y, x, min_respondents=30)
    assert small.r_squared is None
    assert {e.status for e in small.estimates} == {TOO_FEW_RESPONDENTS}
    assert all(e.coefficient is None for e in small.estimates)
    flat = fit_key_drivers(np.full(len(y), 9.0), x, min_respondents=10, min_mentions=1)
    assert flat.r_squared is None
    assert {e.status for e in flat.estimates} == {NO_SCORE_VARIATION}
    empty = fit_key_drivers([], x.iloc[:0])
    assert empty.respondents == 0 and empty.r_squared is None


def test_no_topic_in_the_model_still_gives_an_intercept_only_fit() -> None:
    y, x = answers(n=60)
    none = fit_key_drivers(y, x * 0, min_mentions=5)
    assert none.topics_in_model == 0
    assert none.r_squared == 0.0  # not -1e-16: R² of a model with an intercept is in [0, 1]
    assert {e.status for e in none.estimates} == {TOO_FEW_MENTIONS}


def test_a_leverage_one_answer_gives_null_errors_not_nan() -> None:
    # service_attitude differs from logistics in a single answer: that answer alone pins down
    # the difference of their coefficients (leverage 1), where HC3 divides by zero.
    y, x = answers(n=200)
    x["service_attitude"] = x["logistics"]
    first = x.index[x["logistics"] == 0][0]
    x.loc[first, "service_attitude"] = 1
    fit = fit_key_drivers(y, x, min_mentions=5)
    for estimate in fit.estimates:
        for name in ("coefficient", "ci_low", "ci_high", "p_value"):
            value = getattr(estimate, name)
            assert value is None or math.isfinite(value), (estimate, name)
    assert fit.r_squared is not None and math.isfinite(fit.r_squared)


def test_groups_are_fitted_apart_and_typed_without_nan() -> None:
    y1, x1 = answers(n=300, seed=1)
    y2, x2 = answers(n=10, seed=2)  # too small a group
    frame = pd.concat(
        [
            x1.add_prefix("neg_").assign(window_name="rolling_90d", segment="all", score=y1),
            x2.add_prefix("neg_").assign(window_name="2026-Q3", segment="all", score=y2),
        ],
        ignore_index=True,
    )
    frame.loc[0, "score"] = None  # an unanswered score is left out
    fits = fit_key_driver_groups(
        frame, by=["window_name", "segment"], score="score", topics=TOPICS, indicator_prefix="neg_"
    )
    assert len(fits) == 2 * len(TOPICS)
    big = fits[fits.window_name == "rolling_90d"].set_index("topic")
    expected = hand_fit(y1[1:], x1.iloc[1:])
    assert big.loc[TOPICS, "coefficient"].tolist() == pytest.approx(expected["coefficient"])
    assert (big.respondents == 299).all()
    small = fits[fits.window_name == "2026-Q3"]
    assert (small.fit_status == TOO_FEW_RESPONDENTS).all()
    table = fits_as_arrow(fits, pa.schema([("window_name", pa.string()), ("segment", pa.string())]))
    assert table.schema.field("coefficient").type == pa.float64()
    assert table.column("coefficient").null_count == len(TOPICS)
    values = table.column("p_value").to_pylist()
    assert all(v is None or math.isfinite(v) for v in values)
    empty = fits_as_arrow(
        fits.iloc[:0], pa.schema([("window_name", pa.string()), ("segment", pa.string())])
    )
    assert empty.num_rows == 0 and empty.schema.field("r_squared").type == pa.float64()


def test_the_dbt_topics_are_the_contract_topics() -> None:
    """mart_key_drivers has one row per topic of var key_driver_topics: the contract's."""
    import yaml

    from voc_core.contracts import TOPICS
    from voc_core.settings import DBT_PROJECT_DIR

    settings = yaml.safe_load((DBT_PROJECT_DIR / "dbt_project.yml").read_text())["vars"]
    assert tuple(settings["key_driver_topics"]) == TOPICS
