"""The p-value macros against scipy, through dbt itself (`dbt show --inline`)."""

from __future__ import annotations

from pathlib import Path

import pytest
from scipy import stats

from tests.conftest import dbt_show

Z_CASES = [0.0, 0.5, 1.0, 1.645, 1.85, 1.96, 2.576, 3.5, -2.2]
T_CASES = [
    (0.5, 5.0),
    (2.0, 5.0),
    (1.7, 12.3),
    (2.1, 28.0),
    (2.0, 54.7),
    (-3.1, 40.0),
    (1.0, 200.0),
]


def test_p_value_from_z_matches_scipy(tmp_path: Path) -> None:
    values = ", ".join(f"({z})" for z in Z_CASES)
    rows = dbt_show(
        f"select z, {{{{ p_value_from_z('z') }}}} as p from (values {values}) as t (z)", tmp_path
    )
    for row in rows:
        assert row["p"] == pytest.approx(2 * stats.norm.sf(abs(row["z"])), abs=1e-6)


def test_p_value_from_t_matches_scipy(tmp_path: Path) -> None:
    values = ", ".join(f"({t}, {df})" for t, df in T_CASES)
    rows = dbt_show(
        f"select t, df, {{{{ p_value_from_t('t', 'df') }}}} as p "
        f"from (values {values}) as v (t, df)",
        tmp_path,
    )
    assert len(rows) == len(T_CASES)
    for row in rows:
        assert row["p"] == pytest.approx(2 * stats.t.sf(abs(row["t"]), row["df"]), abs=1e-5)


def test_worked_nps_example_of_marts_md(tmp_path: Path) -> None:
    # 1200 answers 540/360/300 (NPS 20) vs 1350 answers 675/351/324 (NPS 26): z ~ 1.85.
    rows = dbt_show(
        "select {{ nps_z('540', '300', '1200', '675', '324', '1350') }} as z, "
        "{{ p_value_from_z(nps_z('540', '300', '1200', '675', '324', '1350')) }} as p",
        tmp_path,
    )
    assert rows[0]["z"] == pytest.approx(1.85, abs=0.01)
    assert rows[0]["p"] == pytest.approx(0.064, abs=0.001)


def test_two_proportion_and_welch_statistics_match_scipy(tmp_path: Path) -> None:
    rows = dbt_show(
        "select {{ two_proportion_z('90', '300', '60', '320') }} as z, "
        "{{ welch_t('10.0', '4.0', '28', '12.5', '9.0', '28') }} as t, "
        "{{ welch_df('4.0', '28', '9.0', '28') }} as df",
        tmp_path,
    )
    pooled = (90 + 60) / (300 + 320)
    expected_z = (60 / 320 - 90 / 300) / (pooled * (1 - pooled) * (1 / 300 + 1 / 320)) ** 0.5
    assert rows[0]["z"] == pytest.approx(expected_z, rel=1e-9)
    welch = stats.ttest_ind_from_stats(12.5, 3.0, 28, 10.0, 2.0, 28, equal_var=False)
    assert rows[0]["t"] == pytest.approx(welch.statistic, rel=1e-9)
    v1, v2 = 4.0 / 28, 9.0 / 28
    assert rows[0]["df"] == pytest.approx((v1 + v2) ** 2 / (v1**2 / 27 + v2**2 / 27), rel=1e-9)
