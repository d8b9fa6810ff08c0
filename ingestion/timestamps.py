"""Parse the timestamp layouts of the landing contract in Python, as the loader does.

The layouts and the ISO-with-offset pattern are ``voc_core.timestamps``'s, the one definition
the staging models and the quality suites read in SQL.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from voc_core.timestamps import DATE_FORMATS, ISO_WITH_OFFSET, NAIVE_TIMESTAMP_FORMATS

#: How far past the load time a timestamp may lie before it counts as "in the future":
#: clocks of source systems drift a little.
FUTURE_TOLERANCE = timedelta(hours=1)


def parse_timestamp(value: str, local_tz: str) -> datetime | None:
    """The instant ``value`` denotes, as an aware UTC datetime, or None if unparseable.

    Naive layouts are read in ``local_tz``, the time zone the source writes in.
    """
    text = value.strip()
    if ISO_WITH_OFFSET.match(text):
        normalised = text[:-1] + "+00:00" if text.endswith("Z") else text
        # Python < 3.11 does not read fractions other than 3 or 6 digits: trim to 6.
        normalised = re.sub(r"(\.\d{6})\d+", r"\1", normalised)
        try:
            return datetime.fromisoformat(normalised).astimezone(timezone.utc)
        except ValueError:
            return None
    naive = _fast_naive(text)
    if naive is None:
        for layout in NAIVE_TIMESTAMP_FORMATS:
            try:
                naive = datetime.strptime(text, layout)
            except ValueError:
                continue
            break
        else:
            return None
    return naive.replace(tzinfo=ZoneInfo(local_tz)).astimezone(timezone.utc)


#: Zero-padded layouts of ``NAIVE_TIMESTAMP_FORMATS`` that ``datetime.fromisoformat`` reads
#: exactly as ``strptime`` does (it is written in C: the loader parses every timestamp).
_FAST_DASHED = re.compile(
    r"^\d{4}-\d{2}-\d{2}(?: \d{2}:\d{2}(?::\d{2}(?:\.\d{6})?)?|T\d{2}:\d{2}:\d{2})?$"
)
_FAST_SLASHED = re.compile(r"^\d{4}/\d{2}/\d{2}(?: \d{2}:\d{2}(?::\d{2})?)?$")


def _fast_naive(text: str) -> datetime | None:
    """``text`` parsed by ``fromisoformat`` when it has one of the layouts above, else None
    (the caller then tries every layout with ``strptime``)."""
    if _FAST_SLASHED.match(text):
        text = text.replace("/", "-")
    elif not _FAST_DASHED.match(text):
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def parse_date(value: str) -> date | None:
    """A calendar date in one of the accepted date layouts, or None."""
    text = value.strip()
    for layout in DATE_FORMATS:
        try:
            return datetime.strptime(text, layout).date()
        except ValueError:
            continue
    return None
