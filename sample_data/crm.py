"""CRM snapshots: a full export at the start, then monthly deltas of new and changed customers.

"Latest file wins per customer" (CHANNELS.md), so a delta carries the whole row as of its
date: a tier upgrade, a new phone number or an account closure re-delivers the customer.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from random import Random

from sample_data.entities import Customer, Window, email_address, tier_at
from sample_data.items import Item


@dataclass(frozen=True)
class Snapshot:
    """One CRM export: its date, whether it is the full one, and its rows."""

    as_of: date
    full: bool
    items: list[Item]


def _midnight(d: date) -> datetime:
    return datetime(d.year, d.month, d.day)


def _row(c: Customer, as_of: datetime, seed: int) -> Item:
    phone, email = c.phone, c.email
    if c.contact_change_at is not None and c.contact_change_at < as_of:
        changed = Random(f"{seed}:contact:{c.idx}")
        if changed.random() < 0.5 or not email:
            email = email_address(changed)
        else:
            if phone.startswith("1"):
                phone = phone[:3] + f"{changed.randint(0, 99_999_999):08d}"
    closed = c.closed_at if c.closed_at is not None and c.closed_at < as_of else None
    values = {
        "customer_id": c.customer_id,
        "registered_at": c.registered,
        "birth_year": c.birth_year,
        "gender": c.gender,
        "city": c.city,
        "tier": tier_at(c, as_of),
        "phone": phone,
        "email": email,
        "closed_at": closed,
    }
    return Item("crm_customer", c.registered, values)


def _changed_between(c: Customer, lo: datetime, hi: datetime) -> bool:
    return c.registered < hi and any(
        t is not None and lo <= t < hi
        for t in (c.registered, c.upgrade_at, c.closed_at, c.contact_change_at)
    )


def snapshots(
    customers: list[Customer], start: date, dates: list[date], seed: int
) -> Iterator[Snapshot]:
    """The full snapshot as of ``start``, then one delta per date in ``dates``."""
    first = _midnight(start)
    yield Snapshot(start, True, [_row(c, first, seed) for c in customers if c.registered < first])
    previous = first
    for d in dates:
        as_of = _midnight(d)
        rows = [_row(c, as_of, seed) for c in customers if _changed_between(c, previous, as_of)]
        yield Snapshot(d, False, rows)
        previous = as_of


def crm_snapshot_dates(window: Window) -> list[date]:
    """The first of each month inside the window, then the day after the window."""
    out = []
    d = date(window.start.year, window.start.month, 1)
    while True:
        d = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
        if d > window.end:
            break
        out.append(d)
    after = window.end + timedelta(days=1)
    if not out or out[-1] != after:
        out.append(after)
    return out
