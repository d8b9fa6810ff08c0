"""``marts.mart_alerts`` (and the data horizon) built by hand, to the mart's column contract."""

from __future__ import annotations

from datetime import date
from typing import Any

import duckdb

MART_ALERTS_DDL = """
create table marts.mart_alerts (
    alert_id varchar, day date, scope_type varchar, scope_value varchar, topic varchar,
    mentions integer, negative_mentions integer, negative_share double, baseline_days integer,
    baseline_mentions_per_day double, baseline_negative_share double, expected_high double,
    rule varchar, severity varchar, example_feedback_ids varchar[], example_texts varchar[]
)
"""


def alert(alert_id: str, day: date, **overrides: Any) -> dict[str, Any]:
    row = {
        "alert_id": alert_id,
        "day": day,
        "scope_type": "topic_platform",
        "scope_value": "物流 @ 京东",
        "topic": "logistics",
        "mentions": 42,
        "negative_mentions": 35,
        "negative_share": 35 / 42,
        "baseline_days": 28,
        "baseline_mentions_per_day": 12.5,
        "baseline_negative_share": 0.21,
        "expected_high": 19.0,
        "rule": "poisson_upper_3sigma_min10",
        "severity": "critical",
        "example_feedback_ids": ["f1", "f2", "f3", "f4"],
        "example_texts": [
            "快递一周都没到，客服电话13812345678也打不通",
            "包裹破损严重",
            "物流信息一直不更新",
            "第四条不该出现在消息里",
        ],
    }
    return row | overrides


def create_alerts(
    con: duckdb.DuckDBPyConnection, rows: list[dict[str, Any]], as_of: date | None = None
) -> None:
    """Create (or add to) ``marts.mart_alerts``; ``as_of``: the data horizon's day."""
    con.execute("create schema if not exists marts")
    con.execute("create schema if not exists intermediate")
    exists = con.execute(
        "select count(*) from information_schema.tables"
        " where table_schema = 'marts' and table_name = 'mart_alerts'"
    ).fetchone()[0]
    if not exists:
        con.execute(MART_ALERTS_DDL)
    for row in rows:
        con.execute(
            f"insert into marts.mart_alerts by name select {', '.join('? as ' + c for c in row)}",
            list(row.values()),
        )
    if as_of is not None:
        con.execute("create or replace table intermediate.int_data_horizon (as_of_date date)")
        con.execute("insert into intermediate.int_data_horizon values (?)", [as_of])
