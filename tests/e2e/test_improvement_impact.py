"""mart_improvement_impact judges each action by its own effect on generated data: the planted
effects are found, the ineffective actions are never significant on any metric (one of them
launched the day a market-wide change began), and survey metrics are reported only where the
scope has survey answers of its own."""

from __future__ import annotations

import duckdb
import pandas as pd

from tests.e2e.conftest import PipelineRun

METRICS = {"negative_share", "topic_volume_per_day", "csat_pct", "nps"}


def _impact(pipeline_run: PipelineRun) -> pd.DataFrame:
    with duckdb.connect(str(pipeline_run.warehouse), read_only=True) as con:
        return con.execute("select * from marts.mart_improvement_impact").df()


def test_planted_effects_are_found_and_ineffective_actions_are_not(
    pipeline_run: PipelineRun,
) -> None:
    truth = pd.read_csv(pipeline_run.truth / "actions.csv")
    truth["effective"] = truth.effective.astype(str).str.lower() == "true"
    impact = _impact(pipeline_run)
    assert len(impact) == 4 * len(truth)
    assert set(impact.metric) == METRICS
    merged = impact.merge(truth[["action_id", "effective"]], on="action_id", validate="m:1")
    # No planted-ineffective action is significant, nor called a success or a failure, on
    # any metric.
    ineffective = merged[~merged.effective]
    assert not ineffective.is_significant.any(), ineffective
    assert not ineffective.verdict.isin(["worked", "worse"]).any(), ineffective
    # No effective action's own effect on its primary metric comes out significantly the
    # wrong way (the sign of an unpowered estimate is noise: with a standard error of 0.09
    # an effect of -0.1 reads positive about one time in eight)...
    primary = merged[merged.effective & merged.is_primary]
    tested = primary[primary.verdict != "insufficient_data"]
    assert len(tested) >= 3 and tested.has_control.all(), primary
    assert (tested.did_ci_low < 0).all(), tested
    assert (tested.did_estimate < 0).sum() >= len(tested) - 1, tested
    # ... and is significant wherever the difference in differences has the power to see it:
    # 80 % power (at 5 %, two-sided) against an effect as large as the raw change in scope,
    # i.e. did_se <= |delta| / 2.8. The small e2e sample gives the DiD (four cells of ~100-300
    # mentions) that power only for the largest effects; the demo (20k customers) for all.
    powered = tested[tested.did_se <= tested.delta.abs() / 2.8]
    assert len(powered) >= 1, tested
    assert powered.is_significant.all(), powered
    assert (powered.verdict == "worked").all(), powered
    assert (powered.did_ci_high < 0).all(), powered
    # Rows too small to judge are never significant.
    small = merged[(merged.n_before < 30) | (merged.n_after < 30)]
    assert not small.is_significant.any(), small


def test_on_the_demo_every_effective_action_worked_and_no_other(demo_run: PipelineRun) -> None:
    """At the demo's size (seed 42, 20k customers) every effective action has the power to
    show: each is `worked` on its primary metric with the interval below zero, and no
    planted-ineffective action (A07 launched with the market-wide change) is significant on
    any metric."""
    truth = pd.read_csv(demo_run.truth / "actions.csv")
    truth["effective"] = truth.effective.astype(str).str.lower() == "true"
    merged = _impact(demo_run).merge(
        truth[["action_id", "effective"]], on="action_id", validate="m:1"
    )
    assert not merged[~merged.effective].is_significant.any(), merged[~merged.effective]
    primary = merged[merged.effective & merged.is_primary]
    assert len(primary) == truth.effective.sum()
    assert (primary.verdict == "worked").all(), primary
    assert (primary.did_ci_high < 0).all() and (primary.q_value < 0.05).all(), primary


def test_the_market_wide_change_is_not_the_actions_effect(pipeline_run: PipelineRun) -> None:
    shifts = pd.read_csv(pipeline_run.truth / "market_shifts.csv")
    impact = _impact(pipeline_run)
    for shift in shifts.itertuples():
        row = impact[(impact.action_id == shift.coincides_with) & impact.is_primary].iloc[0]
        assert row.has_control, row
        assert not row.is_significant and row.verdict in ("no_effect", "insufficient_data"), row


def test_survey_metrics_only_where_the_scope_has_answers_of_its_own(
    pipeline_run: PipelineRun,
) -> None:
    truth = pd.read_csv(pipeline_run.truth / "actions.csv").set_index("action_id")
    impact = _impact(pipeline_run)
    survey_rows = impact[impact.metric.isin(["csat_pct", "nps"])]
    own = survey_rows.scope_store_id.notna() | survey_rows.scope_channel.isin(["all", "survey"])
    missing = survey_rows[~own]
    assert (missing.verdict == "not_applicable").all(), missing
    assert missing.before_value.isna().all() and missing.q_value.isna().all()
    assert (missing.n_before == 0).all()
    # A survey-scoped action counts every answered survey: the generator's own tally.
    for row in survey_rows[survey_rows.scope_channel == "survey"].itertuples():
        column = "csat_pct" if row.metric == "csat_pct" else "nps"
        assert abs(row.before_value - truth.loc[row.action_id, f"{column}_before"]) < 0.5, row
        assert abs(row.after_value - truth.loc[row.action_id, f"{column}_after"]) < 0.5, row
        assert not row.has_control and row.did_p_value != row.did_p_value  # NaN: no control
