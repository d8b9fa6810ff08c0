"""The follow-up queue's marts agree with the queue recomputed from the landing files.

``independent_followup`` reads the generated landing folder with pandas (no SQL, no staging;
only the text and fake-review models' outputs and churn risk come from the warehouse, see its
docstring) and applies the rules of block "Follow-up queue" of ``dbt_project.yml`` again:
``fct_followup`` must hold the same items with the same priority, owner, deadline and status,
and ``mart_followup_daily`` must equal the daily figures recomputed from them, row for row.
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta, timezone

import pandas as pd
import pytest

from tests.e2e import independent_followup as fu
from tests.e2e import independent_metrics as im
from tests.e2e.conftest import PipelineRun
from tests.e2e.test_marts_reconcile import Rows, keyed, query

#: Mismatches shown in a failure message.
SHOWN = 5
#: Hours to response: the mart counts whole seconds (date_diff), the reading exact time.
HOURS_TOLERANCE = 1 / 3600
#: The mart rounds its percentages to 2 decimals; the reading does not.
PCT_TOLERANCE = 0.005 + 1e-9

#: Per-item columns of fct_followup held against the reading; the first four are the issue's.
ITEM_COLUMNS = [
    "priority",
    "owner_team",
    "due_at",
    "status",
    "topic",
    "priority_points",
    "priority_reasons",
    "first_response_at",
    "response_channel",
    "followup_ticket_id",
    "resolved_at",
    "responded_within_sla",
    "recovered",
    "next_survey_at",
    "created_at",
    "day",
]
DAILY_KEY = ["day", "owner_team", "priority"]
DAILY_APPROX = {
    "median_hours_to_response": HOURS_TOLERANCE,
    "responded_in_sla_pct": PCT_TOLERANCE,
    "closed_loop_pct": PCT_TOLERANCE,
    "recovery_pct": PCT_TOLERANCE,
}


@pytest.fixture(scope="module")
def landing(pipeline_run: PipelineRun) -> im.Landing:
    return im.Landing(pipeline_run.landing, pipeline_run.truth)


@pytest.fixture(scope="module")
def expected(pipeline_run: PipelineRun, landing: im.Landing) -> pd.DataFrame:
    """The queue recomputed independently, one row per item needing a follow-up."""
    return fu.followups(landing, fu.ModelOutputs.read(pipeline_run.warehouse))


@pytest.fixture(scope="module")
def expected_items(expected: pd.DataFrame) -> Rows:
    return keyed(expected.to_dict("records"), ["source", "source_record_id"])


@pytest.fixture(scope="module")
def mart_items(pipeline_run: PipelineRun) -> Rows:
    return keyed(
        query(pipeline_run, "select * from marts.fct_followup"), ["source", "source_record_id"]
    )


def plain(value: object) -> object:
    """A value comparable across DuckDB and pandas: NULL/NaN/NaT as None, plain types."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, datetime | date | str | bool | list):
        return value
    if hasattr(value, "tolist"):  # numpy scalars and arrays
        return plain(value.tolist())
    return value


def same(got: object, want: object, tolerance: float = 0.0) -> bool:
    got, want = plain(got), plain(want)
    if got is None or want is None:
        return got is None and want is None
    if tolerance and isinstance(got, int | float) and isinstance(want, int | float):
        return abs(float(got) - float(want)) <= tolerance
    return got == want


def mismatches(mart: Rows, want: Rows, column: str, tolerance: float = 0.0) -> list[tuple]:
    """(key, mart value, independent value) where ``column`` differs, in key order."""
    return [
        (k, plain(mart[k][column]), plain(want[k][column]))
        for k in sorted(want, key=str)
        if k in mart and not same(mart[k][column], want[k][column], tolerance)
    ]


def report(found: list[tuple], what: str) -> str:
    shown = "\n".join(f"  {k}: mart {m!r}, independent {w!r}" for k, m, w in found[:SHOWN])
    return f"{len(found)} {what} differ (first {min(len(found), SHOWN)}):\n{shown}"


