"""marts.mart_improvement_impact on hand-built feedback and survey answers.

Five actions, far apart in time except two that overlap on purpose (day 0 = 2026-01-01):

* M01 (day 40, store cards of store S1, store environment) does nothing, but on its launch
  day every store's satisfied share rises from 0.5 to 0.7: the raw CSAT before/after in S1
  is significant, its own effect (against the other stores) is not;
* E02 (day 110, app reviews, app experience) halves the negative share in app reviews only;
* O03 (day 190, scope all, price) does nothing; O04 (day 192, marketplace reviews, price)
  halves the negative share there: both are flagged as overlapping, and O03's before/after
  (no control) sees O04's effect, so it is a caveat, never a success;
* P05 (day 280, tickets, logistics): tickets drifted away from the other channels for the
  whole month before launch, so the pre-trends check fails and the verdict is a caveat.

The DiD estimates, standard errors and intervals are checked against statsmodels'
``y ~ treated * after`` with HC0 errors on the same rows (OLS for shares and NPS, Poisson
for daily volumes, whose DiD is of log means against the scope's other topics),
the pre-trends slope against a weighted least squares and the q-values against
``multipletests(method='fdr_bh')``.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf
from statsmodels.stats.multitest import multipletests

from tests.conftest import run_dbt

DAY0 = date(2026, 1, 1)
WINDOW = 28  # var impact_window_days
STORES = ("S1", "S2", "S3", "S4", "S5")
# action_id -> (topic, launch day, scope channel, scope store)
ACTIONS = {
    "M01": ("store_environment", 40, "store_card", "S1"),
    "E02": ("app_experience", 110, "app_review", None),
    "O03": ("price", 190, "all", None),
    "O04": ("price", 192, "ecommerce_review", None),
    "P05": ("logistics", 280, "support_ticket", None),
}


def _day(i: int) -> date:
    return DAY0 + timedelta(days=i)


def _mentions(rng: np.random.Generator) -> pd.DataFrame:
    """Topic mentions: (source, store_id, topic, day, negative?) drawn day by day."""
    rows = []

    def draw(topic, source, store, days, per_day, share_of_day):
        for d in days:
            for _ in range(rng.poisson(per_day)):
                negative = rng.random() < share_of_day(d)
                rows.append((source, store, topic, d, negative))

    # M01: store environment on store cards, 30 % negative everywhere, all along.
    for store in STORES:
        draw("store_environment", "store_card", store, range(12, 68), 4, lambda d: 0.3)
    # E02: app experience 0.5 -> 0.25 in app reviews from day 110; social stays at 0.5.
    draw(
        "app_experience", "app_review", None, range(82, 138), 20, lambda d: 0.5 - 0.25 * (d >= 110)
    )
    draw("app_experience", "social", None, range(82, 138), 20, lambda d: 0.5)
    # O03/O04: price at 0.4; marketplace reviews drop to 0.15 from day 192 (O04).
    draw("price", "ecommerce_review", None, range(162, 228), 30, lambda d: 0.4 - 0.25 * (d >= 192))
    draw("price", "social", None, range(162, 228), 20, lambda d: 0.4)
    draw("price", "app_review", None, range(162, 228), 10, lambda d: 0.4)
    # P05: tickets' logistics complaints climb 0.2 -> 0.6 over the month before launch.
    draw(
        "logistics",
        "support_ticket",
        None,
        range(252, 308),
        25,
        lambda d: min(0.6, 0.2 + 0.4 * max(0, d - 252) / 28),
    )
    draw("logistics", "social", None, range(252, 308), 25, lambda d: 0.3)
    # Other topics in the scopes: the control of the daily volumes.
    draw("other", "app_review", None, range(82, 138), 15, lambda d: 0.2)
    draw("logistics", "ecommerce_review", None, range(162, 228), 25, lambda d: 0.3)
    draw("other", "support_ticket", None, range(252, 308), 20, lambda d: 0.3)
    return pd.DataFrame(rows, columns=["source", "store_id", "topic", "day", "negative"])


def _answers(rng: np.random.Generator) -> pd.DataFrame:
    """Store-visit CSAT and NPS answers in every store: satisfied share 0.5, then 0.7 from
    day 40 in every store (the market-wide change)."""
    rows = []
    for store in STORES:
        for d in range(12, 68):
            good = 0.7 if d >= 40 else 0.5
            for _ in range(rng.poisson(5)):
                rows.append((store, "csat", d, 5 if rng.random() < good else 2))
            for _ in range(rng.poisson(5)):
                roll = rng.random()
                score = 10 if roll < good else (7 if roll < good + 0.15 else 3)
                rows.append((store, "nps", d, score))
    return pd.DataFrame(rows, columns=["store_id", "survey_type", "day", "score"])


def _build(path: Path, mentions: pd.DataFrame, answers: pd.DataFrame) -> None:
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts; create schema staging; create schema intermediate")
        con.execute(
            """create table intermediate.int_improvement_actions (action_id varchar,
                title varchar, topic varchar, scope_channel varchar, scope_store_id varchar,
                launched_at timestamp, launch_date date, before_start date, after_end date)"""
        )
        for aid, (topic, launch, channel, store) in ACTIONS.items():
            con.execute(
                "insert into intermediate.int_improvement_actions values "
                "(?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    aid,
                    f"action {aid}",
                    topic,
                    channel,
                    store,
                    datetime.combine(_day(launch), datetime.min.time()),
                    _day(launch),
                    _day(launch - WINDOW),
                    _day(launch + WINDOW),
                ],
            )
        frame = mentions.assign(
            feedback_id=[f"F{i}" for i in range(len(mentions))],
            day=[_day(d) for d in mentions.day],
            topic_sentiment_label=np.where(mentions.negative, "negative", "positive"),
            is_suspected_fake=False,
        )[
            [
                "feedback_id",
                "source",
                "store_id",
                "topic",
                "day",
                "topic_sentiment_label",
                "is_suspected_fake",
            ]
        ]
        con.register("frame", frame)
        con.execute("create table marts.fct_feedback_topic as select * from frame")
        survey = answers.assign(
            response_id=[f"R{i}" for i in range(len(answers))],
            # Noon in Asia/Shanghai, stored as naive UTC like the warehouse.
            created_at=[
                datetime.combine(_day(d), datetime.min.time()) + timedelta(hours=4)
                for d in answers.day
            ],
            touchpoint="store",
            is_answered=True,
        )[
            [
                "response_id",
                "survey_type",
                "score",
                "created_at",
                "touchpoint",
                "store_id",
                "is_answered",
            ]
        ]
        con.register("survey", survey)
        con.execute("create table staging.stg_survey as select * from survey")
        # No item here is a post about competitors only (the mart leaves those out).
        con.execute(
            "create table intermediate.int_feedback_brands "
            "(feedback_id varchar, mentions_only_competitors boolean)"
        )
        # One unanswered question: never counted.
        con.execute(
            "insert into staging.stg_survey values "
            "('R_NA', 'csat', null, timestamp '2026-02-20 04:00', 'store', 'S1', false)"
        )


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("improvement_impact")
    path = root / "warehouse.duckdb"
    rng = np.random.default_rng(20260101)
    mentions, answers = _mentions(rng), _answers(rng)
    _build(path, mentions, answers)
    run_dbt(
        "build",
        "--select",
        "int_improvement_impact_cells mart_improvement_impact",
        target_path=root / "target",
        duckdb_path=path,
    )
    with duckdb.connect(str(path), read_only=True) as con:
        impact = con.execute("select * from marts.mart_improvement_impact").df()
    return impact, mentions, answers


def _row(impact: pd.DataFrame, action_id: str, metric: str) -> dict:
    [row] = impact[(impact.action_id == action_id) & (impact.metric == metric)].to_dict("records")
    return row


def test_a_market_wide_change_with_a_do_nothing_action_is_not_significant(built) -> None:
    impact, _, _ = built
    for metric in ("csat_pct", "nps"):
        row = _row(impact, "M01", metric)
        assert row["has_control"]
        # The raw before/after in S1 sees the market-wide rise...
        assert row["delta"] > 10 and row["p_value"] < 0.05, row
        # ... the other stores rose alike, so the action's own effect is not significant.
        assert row["did_ci_low"] < 0 < row["did_ci_high"], row
        assert row["did_p_value"] > 0.05 and row["q_value"] >= 0.05, row
        assert not row["is_significant"]
        assert row["verdict"] == "no_effect"
        assert row["parallel_trends_ok"]
    assert _row(impact, "M01", "negative_share")["verdict"] in ("no_effect", "insufficient_data")


def test_a_real_effect_in_one_channel_is_significant(built) -> None:
    impact, _, _ = built
    row = _row(impact, "E02", "negative_share")
    assert row["is_primary"] and row["has_control"]
    assert row["did_estimate"] == pytest.approx(-0.25, abs=0.06)
    assert row["did_ci_high"] < 0
    assert row["q_value"] < 0.05 and row["is_significant"]
    assert row["verdict"] == "worked"
    assert list(row["overlapping_actions"]) == []
    assert row["caveat"] is None or pd.isna(row["caveat"])


def test_overlapping_actions_are_flagged_and_carry_a_caveat(built) -> None:
    impact, _, _ = built
    for aid, other in (("O03", "O04"), ("O04", "O03")):
        for row in impact[impact.action_id == aid].to_dict("records"):
            assert list(row["overlapping_actions"]) == [other], row
            assert other in row["caveat"]
    # O04 works: O03 (scope all) moves its treated and control alike, so it is its own effect.
    o04 = _row(impact, "O04", "negative_share")
    assert o04["has_control"] and o04["verdict"] == "worked" and o04["is_significant"]
    # O03 has no control and sees O04's drop: significant raw, yet a caveat, not a success.
    o03 = _row(impact, "O03", "negative_share")
    assert not o03["has_control"] and pd.isna(o03["did_p_value"])
    assert o03["q_value"] < 0.05
    assert not o03["is_significant"] and o03["verdict"] == "caveat"
    assert "No control" in o03["caveat"]
    # Actions apart in time or scope are not flagged.
    for aid in ("M01", "E02", "P05"):
        assert all(len(x) == 0 for x in impact[impact.action_id == aid].overlapping_actions)


def test_failed_pre_trends_turn_the_verdict_into_a_caveat(built) -> None:
    impact, mentions, _ = built
    row = _row(impact, "P05", "negative_share")
    assert row["did_p_value"] < 0.05  # the raw DiD "finds" an effect...
    assert row["pretrend_windows"] == 4
    assert not row["parallel_trends_ok"] and row["parallel_trends_p_value"] < 0.01
    assert not row["is_significant"] and row["verdict"] == "caveat"
    assert "parallel" in row["caveat"]
    # The slope equals weighted least squares of the weekly differences (weights 1/var).
    m = mentions[(mentions.topic == "logistics") & mentions.day.between(252, 279)]
    weeks = []
    for k in range(4):
        week = m[(m.day - 252) // 7 == k]
        t = week[week.source == "support_ticket"].negative.astype(float)
        c = week[week.source != "support_ticket"].negative.astype(float)
        var = t.var(ddof=0) / len(t) + c.var(ddof=0) / len(c)
        weeks.append((k, t.mean() - c.mean(), 1 / var))
    frame = pd.DataFrame(weeks, columns=["k", "d", "w"])
    fit = smf.wls("d ~ k", frame, weights=frame.w).fit(cov_type="fixed scale")
    assert row["parallel_trends_slope"] == pytest.approx(fit.params["k"], rel=1e-9)
    assert row["parallel_trends_p_value"] == pytest.approx(fit.pvalues["k"], abs=1e-6)


def test_scopes_without_survey_answers_of_their_own_are_not_measured(built) -> None:
    impact, _, _ = built
    for aid in ("E02", "O04", "P05"):
        for metric in ("csat_pct", "nps"):
            row = _row(impact, aid, metric)
            assert row["verdict"] == "not_applicable"
            assert pd.isna(row["before_value"]) and pd.isna(row["q_value"])
            assert "no survey answers of its own" in row["caveat"]


def _units(action_id: str, metric: str, mentions: pd.DataFrame, answers: pd.DataFrame):
    """Per-mention, per-answer or per-day rows (y, treated, after) of one action's test."""
    topic, launch, channel, store = ACTIONS[action_id]
    lo, hi = launch - WINDOW, launch + WINDOW
    if metric in ("csat_pct", "nps"):
        kind = {"csat_pct": "csat", "nps": "nps"}[metric]
        a = answers[(answers.survey_type == kind) & answers.day.between(lo, hi - 1)]
        if metric == "csat_pct":
            y = np.where(a.score >= 4, 100.0, 0.0)
        else:
            y = np.select([a.score >= 9, a.score <= 6], [100.0, -100.0], 0.0)
        treated, after = a.store_id == store, a.day >= launch
        return pd.DataFrame({"y": y, "treated": treated.astype(int), "after": after.astype(int)})
    m = mentions[mentions.day.between(lo, hi - 1)]
    if metric == "negative_share":
        m = m[m.topic == topic]
        return pd.DataFrame(
            {
                "y": m.negative.astype(float),
                "treated": (m.source == channel).astype(int),
                "after": (m.day >= launch).astype(int),
            }
        )
    # Daily volumes: the topic in scope (treated) against every other topic in scope.
    m = m[m.source == channel]
    counts = m.assign(treated=(m.topic == topic).astype(int)).groupby(["day", "treated"]).size()
    full = pd.MultiIndex.from_product([range(lo, hi), [0, 1]], names=["day", "treated"])
    counts = counts.reindex(full, fill_value=0).reset_index(name="y")
    return counts.assign(y=counts.y.astype(float), after=(counts.day >= launch).astype(int))


