"""marts.mart_alerts on the generated sample: every planted spike
(ground_truth/alert_spikes.csv) is alerted on its first day, and the flat periods raise at
most one false alarm per topic per quarter."""

from __future__ import annotations

import csv
from collections import Counter
from datetime import date

import duckdb

DAYS_PER_QUARTER = 365.25 / 4


def _spikes(pipeline_run) -> list[dict]:
    with (pipeline_run.truth / "alert_spikes.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        row["first_day"] = date.fromisoformat(row["first_day"])
        row["last_day"] = date.fromisoformat(row["last_day"])
    return rows


def _alerts(pipeline_run) -> tuple[list[dict], int]:
    with duckdb.connect(str(pipeline_run.warehouse), read_only=True) as con:
        alerts = con.execute("select * from marts.mart_alerts order by day").df()
        days = con.execute("select count(distinct day) from marts.fct_feedback").fetchone()[0]
    rows = alerts.to_dict("records")
    for row in rows:
        row["day"] = row["day"].date() if hasattr(row["day"], "date") else row["day"]
    return rows, days


def _covers(alert: dict, spike: dict) -> bool:
    """The alert is about the spike: its scope (the platform or region, or that with the
    spike's topic) and one of the spike's days."""
    scope = spike["scope_type"].split("+")[0]
    return (
        spike["first_day"] <= alert["day"] <= spike["last_day"]
        and alert["scope_value"] == spike["scope_value"]
        and alert["scope_type"] in (spike["scope_type"], scope)
        and alert["topic"] in (spike["topic"], "all")
    )


def _overlaps(alert: dict, spikes: list[dict]) -> bool:
    """On a spike's day, about its topic or about all topics (the spike's items are in the
    source's, platform's and topic's counts too): not a false alarm."""
    return any(
        s["first_day"] <= alert["day"] <= s["last_day"] and alert["topic"] in (s["topic"], "all")
        for s in spikes
    )


def test_the_sample_plants_two_spikes(pipeline_run) -> None:
    spikes = _spikes(pipeline_run)
    assert {(s["scope_type"], s["topic"]) for s in spikes} == {
        ("region+topic", "logistics"),
        ("platform+topic", "app_experience"),
    }


def test_every_planted_spike_is_alerted_on_its_first_day(pipeline_run) -> None:
    alerts, _ = _alerts(pipeline_run)
    for spike in _spikes(pipeline_run):
        first_day = [a for a in alerts if a["day"] == spike["first_day"] and _covers(a, spike)]
        assert first_day, spike
        best = max(first_day, key=lambda a: a["negative_mentions"])
        assert best["negative_mentions"] > best["expected_high"]
        assert best["negative_mentions"] >= 8
        assert len(best["example_texts"]) == min(5, best["negative_mentions"])
        assert len(best["example_feedback_ids"]) == len(best["example_texts"])


def test_flat_periods_raise_at_most_one_false_alarm_per_topic_per_quarter(pipeline_run) -> None:
    alerts, days = _alerts(pipeline_run)
    spikes = _spikes(pipeline_run)
    spike_days = sum((s["last_day"] - s["first_day"]).days + 1 for s in spikes)
    quarters = (days - spike_days) / DAYS_PER_QUARTER
    false_alarms = Counter(a["topic"] for a in alerts if not _overlaps(a, spikes))
    print(f"false alarms by topic over {quarters:.2f} flat quarters: {dict(false_alarms)}")
    for topic, count in false_alarms.items():
        assert count <= max(1.0, quarters), (topic, count, quarters)
    # Alerts are there to be read: at least one spike alert, and not a flood.
    assert 0 < len(alerts) <= 4 * spike_days
