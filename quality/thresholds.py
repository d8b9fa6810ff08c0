"""Thresholds of the quality checks: the fixed ones, and the ones learnt from the data.

How many rows a source sends a day depends on the business, the season and the channel: a
fixed number would be wrong for every source but one. So volume bounds are learnt from each
source's own recent history, robustly (median and median absolute deviation, so one odd day
in the history does not widen the bounds), with a Poisson floor on the spread so a source
that sends a handful of rows a day is not flagged for ordinary noise.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

#: Days at the end of the data whose volume is checked.
VOLUME_CHECK_DAYS = 7
#: Days before those that the bounds are learnt from.
VOLUME_HISTORY_DAYS = 56
#: Fewer days of history than this: too little to learn from; the volume is not checked.
VOLUME_MIN_HISTORY_DAYS = 14
#: Bounds are median +/- this many robust standard deviations. Four keeps false alarms rare
#: (about 1 in 10,000 days for normal noise) and still catches what matters: a feed that
#: stops or shrinks to a trickle, or a flood (an export delivered many times over).
VOLUME_TOLERANCE = 4.0
#: Median absolute deviation x 1.4826 estimates the standard deviation of normal data.
_MAD_TO_SD = 1.4826

#: Reported (open) enumerations such as ``platform``: unknown values are kept and reported
#: (CHANNELS.md). A new app store now and then is normal; a warning fires when more than
#: this share of rows carries an unknown value, which means a mapping is missing.
UNKNOWN_ENUM_MAX_SHARE = 0.05

#: Timestamps before this year are typing errors or defaults (1970-01-01), not feedback.
EARLIEST_PLAUSIBLE_YEAR = 2000
#: Naive timestamps are local time of the source (up to 14 hours ahead of UTC), and source
#: clocks drift: a timestamp counts as "in the future" only beyond this many hours from now.
FUTURE_TOLERANCE_HOURS = 24

#: Share of feedback items whose customer id must resolve to a CRM customer. Items whose CRM
#: row was quarantined or not yet delivered are expected (dim_customer still covers them);
#: below this share a CRM export is probably missing. Reported as a warning, with the count.
CUSTOMER_RESOLUTION_MIN_SHARE = 0.95


@dataclass(frozen=True)
class VolumeBounds:
    """Plausible rows per day for one source, learnt from its history."""

    low: int
    high: int
    median: float
    spread: float
    history_days: int

    def as_dict(self) -> dict[str, float | int]:
        return {
            "low": self.low,
            "high": self.high,
            "median": self.median,
            "spread": round(self.spread, 3),
            "history_days": self.history_days,
        }


def learn_volume_bounds(
    daily_rows: Sequence[int], tolerance: float = VOLUME_TOLERANCE
) -> VolumeBounds | None:
    """Bounds for a day's row count from past daily counts (days without rows as 0).

    Returns None when there are fewer than ``VOLUME_MIN_HISTORY_DAYS`` days of history.
    """
    if len(daily_rows) < VOLUME_MIN_HISTORY_DAYS:
        return None
    median = float(statistics.median(daily_rows))
    mad = float(statistics.median(abs(n - median) for n in daily_rows))
    spread = max(_MAD_TO_SD * mad, math.sqrt(median), 1.0)
    low = max(0, math.floor(median - tolerance * spread))
    high = math.ceil(median + tolerance * spread)
    return VolumeBounds(low, high, median, spread, len(daily_rows))
