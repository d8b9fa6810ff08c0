"""Mart figures recomputed from the landing files alone, with pandas and no SQL.

A second, independent reading of the rules in MARTS.md and CHANNELS.md, for the end-to-end
tests to hold the marts against. It shares nothing with the pipeline but the decoder of the
file encodings: records are split and numbered here, defective rows are dropped as the
generator's ground truth lists them (``defects.csv`` by file and physical line, the rejected
and the duplicated file of ``deliveries.json``), and the latest delivery of a key wins (files in
sorted path order, later lines of a file after earlier ones).

Calendar buckets are business days in Asia/Shanghai; naive landing timestamps are local time
there, timestamps with an offset are instants.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from functools import cached_property
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd

from ingestion.encoding import decode, detect_encoding

BUSINESS_TZ = ZoneInfo("Asia/Shanghai")
CHURN_WINDOW_DAYS = 90
LOW_SAMPLE_BELOW = 30

#: Natural key and format of every source these figures read.
SOURCES: dict[str, tuple[str, str]] = {
    "survey": ("response_id", "csv"),
    "app_review": ("review_id", "jsonl"),
    "ecommerce_review": ("review_id", "jsonl"),
    "social": ("post_id", "jsonl"),
    "support_ticket": ("ticket_id", "csv"),
    "store_card": ("card_id", "csv"),
    "crm_customer": ("customer_id", "csv"),
    "order": ("order_id", "csv"),
}

#: Where each feedback source dates its items.
FEEDBACK_DATES = {
    "survey": "submitted_at",
    "app_review": "created_at",
    "ecommerce_review": "created_at",
    "social": "created_at",
    "support_ticket": "opened_at",
    "store_card": "visit_date",
}

_TIMESTAMP = re.compile(
    r"^(?P<y>\d{4})[-/](?P<m>\d{1,2})[-/](?P<d>\d{1,2})"
    r"(?:[T ](?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.(?P<f>\d{1,9}))?)?)?"
    r"(?P<tz>Z|[+-]\d{2}:?\d{2})?$"
)
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


# ---------------------------------------------------------------- values


def blank(value: object) -> bool:
    return value is None or not str(value).strip()


def text(value: object) -> str | None:
    """A delivered value as trimmed text, None when blank."""
    return None if blank(value) else str(value).strip()


def code(value: object) -> str | None:
    """An enumeration value: trimmed, lower case, None when blank."""
    value = text(value)
    return None if value is None else value.lower()


def whole(value: object) -> int | None:
    """A whole number as delivered (``"4"``, ``"4.0"``), None when blank."""
    value = text(value)
    return None if value is None else int(float(value))


def instant(value: object) -> datetime | None:
    """The UTC instant of a landing timestamp; naive ones are Asia/Shanghai local time."""
    value = text(value)
    if value is None:
        return None
    match = _TIMESTAMP.match(value)
    if match is None:
        raise ValueError(f"not a timestamp: {value!r}")
    g = match.groupdict()
    fraction = (g["f"] or "0")[:6].ljust(6, "0")
    local = datetime(
        int(g["y"]),
        int(g["m"]),
        int(g["d"]),
        int(g["H"] or 0),
        int(g["M"] or 0),
        int(g["S"] or 0),
        int(fraction),
    )
    offset = g["tz"]
    if offset is None:
        zone = BUSINESS_TZ
    elif offset == "Z":
        zone = timezone.utc
    else:
        sign = 1 if offset[0] == "+" else -1
        digits = offset[1:].replace(":", "")
        zone = timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
    return local.replace(tzinfo=zone).astimezone(timezone.utc)


def business_day(moment: datetime | None) -> date | None:
    return None if moment is None else moment.astimezone(BUSINESS_TZ).date()


def calendar_date(value: object) -> date | None:
    """A date-only landing value (``2026-07-04``, ``2026/07/04``, ``20260704``)."""
    value = text(value)
    if value is None:
        return None
    compact = _COMPACT_DATE.match(value)
    if compact:
        return date(*map(int, compact.groups()))
    moment = _TIMESTAMP.match(value)
    if moment is None or moment["H"] is not None:
        raise ValueError(f"not a date: {value!r}")
    return date(int(moment["y"]), int(moment["m"]), int(moment["d"]))


def month_of(day: date) -> date:
    return day.replace(day=1)


# ---------------------------------------------------------------- landing files


def column_name(name: str) -> str:
    """``"Response ID"`` -> ``"response_id"``."""
    cleaned = re.sub(r"[^0-9a-z]+", "_", name.replace("\ufeff", "").strip().lower())
    return cleaned.strip("_")


def csv_records(content: str) -> Iterator[tuple[int, dict[str, str]]]:
    """(physical start line, values) of every data record of a CSV text; header = line 1."""
    consumed = 0

    def lines() -> Iterator[str]:
        nonlocal consumed
        for line in io.StringIO(content, newline=""):
            consumed += 1
            yield line

    reader = csv.reader(lines())
    header: list[str] | None = None
    while True:
        start = consumed + 1
        try:
            fields = next(reader)
        except StopIteration:
            return
        if not any(f.strip() for f in fields):
            continue
        if header is None:
            header = [column_name(f) for f in fields]
            continue
        values: dict[str, object] = dict(zip(header, fields, strict=False))
        yield start, values | {"_fields": len(fields) == len(header)}


def jsonl_records(content: str) -> Iterator[tuple[int, dict[str, object]]]:
    """(line, object) of every non-blank line of a JSON Lines text."""
    for number, line in enumerate(content.split("\n"), start=1):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError:
            yield number, {"_fields": False}
            continue
        if not isinstance(obj, dict):
            yield number, {"_fields": False}
            continue
        yield number, {column_name(str(k)): v for k, v in obj.items()} | {"_fields": True}


@dataclass
class Landing:
    """The usable, deduplicated rows of a generated landing folder."""

    root: Path
    truth: Path
    _frames: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)

    @cached_property
    def deliveries(self) -> dict:
        return json.loads((self.truth / "deliveries.json").read_text(encoding="utf-8"))

    @cached_property
    def skipped_files(self) -> set[str]:
        """The rejected file (never loaded) and the second copy of the duplicated file."""
        return {
            self.deliveries["rejected_file"]["file"],
            self.deliveries["duplicate_file"]["duplicate"],
        }

    @cached_property
    def defective_lines(self) -> set[tuple[str, int]]:
        defects = pd.read_csv(self.truth / "defects.csv", dtype=str, keep_default_na=False)
        return {(f, int(n)) for f, n in zip(defects.file, defects.line, strict=True)}

    def rows(self, source: str) -> pd.DataFrame:
        """Usable rows of ``source``, one per natural key: the latest delivery's."""
        if source not in self._frames:
            self._frames[source] = self._load(source)
        return self._frames[source]

    def _load(self, source: str) -> pd.DataFrame:
        key, file_format = SOURCES[source]
        records: list[dict[str, object]] = []
        for path in sorted((self.root / source).iterdir()):
            rel = f"{source}/{path.name}"
            if rel in self.skipped_files:
                continue
            data = path.read_bytes()
            content = decode(data, detect_encoding(data).codec)
            parse = csv_records if file_format == "csv" else jsonl_records
            for line, values in parse(content):
                if (rel, line) in self.defective_lines:
                    continue
                # Every row that cannot be read is a planted defect, so none is left here.
                assert values.pop("_fields"), f"unreadable row not in defects.csv: {rel}:{line}"
                values = {k: None if v is None else str(v) for k, v in values.items()}
                records.append({**values, "_file": rel, "_line": line})
        frame = pd.DataFrame.from_records(records)
        # A column some records lack reads as missing (None), like a blank value.
        frame = frame.astype(object).where(frame.notna(), None)
        frame["_key"] = frame[key].map(text)
        assert frame._key.notna().all(), source
        # Files in path order, lines in file order: the last occurrence is the latest delivery.
        return frame.drop_duplicates("_key", keep="last").set_index("_key", drop=False)

    @cached_property
    def data_horizon(self) -> date:
        """The last business day over orders and feedback items of every source."""
        days = [business_day(instant(v)) for v in self.rows("order").ordered_at]
        for source, column in FEEDBACK_DATES.items():
            values = self.rows(source)[column]
            if source == "store_card":
                days += [calendar_date(v) for v in values]
            else:
                days += [business_day(instant(v)) for v in values]
        return max(d for d in days if d is not None)