def test_the_queue_is_worth_checking(expected: pd.DataFrame) -> None:
    """The reading finds enough of every kind for the comparisons below to be able to fail."""
    assert len(expected) >= 100
    assert set(expected.priority) == set(fu.PRIORITIES)
    teams = set(expected.owner_team)
    assert len(teams) >= 5, teams
    rules = fu.Rules.load()
    assert any(t.startswith(rules.store_team_prefix) for t in teams), teams
    assert {"overdue", "responded", "resolved"} <= set(expected.status)
    assert {"review_reply", "support_ticket"} <= set(expected.response_channel.dropna())
    assert {True, False} <= set(expected.recovered.dropna())
    # Both clocks are used, on items of weekdays and of weekends.
    clocks = {rules.sla_clock[p] for p in expected.priority}
    assert clocks == {"calendar", "working"}, clocks
    working = expected[expected.priority.map(rules.sla_clock) == "working"]
    weekend = working[working.day.map(date.weekday) >= 5]
    assert len(weekend) >= 10
    # A working deadline ends in working time (up to Saturday 00:00 at the latest).
    last_second = [d.replace(tzinfo=timezone.utc) - timedelta(seconds=1) for d in working.due_at]
    assert all(im.business_day(d).weekday() < 5 for d in last_second)
    # Every trigger and every priority rule fires somewhere, critical words included.
    reasons = {r for rs in expected.priority_reasons for r in rs}
    assert {*fu.SURVEY_TRIGGER.values(), "low_rating", "negative_text"} <= reasons, reasons
    assert set(fu.RULE_POINTS) <= reasons, reasons
    assert any(r.startswith("critical_word:") for r in reasons), reasons


def test_the_same_items_need_followup(mart_items: Rows, expected_items: Rows) -> None:
    only_mart = sorted(set(mart_items) - set(expected_items), key=str)
    only_expected = sorted(set(expected_items) - set(mart_items), key=str)
    assert not only_mart and not only_expected, (
        f"{len(only_mart)} only in fct_followup (first {only_mart[:SHOWN]}), "
        f"{len(only_expected)} only in the independent reading (first {only_expected[:SHOWN]})"
    )


@pytest.mark.parametrize("column", ITEM_COLUMNS)
def test_items_match(mart_items: Rows, expected_items: Rows, column: str) -> None:
    """Per item (source + source_record_id), ``column`` of fct_followup equals the reading."""
    found = mismatches(mart_items, expected_items, column)
    assert not found, report(found, f"values of {column}")


def test_hours_to_response(mart_items: Rows, expected_items: Rows) -> None:
    found = mismatches(mart_items, expected_items, "hours_to_response", HOURS_TOLERANCE)
    assert not found, report(found, "hours to response")


def test_daily_mart_row_for_row(
    pipeline_run: PipelineRun, landing: im.Landing, expected: pd.DataFrame
) -> None:
    """mart_followup_daily equals the daily figures of the recomputed queue: same rows, counts
    exact, median hours and percentages to their precision."""
    want = keyed(fu.followup_daily(expected, landing.data_horizon).to_dict("records"), DAILY_KEY)
    mart = keyed(query(pipeline_run, "select * from marts.mart_followup_daily"), DAILY_KEY)
    assert len(want) >= 100
    only_mart = sorted(set(mart) - set(want), key=str)
    only_expected = sorted(set(want) - set(mart), key=str)
    assert not only_mart and not only_expected, (
        f"{len(only_mart)} rows only in the mart (first {only_mart[:SHOWN]}), "
        f"{len(only_expected)} only in the independent reading (first {only_expected[:SHOWN]})"
    )
    failures = []
    for column in fu.DAILY_COUNTS:
        found = mismatches(mart, want, column)
        if found:
            failures.append(report(found, f"rows' {column}"))
    for column, tolerance in DAILY_APPROX.items():
        found = mismatches(mart, want, column, tolerance)
        if found:
            failures.append(report(found, f"rows' {column}"))
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize(
    ("local_start", "hours", "local_due"),
    [
        ("2026-07-08 10:00", 120, "2026-07-15 10:00"),  # Wednesday: a calendar week
        ("2026-07-08 00:00", 72, "2026-07-11 00:00"),  # runs out at the end of Friday
        ("2026-07-10 23:30", 1, "2026-07-13 00:30"),  # Friday night into Monday
        ("2026-07-11 12:00", 72, "2026-07-16 00:00"),  # Saturday: starts Monday 00:00
        ("2026-07-12 23:59", 120, "2026-07-18 00:00"),  # Sunday: Monday to Friday
        ("2026-07-06 00:00", 240, "2026-07-18 00:00"),  # two whole working weeks
    ],
)
def test_the_readings_working_clock(local_start: str, hours: float, local_due: str) -> None:
    """The reading's own working clock on hand-checked cases (Asia/Shanghai local times)."""
    start = datetime.fromisoformat(local_start).replace(tzinfo=im.BUSINESS_TZ)
    due = datetime.fromisoformat(local_due).replace(tzinfo=im.BUSINESS_TZ)
    assert fu.working_hours_after(start, hours) == due
