"""Customer value in marts.dim_customer on hand-built customers, against a hand calculation.

historic_value = paid minus refunded; predicted_value_12m = historic_value x 365 /
max(tenure days, 90) for customers alive (not churned, account open), else 0;
value_at_risk = predicted x churn_risk; value_decile = ntile(10) over the customers with a
predicted value (ties by id), null for the others. Orders are placed at noon Asia/Shanghai.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from tests.conftest import run_dbt

AS_OF = date(2026, 6, 30)

#: (order_id, customer_id, local day, amount, status)
ORDERS = [
    ("O1", "C_STEADY", "2026-01-01", 100.0, "paid"),
    ("O2", "C_STEADY", "2026-06-01", 200.0, "paid"),
    ("O3", "C_STEADY", "2026-06-10", 50.0, "refunded"),
    ("O4", "C_STEADY", "2026-06-12", 70.0, "cancelled"),
    ("O5", "C_NEW", "2026-06-24", 80.0, "paid"),
    ("O6", "C_LAPSED", "2026-01-10", 500.0, "paid"),
    ("O7", "C_CLOSED", "2026-05-01", 300.0, "paid"),
    ("O8", "C_REFUNDED", "2026-06-20", 120.0, "refunded"),
] + [(f"OF{i}", f"F0{i}", "2026-06-01", 10.0 * (i + 1), "paid") for i in range(8)]

#: (customer_id, closed_at local) - C_NONE is in the CRM only.
CRM = [
    ("C_STEADY", None),
    ("C_NEW", None),
    ("C_LAPSED", None),
    ("C_CLOSED", "2026-06-15 09:00"),
    ("C_REFUNDED", None),
    ("C_NONE", None),
] + [(f"F0{i}", None) for i in range(8)]


def utc(local: str) -> datetime:
    return datetime.fromisoformat(local) - timedelta(hours=8)


def _build(path: Path) -> None:
    with duckdb.connect(str(path)) as con:
        con.execute("create schema staging; create schema intermediate; create schema marts")
        con.execute(
            """create table staging.stg_crm_customer (customer_id varchar,
               registered_at timestamp, birth_year integer, city varchar, tier varchar,
               closed_at timestamp)"""
        )
        con.executemany(
            "insert into staging.stg_crm_customer values (?, ?, 1980, 'x', 'silver', ?)",
            [(c, utc("2025-01-01 00:00"), utc(closed) if closed else None) for c, closed in CRM],
        )
        con.execute(
            """create table staging.stg_order (order_id varchar, customer_id varchar,
               ordered_at timestamp, amount decimal(18, 2), status varchar)"""
        )
        con.executemany(
            "insert into staging.stg_order values (?, ?, ?, ?, ?)",
            [(o, c, utc(f"{d} 12:00"), a, s) for o, c, d, a, s in ORDERS],
        )
        con.execute(
            f"create table intermediate.int_data_horizon as select date '{AS_OF}' as as_of_date"
        )
        con.execute("create table intermediate.int_feedback_unioned (customer_id varchar)")
        con.execute(
            """create table marts.fct_feedback (customer_id varchar, source varchar,
               touchpoint varchar, day date, sentiment_label varchar, survey_type varchar,
               survey_score integer, created_at timestamp, is_suspected_fake boolean)"""
        )
        con.execute(
            """create table marts.fct_feedback_topic (customer_id varchar, topic varchar,
               is_suspected_fake boolean)"""
        )


@pytest.fixture(scope="module")
def customers(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    root = tmp_path_factory.mktemp("customer_value")
    path = root / "warehouse.duckdb"
    _build(path)
    run_dbt(
        "run",
        "--select",
        "int_paid_order_days int_customer_churn_events dim_customer",
        target_path=root / "target",
        duckdb_path=path,
    )
    with duckdb.connect(str(path), read_only=True) as con:
        cursor = con.execute("select * from marts.dim_customer")
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return {r["customer_id"]: r for r in rows}


def test_historic_value_is_paid_minus_refunded(customers: dict[str, dict]) -> None:
    # C_STEADY: paid 100 + 200, a 50 order paid then refunded (+50 - 50), a cancelled 70.
    assert float(customers["C_STEADY"]["historic_value"]) == pytest.approx(300.0)
    assert float(customers["C_REFUNDED"]["historic_value"]) == 0.0
    assert float(customers["C_NONE"]["historic_value"]) == 0.0
    assert float(customers["C_LAPSED"]["historic_value"]) == pytest.approx(500.0)


def test_predicted_value_is_the_run_rate_of_live_customers(customers: dict[str, dict]) -> None:
    # Tenure 2026-01-01 .. 2026-06-30 counted both ends: 181 days.
    assert customers["C_STEADY"]["value_tenure_days"] == 181
    assert customers["C_STEADY"]["predicted_value_12m"] == pytest.approx(300 * 365 / 181)
    # One order 7 days ago: the tenure floor of 90 days applies.
    assert customers["C_NEW"]["value_tenure_days"] == 7
    assert customers["C_NEW"]["predicted_value_12m"] == pytest.approx(80 * 365 / 90)
    # Churned on 2026-04-11 (91 days after its only order), closed on 2026-06-15: nothing.
    assert customers["C_LAPSED"]["is_churned"]
    for cid in ("C_LAPSED", "C_CLOSED", "C_REFUNDED", "C_NONE"):
        assert customers[cid]["predicted_value_12m"] == 0.0, cid
    assert customers["C_NONE"]["value_tenure_days"] is None


def test_value_at_risk_is_predicted_value_times_churn_risk(customers: dict[str, dict]) -> None:
    # C_STEADY: last paid order 29 days ago, 2 paid orders in the year, no feedback:
    # risk = 0.45 x 29/90 + 0.2 x 1/(1 + 2), stored to 4 decimals.
    risk = round(0.45 * 29 / 90 + 0.2 / 3, 4)
    assert customers["C_STEADY"]["churn_risk"] == pytest.approx(risk)
    assert customers["C_STEADY"]["value_at_risk"] == pytest.approx(300 * 365 / 181 * risk)
    for row in customers.values():
        assert row["value_at_risk"] == pytest.approx(row["predicted_value_12m"] * row["churn_risk"])


def test_deciles_rank_the_valued_customers_and_leave_the_others_out(
    customers: dict[str, dict],
) -> None:
    # Ten valued customers, one per decile: F00..F06 (10..70 x 365/90), then C_NEW and F07
    # tie at 80 x 365/90 (C_NEW first by id), then C_STEADY.
    expected = {f"F0{i}": i + 1 for i in range(7)} | {"C_NEW": 8, "F07": 9, "C_STEADY": 10}
    deciles = {c: r["value_decile"] for c, r in customers.items() if r["value_decile"]}
    assert deciles == expected