# ---------------------------------------------------------------- survey experience


def survey_answers(landing: Landing) -> pd.DataFrame:
    """One row per survey answer: business day and month, touchpoint, type, score."""
    rows = landing.rows("survey")
    out = pd.DataFrame(
        {
            "day": [business_day(instant(v)) for v in rows.submitted_at],
            "touchpoint": [code(v) or "unknown" for v in rows.touchpoint],
            "survey_type": rows.survey_type.map(code),
            "score": [whole(v) for v in rows.score],
        }
    )
    out["month_start"] = out.day.map(month_of)
    out["answered"] = out.score.notna()
    return out


def _experience_counts(answers: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """NPS, CSAT and CES counts and score sums per group of ``answers``."""
    a = answers
    nps = a.answered & (a.survey_type == "nps")
    csat = a.answered & (a.survey_type == "csat")
    ces = a.answered & (a.survey_type == "ces")
    flags = pd.DataFrame(
        {
            "nps_responses": nps,
            "promoters": nps & (a.score >= 9),
            "passives": nps & a.score.isin([7, 8]),
            "detractors": nps & (a.score <= 6),
            "csat_responses": csat,
            "csat_satisfied": csat & (a.score >= 4),
            "csat_score_sum": a.score.where(csat, 0),
            "ces_responses": ces,
            "ces_score_sum": a.score.where(ces, 0),
        }
    ).astype(int)
    return pd.concat([a[by], flags], axis=1).groupby(by).sum().reset_index()


def _ratio(numerator: float, denominator: float, scale: float = 1.0) -> float:
    return scale * numerator / denominator if denominator else math.nan


def nps_interval(promoters: int, detractors: int, n: int) -> tuple[float, float]:
    """95% adjusted-Wald interval of NPS (MARTS.md), clipped to [-100, 100]."""
    if n == 0:
        return math.nan, math.nan
    adjusted_n = n + 3
    p = (promoters + 0.75) / adjusted_n
    d = (detractors + 0.75) / adjusted_n
    se = math.sqrt((p + d - (p - d) ** 2) / adjusted_n)
    return max(-100.0, 100 * (p - d - 1.96 * se)), min(100.0, 100 * (p - d + 1.96 * se))


def experience_monthly(landing: Landing) -> pd.DataFrame:
    """Survey figures per business month over all customers."""
    m = _experience_counts(survey_answers(landing), ["month_start"])
    nps = list(zip(m.promoters, m.detractors, m.nps_responses, strict=True))
    m["nps"] = [_ratio(p - d, n, 100) for p, d, n in nps]
    m["csat_pct"] = [
        _ratio(s, n, 100) for s, n in zip(m.csat_satisfied, m.csat_responses, strict=True)
    ]
    m["ces_mean"] = [_ratio(s, n) for s, n in zip(m.ces_score_sum, m.ces_responses, strict=True)]
    bounds = [nps_interval(p, d, n) for p, d, n in nps]
    m["nps_ci_low"] = [low for low, _ in bounds]
    m["nps_ci_high"] = [high for _, high in bounds]
    m["low_sample"] = m.nps_responses < LOW_SAMPLE_BELOW
    return m


def experience_daily(landing: Landing) -> pd.DataFrame:
    """Survey counts per business day and touchpoint over all customers."""
    return _experience_counts(survey_answers(landing), ["day", "touchpoint"])


# ---------------------------------------------------------------- churn


def churn_events(landing: Landing) -> pd.DataFrame:
    """Lapse and closure churn events (customer_id, churn_date, kind) up to the horizon."""
    window = timedelta(days=CHURN_WINDOW_DAYS)
    closed_day = {cid: business_day(moment) for cid, moment in closures(landing).items()}
    events = []
    for cid, days in paid_order_days(landing).items():
        closed = closed_day.get(cid)
        for i, last in enumerate(days):
            following = days[i + 1] if i + 1 < len(days) else None
            if following is not None and following - last <= window:
                continue
            lapse = last + window + timedelta(days=1)
            if closed is None or lapse < closed:
                events.append((cid, lapse, "lapse"))
        if closed is not None and any(
            closed - window - timedelta(days=1) <= d <= closed - timedelta(days=1) for d in days
        ):
            events.append((cid, closed, "account_closed"))
    frame = pd.DataFrame(events, columns=["customer_id", "churn_date", "kind"])
    return frame[frame.churn_date <= landing.data_horizon].reset_index(drop=True)


def closures(landing: Landing) -> dict[str, datetime]:
    """When each closed account was closed (CRM ``closed_at``), as a UTC instant."""
    customers = landing.rows("crm_customer")
    return {
        cid: instant(value)
        for cid, value in zip(customers._key, customers.closed_at, strict=True)
        if not blank(value)
    }


def paid_order_days(landing: Landing) -> dict[str, list[date]]:
    """Sorted business days with a paid order placed before the account's closure.

    Every customer with such an order counts, whether or not the CRM has a usable row for them.
    """
    closed_at = closures(landing)
    orders = landing.rows("order")
    days: dict[str, set[date]] = {}
    for cid, status, ordered in zip(
        orders.customer_id, orders.status, orders.ordered_at, strict=True
    ):
        if code(status) != "paid":
            continue
        cid = text(cid)
        moment = instant(ordered)
        closed = closed_at.get(cid)
        if closed is not None and moment >= closed:
            continue
        days.setdefault(cid, set()).add(business_day(moment))
    return {cid: sorted(d) for cid, d in days.items()}


def churn_monthly(landing: Landing) -> pd.DataFrame:
    """Active customers at each month's start, churn events in it, churn rate; all customers.

    Months run from the first month with a paid order to the month of the data horizon.
    """
    window = timedelta(days=CHURN_WINDOW_DAYS)
    order_days = paid_order_days(landing)
    closed_day = {cid: business_day(moment) for cid, moment in closures(landing).items()}
    events = churn_events(landing)
    first = month_of(min(d for days in order_days.values() for d in days))
    last = month_of(landing.data_horizon)
    rows = []
    month = first
    while month <= last:
        eve = month - timedelta(days=1)
        base = {
            cid
            for cid, days in order_days.items()
            if any(eve - window <= d <= eve for d in days)
            and (closed_day.get(cid) is None or closed_day[cid] >= month)
        }
        # Churners of the month who were in its base (a customer who first ordered and
        # closed the account within the month never was).
        in_month = events[events.churn_date.map(month_of) == month]
        churned = int(in_month.customer_id.isin(base).sum())
        rows.append((month, len(base), churned, _ratio(churned, len(base))))
        month = (month + timedelta(days=32)).replace(day=1)
    return pd.DataFrame(rows, columns=["month_start", "active_at_start", "churned", "churn_rate"])


# ---------------------------------------------------------------- service desk


def service_sla(landing: Landing) -> pd.DataFrame:
    """Ticket figures per business month and contact channel (MARTS.md, Service SLA)."""
    rows = landing.rows("support_ticket")
    opened = [instant(v) for v in rows.opened_at]
    responded = [instant(v) for v in rows.first_response_at]
    resolved = [instant(v) for v in rows.resolved_at]
    wait = [
        math.inf if r is None else (r - o).total_seconds()
        for o, r in zip(opened, responded, strict=True)
    ]
    t = pd.DataFrame(
        {
            "channel": rows.contact_channel.map(code).to_list(),
            "opened_month": [month_of(business_day(m)) for m in opened],
            "resolved_month": [None if m is None else month_of(business_day(m)) for m in resolved],
            "is_resolved": [m is not None for m in resolved],
            "within_24h": [w <= 24 * 3600 for w in wait],
            "within_48h": [w <= 48 * 3600 for w in wait],
            "contacts": [whole(v) for v in rows.contact_count],
            "handle": [whole(v) for v in rows.handle_seconds],
            "csat": [whole(v) for v in rows.csat],
        }
    )
    t["first_contact"] = t.is_resolved & (t.contacts == 1)

    figures: dict[tuple[date, str], dict[str, float]] = {}
    for (month, channel), g in t.groupby(["opened_month", "channel"]):
        handled = g.handle.dropna()
        figures[(month, channel)] = {
            "tickets": len(g),
            "responded_24h_pct": _ratio(g.within_24h.sum(), len(g), 100),
            "responded_48h_pct": _ratio(g.within_48h.sum(), len(g), 100),
            "fcr_pct": _ratio(g.first_contact.sum(), g.is_resolved.sum(), 100),
            "aht_seconds_mean": handled.mean() if len(handled) else math.nan,
        }
    rated = t[t.is_resolved & t.csat.notna()]
    for (month, channel), g in rated.groupby(["resolved_month", "channel"]):
        row = figures.setdefault((month, channel), _no_tickets())
        row["ticket_csat_responses"] = len(g)
        row["ticket_csat_pct"] = _ratio((g.csat >= 4).sum(), len(g), 100)
    out = pd.DataFrame(
        [{"month_start": m, "contact_channel": c, **v} for (m, c), v in figures.items()]
    )
    out["ticket_csat_responses"] = out.ticket_csat_responses.fillna(0).astype(int)
    return out


def _no_tickets() -> dict[str, float]:
    return {
        "tickets": 0,
        "responded_24h_pct": math.nan,
        "responded_48h_pct": math.nan,
        "fcr_pct": math.nan,
        "aht_seconds_mean": math.nan,
    }
