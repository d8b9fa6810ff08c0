"""The touchpoint the generator makes worse (delivery: most of its comments are about
logistics, the costliest planted driver) is the one mart_journey_monthly shows worst."""

from __future__ import annotations

import duckdb
import pytest

from tests.e2e.conftest import PipelineRun

WORSE = "delivery"


@pytest.mark.parametrize("sample", ["pipeline_run", "demo_run"])
def test_the_planted_worst_touchpoint_is_worst(sample: str, request: pytest.FixtureRequest) -> None:
    run: PipelineRun = request.getfixturevalue(sample)
    with duckdb.connect(str(run.warehouse), read_only=True) as con:
        rows = con.execute(
            """select touchpoint, sum(nps_responses),
                      100.0 * (sum(promoters) - sum(detractors)) / sum(nps_responses)
               from marts.mart_journey_monthly
               where segment = 'all' and touchpoint != 'unknown'
               group by 1 having sum(nps_responses) >= 100"""
        ).fetchall()
    nps = {touchpoint: value for touchpoint, _, value in rows}
    assert WORSE in nps and len(nps) >= 4, rows
    # Clearly worse: at least 8 NPS points below every other stage with 100+ answers (the
    # standard error of an NPS difference at a few hundred answers each is about 5 points).
    for touchpoint, value in nps.items():
        if touchpoint != WORSE:
            assert nps[WORSE] <= value - 8, (touchpoint, nps)