@pytest.mark.parametrize(
    ("action_id", "metric"),
    [
        ("E02", "negative_share"),
        ("M01", "csat_pct"),
        ("M01", "nps"),
        ("O04", "negative_share"),
        ("E02", "topic_volume_per_day"),
        ("O04", "topic_volume_per_day"),
    ],
)
def test_the_did_estimate_and_interval_equal_statsmodels_with_robust_errors(
    built, action_id: str, metric: str
) -> None:
    """OLS y ~ treated * after with HC0 errors (shares, NPS); Poisson for daily volumes
    (the DiD of log means), also HC0."""
    impact, mentions, answers = built
    row = _row(impact, action_id, metric)
    units = _units(action_id, metric, mentions, answers)
    assert row["n_before"] == ((units.treated == 1) & (units.after == 0)).sum()
    assert row["control_n_after"] == ((units.treated == 0) & (units.after == 1)).sum()
    if metric == "topic_volume_per_day":
        model = smf.glm("y ~ treated * after", units, family=sm.families.Poisson())
    else:
        model = smf.ols("y ~ treated * after", units)
    fit = model.fit(cov_type="HC0")
    estimate, se = fit.params["treated:after"], fit.bse["treated:after"]
    assert row["did_estimate"] == pytest.approx(estimate, rel=1e-7, abs=1e-12)
    assert row["did_se"] == pytest.approx(se, rel=1e-7)
    low, high = fit.conf_int().loc["treated:after"]
    assert row["did_ci_low"] == pytest.approx(low, rel=1e-7, abs=1e-9)
    assert row["did_ci_high"] == pytest.approx(high, rel=1e-7, abs=1e-9)
    assert row["did_p_value"] == pytest.approx(fit.pvalues["treated:after"], abs=1e-6)


def test_q_values_equal_benjamini_hochberg_of_statsmodels(built) -> None:
    impact, _, _ = built
    tested = impact[impact.q_value.notna()].copy()
    # Every measured row with enough data is in the family, and only those.
    expected = impact[~impact.verdict.isin(["not_applicable", "insufficient_data"])]
    assert set(zip(tested.action_id, tested.metric, strict=True)) == set(
        zip(expected.action_id, expected.metric, strict=True)
    )
    own_p = tested.did_p_value.where(tested.has_control, tested.p_value)
    _, q, _, _ = multipletests(own_p.to_numpy(), method="fdr_bh")
    assert tested.q_value.to_numpy() == pytest.approx(q, rel=1e-9)
