"""Row-level rules of the landing contract: which delivered rows are usable.

A row that breaks a rule is not loaded; it goes to ``raw._quarantine`` with one reason code
(the first rule it breaks) and a message a person can act on. Values are checked, never
changed: the raw layer keeps exactly what was delivered.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ingestion.timestamps import FUTURE_TOLERANCE, parse_date, parse_timestamp
from voc_core.contracts import SURVEY_SCORE_RANGES, Reason, SourceContract

_INTEGER = re.compile(r"^[+-]?\d+(?:\.0*)?$")
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")


@dataclass(frozen=True)
class Violation:
    """Why a row cannot be used."""

    reason: str
    message: str


@dataclass
class UnknownValues:
    """Values outside a reported (open) enumeration, counted per column: kept, not quarantined."""

    counts: Counter = field(default_factory=Counter)

    def add(self, column: str, value: str) -> None:
        self.counts[(column, value)] += 1

    def as_dict(self) -> dict[str, dict[str, int]]:
        """``{column: {value: rows}}`` for asset metadata."""
        out: dict[str, dict[str, int]] = {}
        for (column, value), n in sorted(self.counts.items()):
            out.setdefault(column, {})[value] = n
        return out


def _blank(value: str | None) -> bool:
    return value is None or value.strip() == ""


def _check_integer(column: str, value: str, low: int, high: int) -> Violation | None:
    text = value.strip()
    if not _INTEGER.match(text):
        return Violation(Reason.INVALID_NUMBER, f"{column}={value!r} is not a whole number")
    number = int(float(text))
    if not low <= number <= high:
        return Violation(
            Reason.OUT_OF_RANGE, f"{column}={number} is outside the scale {low}-{high}"
        )
    return None


class RowValidator:
    """Checks rows of one source against its contract, at a fixed load time."""

    def __init__(self, contract: SourceContract, local_tz: str, now_utc: datetime):
        self.contract = contract
        self.local_tz = local_tz
        self.latest_allowed = now_utc + FUTURE_TOLERANCE
        self.unknown_values = UnknownValues()

    def check(self, row: dict[str, str | None]) -> Violation | None:
        """The first rule ``row`` breaks, or None when it is usable."""
        c = self.contract
        for column in c.not_null:
            if _blank(row.get(column)):
                return Violation(Reason.MISSING_REQUIRED_VALUE, f"{column} is empty")
        for column, allowed in c.strict_enums.items():
            value = row.get(column)
            if not _blank(value) and value.strip().lower() not in allowed:
                return Violation(
                    Reason.UNKNOWN_ENUM,
                    f"{column}={value!r} is not one of {', '.join(allowed)}",
                )
        for column, allowed in c.reported_enums.items():
            value = row.get(column)
            if not _blank(value) and value.strip().lower() not in allowed:
                self.unknown_values.add(column, value.strip())
        return (
            self._check_numbers(row)
            or self._check_scaled_score(row)
            or self._check_timestamps(row)
            or self._check_dates(row)
        )

    def _check_numbers(self, row: dict[str, str | None]) -> Violation | None:
        for column, (low, high) in self.contract.integer_ranges.items():
            value = row.get(column)
            if not _blank(value) and (v := _check_integer(column, value, low, high)):
                return v
        for column in self.contract.numbers:
            value = row.get(column)
            if not _blank(value) and not _NUMBER.match(value.strip()):
                return Violation(Reason.INVALID_NUMBER, f"{column}={value!r} is not a number")
        return None

    def _check_scaled_score(self, row: dict[str, str | None]) -> Violation | None:
        if self.contract.scaled_score is None:
            return None
        value_col, scale_col = self.contract.scaled_score
        value, scale = row.get(value_col), row.get(scale_col)
        if _blank(value) or _blank(scale):
            return None  # a blank score is a question seen but not answered
        low, high = SURVEY_SCORE_RANGES[scale.strip().lower()]
        return _check_integer(f"{value_col} ({scale.strip().lower()})", value, low, high)

    def _check_timestamps(self, row: dict[str, str | None]) -> Violation | None:
        for column in self.contract.timestamps:
            value = row.get(column)
            if _blank(value):
                continue
            instant = parse_timestamp(value, self.local_tz)
            if instant is None:
                return Violation(
                    Reason.INVALID_TIMESTAMP, f"{column}={value!r} is not a supported timestamp"
                )
            if instant > self.latest_allowed:
                return Violation(
                    Reason.FUTURE_TIMESTAMP, f"{column}={value!r} is later than the load time"
                )
        return None

    def _check_dates(self, row: dict[str, str | None]) -> Violation | None:
        for column in self.contract.dates:
            value = row.get(column)
            if _blank(value):
                continue
            day = parse_date(value)
            if day is None:
                return Violation(
                    Reason.INVALID_TIMESTAMP, f"{column}={value!r} is not a supported date"
                )
            if day > (self.latest_allowed + timedelta(days=1)).date():
                return Violation(
                    Reason.FUTURE_TIMESTAMP, f"{column}={value!r} is later than the load date"
                )
        return None
