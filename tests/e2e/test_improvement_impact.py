"""mart_improvement_impact finds the effects the generator planted, and only those."""

from __future__ import annotations

import duckdb
import pandas as pd

from tests.e2e.conftest import PipelineRun


def test_planted_effects_are_found_and_ineffective_actions_are_not(
    pipeline_run: PipelineRun,
) -> None:
    truth = pd.read_csv(pipeline_run.truth / "actions.csv")
    with duckdb.connect(str(pipeline_run.warehouse), read_only=True) as con:
        impact = con.execute(
            "select action_id, delta, p_value, is_significant, n_before, n_after "
            "from marts.mart_improvement_impact where metric = 'negative_share'"
        ).df()
    merged = truth.merge(impact, on="action_id", how="left", validate="one_to_one")
    assert merged.n_before.notna().all(), merged  # every action has its row
    # Actions too small to judge (fewer than 30 mentions a window) are never significant.
    judged = merged[(merged.n_before >= 30) & (merged.n_after >= 30)]
    effective = judged[judged.effective.astype(str).str.lower() == "true"]
    ineffective = judged[judged.effective.astype(str).str.lower() == "false"]
    assert len(effective) >= 3 and len(ineffective) >= 1, merged
    assert effective.is_significant.all(), effective
    assert (effective.delta < 0).all(), effective
    assert not ineffective.is_significant.any(), ineffective
    small = merged[(merged.n_before < 30) | (merged.n_after < 30)]
    assert not small.is_significant.any()
