"""The standard errors behind mart_key_drivers' intervals, through dbt (`dbt show --inline`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import dbt_show


def test_difference_standard_errors_match_a_hand_calculation(tmp_path: Path) -> None:
    rows = dbt_show(
        "select {{ nps_difference_se('540', '300', '1200', '675', '324', '1350') }} as nps_se, "
        "{{ nps_difference_se('5', '1', '0', '675', '324', '1350') }} as empty_nps_se, "
        "{{ two_proportion_se('90', '300', '60', '320') }} as share_se, "
        "{{ two_proportion_se('0', '0', '60', '320') }} as empty_share_se",
        tmp_path,
    )
    p1, d1, p2, d2 = 540 / 1200, 300 / 1200, 675 / 1350, 324 / 1350
    var1, var2 = p1 + d1 - (p1 - d1) ** 2, p2 + d2 - (p2 - d2) ** 2
    assert rows[0]["nps_se"] == pytest.approx((var1 / 1200 + var2 / 1350) ** 0.5, rel=1e-12)
    s1, s2 = 90 / 300, 60 / 320
    expected = (s1 * (1 - s1) / 300 + s2 * (1 - s2) / 320) ** 0.5
    assert rows[0]["share_se"] == pytest.approx(expected, rel=1e-12)
    # An empty group has no interval, not an error.
    assert rows[0]["empty_nps_se"] is None and rows[0]["empty_share_se"] is None
