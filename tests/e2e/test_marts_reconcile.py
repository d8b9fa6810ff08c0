"""The marts agree with figures recomputed independently from the landing files.

``independent_metrics`` reads the generated landing folder with pandas (no SQL, no staging),
drops what the ground truth says is not loaded, and applies the definitions of MARTS.md; every
figure a BI tool reads from ``marts`` must equal it. A last group checks that the marts' own
roll-ups add up.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable

import duckdb
import pandas as pd
import pytest

from tests.e2e import independent_metrics as im
from tests.e2e.conftest import PipelineRun

Rows = dict[Hashable, dict[str, object]]

EXPERIENCE_COUNTS = [
    "nps_responses",
    "promoters",
    "passives",
    "detractors",
    "csat_responses",
    "csat_satisfied",
    "ces_responses",
]


@pytest.fixture(scope="module")
def landing(pipeline_run: PipelineRun) -> im.Landing:
    return im.Landing(pipeline_run.landing, pipeline_run.truth)


def query(run: PipelineRun, sql: str) -> list[dict[str, object]]:
    """Rows of ``sql`` as dicts of plain Python values, read-only."""
    with duckdb.connect(str(run.warehouse), read_only=True) as con:
        cursor = con.execute(sql)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def keyed(rows: Iterable[dict[str, object]], key: list[str]) -> Rows:
    out: Rows = {}
    for row in rows:
        k = tuple(row[c] for c in key)
        assert k not in out, f"duplicate row for {k}"
        out[k] = row
    return out


def frame_rows(frame: pd.DataFrame) -> list[dict[str, object]]:
    return frame.to_dict("records")


def number(value: object) -> float:
    """A count or ratio as a float; SQL NULL and pandas NaN both as NaN."""
    return math.nan if value is None else float(value)


def assert_same(mart: Rows, expected: Rows, exact: list[str], approx: list[str]) -> None:
    """Same keys; ``exact`` columns equal, ``approx`` columns equal to float precision."""
    assert sorted(mart) == sorted(expected), "rows differ"
    mismatches = {}
    for column in exact:
        got = {k: mart[k][column] for k in expected}
        want = {k: expected[k][column] for k in expected}
        if {k: number(v) for k, v in got.items()} != {k: number(v) for k, v in want.items()}:
            mismatches[column] = {k: (got[k], want[k]) for k in want if got[k] != want[k]}
    for column in approx:
        got = {k: number(mart[k][column]) for k in expected}
        want = {k: number(expected[k][column]) for k in expected}
        if got != pytest.approx(want, rel=1e-9, abs=1e-9, nan_ok=True):
            mismatches[column] = {
                k: (got[k], want[k])
                for k in want
                if got[k] != pytest.approx(want[k], rel=1e-9, abs=1e-9, nan_ok=True)
            }
    assert not mismatches, f"(mart, independent) per column and row: {mismatches}"


def test_the_independent_reading_keeps_what_staging_keeps(
    pipeline_run: PipelineRun, landing: im.Landing
) -> None:
    """Localises a failure below: same rows in, or the difference is in the marts' logic."""
    for source, (key, _) in im.SOURCES.items():
        staged = query(pipeline_run, f"select {key} as k from staging.stg_{source}")
        assert sorted(r["k"] for r in staged) == sorted(landing.rows(source)._key), source
    horizon = query(pipeline_run, "select as_of_date from intermediate.int_data_horizon")
    assert horizon[0]["as_of_date"] == landing.data_horizon


def test_monthly_experience_over_all_segments(
    pipeline_run: PipelineRun, landing: im.Landing
) -> None:
    mart = keyed(
        query(pipeline_run, "select * from marts.mart_experience_monthly where segment = 'all'"),
        ["month_start"],
    )
    expected = keyed(frame_rows(im.experience_monthly(landing)), ["month_start"])
    assert len(expected) >= 3
    assert_same(
        mart,
        expected,
        exact=[*EXPERIENCE_COUNTS, "low_sample"],
        approx=["nps", "csat_pct", "ces_mean", "nps_ci_low", "nps_ci_high"],
    )


def test_daily_experience_per_touchpoint(pipeline_run: PipelineRun, landing: im.Landing) -> None:
    sums = ", ".join(f"sum({c}) as {c}" for c in EXPERIENCE_COUNTS)
    mart = keyed(
        query(
            pipeline_run,
            f"select day, touchpoint, {sums} from marts.mart_experience_daily group by 1, 2",
        ),
        ["day", "touchpoint"],
    )
    expected = keyed(frame_rows(im.experience_daily(landing)), ["day", "touchpoint"])
    assert len(expected) >= 100
    assert_same(mart, expected, exact=EXPERIENCE_COUNTS, approx=[])


def test_monthly_churn_over_all_segments(pipeline_run: PipelineRun, landing: im.Landing) -> None:
    """Every customer with a paid order counts, whether or not the CRM has a usable row for them."""
    mart = keyed(
        query(pipeline_run, "select * from marts.mart_churn_monthly where segment = 'all'"),
        ["month_start"],
    )
    expected = keyed(frame_rows(im.churn_monthly(landing)), ["month_start"])
    assert sum(r["churned"] for r in expected.values()) > 0
    assert_same(mart, expected, exact=["active_at_start", "churned"], approx=["churn_rate"])


def test_service_sla_per_month_and_channel(pipeline_run: PipelineRun, landing: im.Landing) -> None:
    mart = keyed(
        query(pipeline_run, "select * from marts.mart_service_sla"),
        ["month_start", "contact_channel"],
    )
    expected = keyed(frame_rows(im.service_sla(landing)), ["month_start", "contact_channel"])
    assert_same(
        mart,
        expected,
        exact=["tickets", "ticket_csat_responses"],
        approx=[
            "responded_24h_pct",
            "responded_48h_pct",
            "fcr_pct",
            "aht_seconds_mean",
            "ticket_csat_pct",
        ],
    )


def test_monthly_experience_adds_up(pipeline_run: PipelineRun) -> None:
    rows = query(pipeline_run, "select * from marts.mart_experience_monthly")
    unbalanced = [
        r for r in rows if r["promoters"] + r["passives"] + r["detractors"] != r["nps_responses"]
    ]
    assert not unbalanced
    segments = pd.DataFrame([r for r in rows if r["segment"] != "all"])
    summed = segments.groupby("month_start")[EXPERIENCE_COUNTS].sum()
    totals = keyed([r for r in rows if r["segment"] == "all"], ["month_start"])
    assert sorted(totals) == sorted((m,) for m in summed.index)
    for month, counts in summed.iterrows():
        assert {c: int(counts[c]) for c in EXPERIENCE_COUNTS} == {
            c: totals[(month,)][c] for c in EXPERIENCE_COUNTS
        }, month
