"""Churn risk: in 0..1 and monotone in each input, on a grid of cases compiled by dbt."""

from __future__ import annotations

import itertools
from pathlib import Path

from tests.conftest import dbt_show

DAYS = [0, 10, 45, 89, 90, 200, None]  # None: no paid order at all
ORDERS = [0, 1, 3, 12]
NEGATIVE = [0.0, 0.25, 1.0]
DETRACTOR = [False, True]


def test_churn_risk_is_bounded_and_monotone(tmp_path: Path) -> None:
    cases = list(itertools.product(DAYS, ORDERS, NEGATIVE, DETRACTOR))
    values = ", ".join(
        f"({'null' if d is None else d}, {o}, {n}, {str(t).lower()})" for d, o, n, t in cases
    )
    rows = dbt_show(
        "select days, orders, negative, detractor, "
        "{{ churn_risk('days', 'orders', 'negative', 'detractor') }} as risk "
        f"from (values {values}) as v (days, orders, negative, detractor)",
        tmp_path,
    )
    risk = {(r["days"], r["orders"], r["negative"], r["detractor"]): r["risk"] for r in rows}
    assert len(risk) == len(cases)
    assert all(0 <= r <= 1 for r in risk.values())
    assert risk[(200, 0, 1.0, True)] == 1.0
    assert risk[(0, 12, 0.0, False)] < 0.05

    def rank(d):  # more days since the last order = riskier; no order at all = riskiest
        return 10**9 if d is None else d

    for (d, o, n, t), r in risk.items():
        for (d2, o2, n2, t2), r2 in risk.items():
            riskier_or_equal = rank(d2) >= rank(d) and o2 <= o and n2 >= n and t2 >= t
            if riskier_or_equal:
                assert r2 >= r, ((d, o, n, t), r, (d2, o2, n2, t2), r2)
