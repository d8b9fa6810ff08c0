"""Raw layer suites: one per landing source, plus one on daily volumes.

The loader already quarantines rows that break the landing contract, so on a healthy
warehouse these checks pass; they guard the raw tables against whatever bypassed or predated
the loader (a manual insert, an older loader version, a contract changed since). Every check
derives from the contract (``voc_core.contracts.SOURCES``), so a new column or enum value
is checked the day it is added there.

Raw values are text: the frame's SQL trims, lower-cases and parses them the way staging
does, and adds helper columns (``<column>__invalid``: a value is present but does not parse)
so each expectation is a plain column check.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import duckdb

from ingestion.raw_store import raw_table
from quality import thresholds
from quality.daily_volumes import rows_per_day
from quality.spec import Check, SuiteSpec
from quality.validated_files import not_yet_passed
from voc_core.contracts import SOURCES, SURVEY_SCORE_RANGES, SourceContract
from voc_core.timestamps import date_sql, local_timestamp_sql

#: The suite of daily row counts: one check per raw table.
VOLUME_SUITE = "raw.volume"

#: The column that dates each source's rows for the volume check (its event time).
VOLUME_COLUMNS: dict[str, str] = {
    "survey": "submitted_at",
    "app_review": "created_at",
    "ecommerce_review": "created_at",
    "social": "created_at",
    "support_ticket": "opened_at",
    "store_card": "visit_date",
    "order": "ordered_at",
}


def _q(column: str) -> str:
    return f'"{column}"'


def _text(column: str) -> str:
    return f"nullif(trim({_q(column)}), '')"


def _number_sql(column: str) -> str:
    return f"try_cast({_text(column)} as double)"


def _frame_sql(contract: SourceContract, timezone: str, where: str | None = None) -> str:
    columns: list[str] = [
        f"{_text(contract.key)} as {_q(contract.key)}",
        "_file_sha256",
        "_file_path",
        "_line_number",
    ]
    seen = {contract.key}

    def add(expression: str, name: str) -> None:
        if name not in seen:
            seen.add(name)
            columns.append(f"{expression} as {_q(name)}")

    # Enums first: a required enum column (survey_type) is checked lower-cased, as loaded.
    for column in (*contract.strict_enums, *contract.reported_enums):
        add(f"lower({_text(column)})", column)
    for column in contract.not_null:
        add(_text(column), column)
    for column in (*contract.integer_ranges, *contract.numbers):
        add(_number_sql(column), f"{column}__number")
        add(
            f"({_text(column)} is not null and {_number_sql(column)} is null)", f"{column}__invalid"
        )
    if contract.scaled_score:
        value, scale = contract.scaled_score
        for kind in SURVEY_SCORE_RANGES:
            add(
                f"case when lower({_text(scale)}) = '{kind}' then {_number_sql(value)} end",
                f"{value}__{kind}",
            )
        add(f"({_text(value)} is not null and {_number_sql(value)} is null)", f"{value}__invalid")
    for column in contract.timestamps:
        parsed = local_timestamp_sql(_text(column), timezone)
        add(parsed, f"{column}__local")
        add(f"({_text(column)} is not null and ({parsed}) is null)", f"{column}__invalid")
    for column in contract.dates:
        add(f"cast({date_sql(_text(column))} as timestamp)", f"{column}__local")
        add(
            f"({_text(column)} is not null and {date_sql(_text(column))} is null)",
            f"{column}__invalid",
        )
    condition = f" where {where}" if where else ""
    return f"select {', '.join(columns)} from {raw_table(contract.name)} as r{condition}"


def _checks(contract: SourceContract, now_local: datetime) -> list[Check]:
    checks: list[Check] = []
    for column in contract.not_null:
        checks.append(
            Check(
                "ExpectColumnValuesToNotBeNull",
                {"column": column},
                "error",
                f"Required field {column} is present in every row (landing contract).",
            )
        )
    checks.append(
        Check(
            "ExpectCompoundColumnsToBeUnique",
            {"column_list": [contract.key, "_file_sha256"]},
            "warning",
            f"{contract.key} appears once per delivered file. Across files a key repeats by "
            "design (a correction is a new file); within one file it is ambiguous, and "
            "staging keeps the file's last line.",
            name=f"duplicate_keys({contract.key})",
        )
    )
    for column, allowed in contract.strict_enums.items():
        checks.append(
            Check(
                "ExpectColumnValuesToBeInSet",
                {"column": column, "value_set": list(allowed)},
                "error",
                f"{column} is one of {', '.join(allowed)} (closed list).",
            )
        )
    for column, allowed in contract.reported_enums.items():
        checks.append(
            Check(
                "ExpectColumnValuesToBeInSet",
                {
                    "column": column,
                    "value_set": list(allowed),
                    "mostly": 1 - thresholds.UNKNOWN_ENUM_MAX_SHARE,
                },
                "warning",
                f"{column} is mostly one of {', '.join(allowed)}; unknown values are kept "
                f"and listed here (more than {thresholds.UNKNOWN_ENUM_MAX_SHARE:.0%} of rows "
                "suggests a missing mapping).",
            )
        )
    for column in (*contract.integer_ranges, *contract.numbers):
        checks.append(
            Check(
                "ExpectColumnValuesToBeInSet",
                {"column": f"{column}__invalid", "value_set": [False]},
                "error",
                f"{column} is a number wherever present.",
                name=f"is_number({column})",
            )
        )
    for column, (low, high) in contract.integer_ranges.items():
        checks.append(
            Check(
                "ExpectColumnValuesToBeBetween",
                {"column": f"{column}__number", "min_value": low, "max_value": high},
                "error",
                f"{column} lies in its scale {low}-{high}.",
            )
        )
    if contract.scaled_score:
        value, scale = contract.scaled_score
        checks.append(
            Check(
                "ExpectColumnValuesToBeInSet",
                {"column": f"{value}__invalid", "value_set": [False]},
                "error",
                f"{value} is a number wherever present.",
                name=f"is_number({value})",
            )
        )
        for kind, (low, high) in SURVEY_SCORE_RANGES.items():
            checks.append(
                Check(
                    "ExpectColumnValuesToBeBetween",
                    {"column": f"{value}__{kind}", "min_value": low, "max_value": high},
                    "error",
                    f"A {kind} {value} lies in {low}-{high} ({scale} = {kind}).",
                )
            )
    earliest = datetime(thresholds.EARLIEST_PLAUSIBLE_YEAR, 1, 1)
    latest = now_local + timedelta(hours=thresholds.FUTURE_TOLERANCE_HOURS)
    for column in (*contract.timestamps, *contract.dates):
        checks.append(
            Check(
                "ExpectColumnValuesToBeInSet",
                {"column": f"{column}__invalid", "value_set": [False]},
                "error",
                f"{column} is a timestamp in an accepted layout wherever present.",
                name=f"parses({column})",
            )
        )
        checks.append(
            Check(
                "ExpectColumnValuesToBeBetween",
                {
                    "column": f"{column}__local",
                    "min_value": earliest,
                    "max_value": latest.replace(microsecond=0),
                },
                "error",
                f"{column} is not before {thresholds.EARLIEST_PLAUSIBLE_YEAR} and not in the "
                f"future (more than {thresholds.FUTURE_TOLERANCE_HOURS} h from now).",
                name=f"timestamp_sanity({column})",
            )
        )
    return checks


def source_suite(
    source: str, timezone: str, now_utc: datetime, only_new: bool = False
) -> SuiteSpec:
    """The suite of one landing source's raw table; with ``only_new``, of the rows of files
    that have not passed it yet (``quality.validated_files``)."""
    contract = SOURCES[source]
    now_local = now_utc.astimezone(ZoneInfo(timezone)).replace(tzinfo=None)
    name = f"raw.{source}"
    return SuiteSpec(
        name=name,
        layer="raw",
        query=_frame_sql(contract, timezone, not_yet_passed(name, "r") if only_new else None),
        by_file=only_new,
        checks=_checks(contract, now_local),
        requires=(f"raw.{source}",),
        description=f"Rows of raw.{source} against the landing contract (CHANNELS.md).",
    )


def _day_sql(source: str, timezone: str) -> str:
    """The business day of a raw row of ``source`` (its volume column), as SQL."""
    column = VOLUME_COLUMNS[source]
    contract = SOURCES[source]
    if column in contract.dates:
        return date_sql(_text(column))
    return f"cast(({local_timestamp_sql(_text(column), timezone)}) as date)"


def volume_suite(
    con: duckdb.DuckDBPyConnection, timezones: dict[str, str], now_utc: datetime
) -> SuiteSpec | None:
    """Rows per day of each source over the last ``VOLUME_CHECK_DAYS`` days of data, against
    bounds learnt from the ``VOLUME_HISTORY_DAYS`` before (``quality.thresholds``).

    The last day of the data is the latest day any source has rows for (never after today),
    so a source that stopped sending shows as days with 0 rows. Sources with too little
    history are not checked. Returns None when no source can be checked.
    """
    today = now_utc.date()
    counts: dict[str, dict] = {}
    present = {
        name
        for (name,) in con.execute(
            "select table_name from information_schema.tables where table_schema = 'raw'"
        ).fetchall()
    }
    for source in VOLUME_COLUMNS:
        if source not in present:
            continue
        timezone = timezones.get(source, "UTC")
        by_day = rows_per_day(con, source, raw_table(source), _day_sql(source, timezone), timezone)
        counts[source] = {day: n for day, n in by_day.items() if day <= today}
    days = [d for c in counts.values() for d in c]
    if not days:
        return None
    horizon = max(days)
    check_days = [
        horizon - timedelta(days=i) for i in reversed(range(thresholds.VOLUME_CHECK_DAYS))
    ]
    checks: list[Check] = []
    columns: list[str] = []
    for source, by_day in counts.items():
        if not by_day:
            continue
        first = min(by_day)
        history = [
            by_day.get(check_days[0] - timedelta(days=i), 0)
            for i in range(1, thresholds.VOLUME_HISTORY_DAYS + 1)
            if check_days[0] - timedelta(days=i) >= first
        ]
        bounds = thresholds.learn_volume_bounds(history)
        if bounds is None:
            continue
        columns.append(source)
        checks.append(
            Check(
                "ExpectColumnValuesToBeBetween",
                {"column": source, "min_value": bounds.low, "max_value": bounds.high},
                "warning",
                f"Rows of {source} per day (by {VOLUME_COLUMNS[source]}) over the last "
                f"{thresholds.VOLUME_CHECK_DAYS} days lie within {bounds.low}-{bounds.high}, "
                f"learnt from the {bounds.history_days} days before (median {bounds.median:g}, "
                f"+/- {thresholds.VOLUME_TOLERANCE:g} x {bounds.spread:.1f}).",
                name=f"daily_volume({source})",
                table=f"raw.{source}",
            )
        )
    if not checks:
        return None
    values = ", ".join(
        "(" + ", ".join([f"date '{day}'", *(str(counts[s].get(day, 0)) for s in columns)]) + ")"
        for day in check_days
    )
    names = ", ".join(["day", *(_q(s) for s in columns)])
    return SuiteSpec(
        name=VOLUME_SUITE,
        layer="raw",
        query=f"select * from (values {values}) as v({names})",
        checks=checks,
        description="Daily row counts per source against bounds learnt from each source's history.",
    )


def raw_suites(
    con: duckdb.DuckDBPyConnection,
    timezones: dict[str, str],
    now_utc: datetime,
    only_new: bool = True,
) -> list[SuiteSpec]:
    """Every raw suite: one per source, then the volume suite when there is enough history.
    ``only_new``: source suites read only rows of files that have not passed them yet."""
    suites = [source_suite(s, timezones.get(s, "UTC"), now_utc, only_new) for s in SOURCES]
    volume = volume_suite(con, timezones, now_utc)
    return [*suites, volume] if volume else suites
