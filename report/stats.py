"""The few statistics the report computes itself from the marts' counts (MARTS.md formulas).

The marts carry an interval for NPS; CSAT and CES intervals and the month-on-month tests are
computed here from the counts stored beside every ratio.
"""

from __future__ import annotations

import math

Z95 = 1.959963984540054


def two_sided_p(z: float) -> float:
    """Two-sided p-value of a standard normal statistic."""
    return math.erfc(abs(z) / math.sqrt(2))


def wilson(successes: float, n: float) -> tuple[float, float] | None:
    """95% Wilson score interval of a proportion, in percent; None below 2 observations."""
    if n < 2:
        return None
    p = successes / n
    denom = 1 + Z95**2 / n
    centre = (p + Z95**2 / (2 * n)) / denom
    half = Z95 * math.sqrt(p * (1 - p) / n + Z95**2 / (4 * n * n)) / denom
    return 100 * max(0.0, centre - half), 100 * min(1.0, centre + half)


def mean_interval(total: float, squares: float, n: float) -> tuple[float, float] | None:
    """95% normal-approximation interval of a mean from its sum and sum of squares; None
    below 2 observations."""
    if n < 2:
        return None
    mean = total / n
    variance = max(0.0, (squares - n * mean * mean) / (n - 1))
    half = Z95 * math.sqrt(variance / n)
    return mean - half, mean + half


def nps_change_p(
    promoters1: float,
    detractors1: float,
    n1: float,
    promoters2: float,
    detractors2: float,
    n2: float,
) -> float | None:
    """p-value of the change between two NPS figures: z = (nps2 - nps1) / sqrt(var1/n1 +
    var2/n2), var = p + d - (p - d)^2 on the unadjusted shares (MARTS.md). None when a side is
    empty or both have zero variance."""
    if n1 <= 0 or n2 <= 0:
        return None
    p1, d1 = promoters1 / n1, detractors1 / n1
    p2, d2 = promoters2 / n2, detractors2 / n2
    var1 = p1 + d1 - (p1 - d1) ** 2
    var2 = p2 + d2 - (p2 - d2) ** 2
    se = math.sqrt(var1 / n1 + var2 / n2)
    if se == 0:
        return None
    return two_sided_p(((p2 - d2) - (p1 - d1)) / se)


def proportion_change_p(x1: float, n1: float, x2: float, n2: float) -> float | None:
    """p-value of the change between two proportions (pooled two-proportion z-test)."""
    if n1 <= 0 or n2 <= 0:
        return None
    pooled = (x1 + x2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if se == 0:
        return None
    return two_sided_p((x2 / n2 - x1 / n1) / se)


def nps_interval(promoters: float, detractors: float, n: float) -> tuple[float, float] | None:
    """95% adjusted-Wald interval of NPS (MARTS.md: n' = n + 3, +0.75 to promoters and
    detractors), clipped to [-100, 100]; None below 2 answers."""
    if n < 2:
        return None
    adjusted = n + 3
    p = (promoters + 0.75) / adjusted
    d = (detractors + 0.75) / adjusted
    centre = p - d
    se = math.sqrt(max(0.0, p + d - centre * centre) / adjusted)
    return max(-100.0, 100 * (centre - Z95 * se)), min(100.0, 100 * (centre + Z95 * se))
