"""Readers for the two landing formats: CSV with a header row, and JSON Lines.

A reader turns a decoded file into records, each with its physical line number and the exact
delivered text, so a record that cannot be parsed is quarantined with its raw content rather
than dropped. Values come out as text (``None`` for JSON null); typing is dbt's job.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import math
import re
import sys
from dataclasses import dataclass

from ingestion.encoding import has_undecodable
from ingestion.validation import Violation
from voc_core.contracts import FileFormat, Reason

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))

_NON_IDENTIFIER = re.compile(r"[^0-9a-z_]+")


@dataclass
class RawRecord:
    """One delivered record: its line, raw text, parsed values (None if unparseable)."""

    line_number: int
    raw: str
    values: dict[str, str | None] | None
    error: Violation | None = None


@dataclass
class ParsedFile:
    """The column names a file delivers (normalised) and its records."""

    columns: list[str]
    records: list[RawRecord]


@functools.lru_cache(maxsize=4096)  # called for every key of every JSON record
def normalise_column(name: str) -> str:
    """``" Response ID"`` -> ``"response_id"``: exports differ in case, spaces and BOMs."""
    cleaned = name.replace("\ufeff", "").strip().lower()
    return _NON_IDENTIFIER.sub("_", cleaned).strip("_") or "unnamed"


def _unique(names: list[str]) -> list[str]:
    """Make repeated header names unique (``x``, ``x_2``) so no delivered value is lost."""
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name}_{seen[name]}")
    return out


class _LineTap:
    """Feeds lines to ``csv.reader`` and remembers them, to recover each record's raw text."""

    def __init__(self, text: str):
        self._lines = iter(io.StringIO(text, newline=""))
        self.consumed: list[str] = []
        self.line_number = 0

    def __iter__(self) -> _LineTap:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.consumed.append(line)
        self.line_number += 1
        return line

    def take(self) -> tuple[int, str]:
        """Start line and raw text of the record just read."""
        start = self.line_number - len(self.consumed) + 1
        raw = "".join(self.consumed)
        self.consumed = []
        return start, raw.rstrip("\r\n")


def read_csv(text: str) -> ParsedFile:
    """Parse CSV text whose first non-empty record is the header."""
    tap = _LineTap(text)
    reader = csv.reader(tap)
    header: list[str] | None = None
    records: list[RawRecord] = []
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            start, raw = tap.take()
            records.append(
                RawRecord(start, raw, None, Violation(Reason.MALFORMED_ROW, f"CSV error: {exc}"))
            )
            continue
        start, raw = tap.take()
        if not fields or all(f.strip() == "" for f in fields):
            continue  # a blank line is not a record
        if header is None:
            header = _unique([normalise_column(f) for f in fields])
            continue
        if has_undecodable(raw):
            records.append(_encoding_error(start, raw))
        elif len(fields) != len(header):
            message = f"expected {len(header)} fields, found {len(fields)}"
            records.append(RawRecord(start, raw, None, Violation(Reason.MALFORMED_ROW, message)))
        else:
            records.append(RawRecord(start, raw, dict(zip(header, fields, strict=True))))
    return ParsedFile(header or [], records)


def _json_value(value: object) -> str | None:
    """A JSON value as delivered text: strings as they are, others as JSON."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    kind = type(value)
    if kind is int:  # what json.dumps writes for them, without its encoder machinery
        return int.__repr__(value)
    if kind is float and math.isfinite(value):
        return float.__repr__(value)
    return json.dumps(value, ensure_ascii=False)


def read_jsonl(text: str) -> ParsedFile:
    """Parse JSON Lines text: one JSON object per non-blank line."""
    columns: dict[str, None] = {}
    records: list[RawRecord] = []
    for line_number, line in enumerate(io.StringIO(text, newline=None), start=1):
        raw = line.rstrip("\r\n")
        if not raw.strip():
            continue
        if has_undecodable(raw):
            records.append(_encoding_error(line_number, raw))
            continue
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as exc:
            message = f"not valid JSON: {exc.msg} at column {exc.colno}"
            records.append(
                RawRecord(line_number, raw, None, Violation(Reason.MALFORMED_JSON, message))
            )
            continue
        if not isinstance(obj, dict):
            message = f"expected a JSON object, found {type(obj).__name__}"
            records.append(
                RawRecord(line_number, raw, None, Violation(Reason.MALFORMED_JSON, message))
            )
            continue
        values = {normalise_column(str(k)): _json_value(v) for k, v in obj.items()}
        columns.update(dict.fromkeys(values))
        records.append(RawRecord(line_number, raw, values))
    return ParsedFile(list(columns), records)


def _encoding_error(line_number: int, raw: str) -> RawRecord:
    message = "bytes that do not decode in the file's encoding"
    return RawRecord(line_number, raw, None, Violation(Reason.ENCODING_ERROR, message))


def read_records(text: str, file_format: FileFormat) -> ParsedFile:
    """Dispatch on the source's format."""
    return read_csv(text) if file_format == "csv" else read_jsonl(text)
