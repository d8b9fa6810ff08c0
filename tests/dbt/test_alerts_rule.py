"""marts.mart_alerts on hand-made daily counts: a spike beyond the binomial limit alerts on
its day with its counts and examples, a quiet store with 2 complaints and a flat series do
not, and every limit equals scipy's binomial quantile at the baseline share."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from scipy import stats

from tests.conftest import dbt_show, run_dbt

START = date(2026, 2, 1)  # the warehouse's first day
SPIKE_DAY = 28  # the first day with a whole 28-day baseline
LAST_DAY = 40
QUANTILE, CRITICAL = 0.9999, 0.99999  # vars alert_limit_quantile, alert_critical_quantile


def _items() -> list[tuple]:
    """(feedback_id, store_id, day index, negative?, sentiment score, topic) per item.

    S_SPIKE: 10 cards a day, 2 negative, for 28 days; then 20 cards, 14 negative.
    S_FLAT: 10 cards a day, 2 negative, every day.
    S_QUIET: 4 cards a day, none negative, then 2 complaints on the spike day."""
    rows = []
    for day in range(LAST_DAY + 1):
        plan = [("S_FLAT", 10, 2, "price")]
        if day < SPIKE_DAY:
            plan += [("S_SPIKE", 10, 2, "logistics"), ("S_QUIET", 4, 0, "store_environment")]
        elif day == SPIKE_DAY:
            plan += [("S_SPIKE", 20, 14, "logistics"), ("S_QUIET", 2, 2, "store_environment")]
        for store, n, negative, topic in plan:
            for i in range(n):
                score = -0.9 + 0.01 * i if i < negative else 0.5
                rows.append((f"{store}-{day:02d}-{i:02d}", store, day, i < negative, score, topic))
    return rows


@pytest.fixture(scope="module")
def alerts(tmp_path_factory: pytest.TempPathFactory) -> list[dict]:
    root = tmp_path_factory.mktemp("alerts_rule")
    path = root / "warehouse.duckdb"
    items = _items()
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts; create schema staging")
        con.execute(
            """create table marts.fct_feedback (
                feedback_id varchar, source varchar, source_record_id varchar,
                platform varchar, store_id varchar, created_at timestamp, day date,
                text_clean varchar, sentiment_label varchar, sentiment_score double,
                is_suspected_fake boolean)"""
        )
        con.execute(
            """create table marts.fct_feedback_topic (feedback_id varchar, topic varchar,
                topic_sentiment_label varchar, topic_sentiment_score double)"""
        )
        con.execute(
            "create table staging.stg_ecommerce_review (review_id varchar, ip_region varchar)"
        )
        feedback, topics = [], []
        for fid, store, day, negative, score, topic in items:
            when = datetime.combine(START + timedelta(days=day), datetime.min.time())
            label = "negative" if negative else "positive"
            feedback.append(
                (
                    fid,
                    fid,
                    store,
                    when + timedelta(hours=4),
                    when.date(),
                    f"text {fid}",
                    label,
                    score,
                )
            )
            topics.append((fid, topic, label, score))
        con.executemany(
            "insert into marts.fct_feedback values "
            "(?, 'store_card', ?, null, ?, ?, ?, ?, ?, ?, false)",
            feedback,
        )
        con.executemany("insert into marts.fct_feedback_topic values (?, ?, ?, ?)", topics)
        # A suspected fake complaint on the flat store's spike day: never counted.
        con.execute(
            """insert into marts.fct_feedback
               select 'FAKE-' || i, 'store_card', 'FAKE-' || i, null, 'S_FLAT',
                   timestamp '2026-03-01 04:00', date '2026-03-01', 'fake', 'negative', -1, true
               from range(20) as t(i)"""
        )
    run_dbt("build", "--select", "mart_alerts", target_path=root / "target", duckdb_path=path)
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute("select * from marts.mart_alerts").df().to_dict("records")


def _find(alerts: list[dict], scope_type: str, scope_value: str, topic: str) -> list[dict]:
    return [
        a
        for a in alerts
        if (a["scope_type"], a["scope_value"], a["topic"]) == (scope_type, scope_value, topic)
    ]


def test_a_spike_beyond_the_limit_alerts_on_its_day_with_counts_and_examples(alerts) -> None:
    [alert] = _find(alerts, "store", "S_SPIKE", "all")
    assert str(alert["day"])[:10] == str(START + timedelta(days=SPIKE_DAY))
    assert (alert["mentions"], alert["negative_mentions"]) == (20, 14)
    assert alert["negative_share"] == pytest.approx(0.7)
    # Baseline: 28 days of 10 cards, 56 of them negative.
    assert alert["baseline_days"] == 28
    assert alert["baseline_mentions_per_day"] == pytest.approx(10.0)
    p0 = (56 + 1) / (280 + 2)
    assert alert["baseline_negative_share"] == pytest.approx(p0)
    assert alert["expected_high"] == stats.binom.ppf(QUANTILE, 20, p0)
    assert alert["expected_high"] < 14
    expected_severity = "critical" if stats.binom.ppf(CRITICAL, 20, p0) < 14 else "warning"
    assert alert["severity"] == expected_severity
    # The five most negative complaints of the day, most negative first.
    ids = [f"S_SPIKE-{SPIKE_DAY}-{i:02d}" for i in range(5)]
    assert list(alert["example_feedback_ids"]) == ids
    assert list(alert["example_texts"]) == [f"text {i}" for i in ids]
    assert "binomial upper 99.99% limit" in alert["rule"]
    # The same topic mentions alert within the store and as a topic.
    assert len(_find(alerts, "store+topic", "S_SPIKE", "logistics")) == 1
    assert len(_find(alerts, "topic", "logistics", "logistics")) == 1
    assert len({a["alert_id"] for a in alerts}) == len(alerts)


def test_a_quiet_store_with_two_complaints_does_not_alert(alerts) -> None:
    # Two complaints where there were none are beyond the binomial limit...
    p0 = (0 + 1) / (112 + 2)
    assert stats.binom.ppf(QUANTILE, 2, p0) < 2
    # ... but below the minimum volume (8 negatives), so no alert.
    assert not [a for a in alerts if a["scope_value"] == "S_QUIET"]
    assert not _find(alerts, "topic", "store_environment", "store_environment")


def test_a_flat_series_does_not_alert(alerts) -> None:
    assert not [a for a in alerts if a["scope_value"] == "S_FLAT"]
    assert not _find(alerts, "topic", "price", "price")
    assert {str(a["day"])[:10] for a in alerts} == {str(START + timedelta(days=SPIKE_DAY))}


@pytest.mark.parametrize("quantile", [QUANTILE, CRITICAL])
def test_the_sql_quantile_equals_scipy(tmp_path: Path, quantile: float) -> None:
    cases = [(1, 0.3), (8, 0.05), (20, 0.2021), (57, 0.45), (250, 0.31), (600, 0.12), (40, 0.9)]
    values = ", ".join(f"({i}, {n}, {p})" for i, (n, p) in enumerate(cases))
    sql = f"""
        with cases as (select * from (values {values}) as t(case_id, n, p)),
        ks as (select case_id, n, p, unnest(range(0, n + 1)) as k from cases),
        cdf as (
            select case_id, k, sum({{{{ binomial_pmf('k', 'n', 'p') }}}}) over (
                partition by case_id order by k rows between unbounded preceding and current row
            ) as cdf
            from ks
        )
        select case_id, min(k) filter (where cdf >= {quantile}) as limit_k
        from cdf group by case_id order by case_id
    """
    rows = dbt_show(sql, tmp_path)
    got = {r["case_id"]: r["limit_k"] for r in rows}
    for i, (n, p) in enumerate(cases):
        assert got[i] == stats.binom.ppf(quantile, n, p), (n, p)
