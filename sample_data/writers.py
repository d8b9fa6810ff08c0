"""Landing files: CSV and JSON Lines sinks that know their encoding and line numbers.

A sink writes one file, encoding each record as it goes (files are streamed, never built in
memory), and returns the physical line on which each record starts so defects can be
recorded exactly where the loader will find them. ``Rotator`` switches to a new file when the
period label changes (a week, a month) as the day-by-day generation moves on.
"""

from __future__ import annotations

import codecs
import os
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from random import Random

from sample_data.messiness import UTC_OFFSET, format_iso


@dataclass
class FileStyle:
    """How one exported file renders values."""

    encoding: str = "utf-8"  # utf-8 | utf-8-sig | gb18030 | big5
    newline: str = "\n"
    layouts: tuple[str, ...] = ("%Y-%m-%d %H:%M:%S",)  # CSV timestamp layouts (mixed if > 1)
    date_layout: str = "%Y-%m-%d"
    iso_mode: str = "offset"  # JSON: offset | z | ms | naive
    ensure_ascii: bool = False  # JSON: \\u escapes instead of raw characters

    def timestamp(self, dt: datetime, rng: Random, iso_mode: str | None = None) -> str:
        """Render a local timestamp the way this file does."""
        if iso_mode is not None:
            return format_iso(dt, iso_mode, rng)
        layout = self.layouts[0] if len(self.layouts) == 1 else rng.choice(self.layouts)
        if layout == "iso":
            return format_iso(dt, "offset", rng)
        return dt.strftime(layout)


@dataclass
class FileInfo:
    """One delivered file, for the ground truth and the summary."""

    source: str
    rel_path: str
    encoding: str
    kind: str
    delivered_at: datetime
    rows: int = 0
    columns: list[str] = field(default_factory=list)
    #: Pure ASCII content reads the same in every encoding (no way to tell GB18030 apart).
    ascii_only: bool = True


def csv_field(value: object) -> str:
    """One CSV field, quoted only when needed (like ``csv.QUOTE_MINIMAL``)."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if '"' in text or "," in text or "\n" in text or "\r" in text:
        return '"' + text.replace('"', '""') + '"'
    return text


class _Sink:
    def __init__(self, root: Path, info: FileInfo, style: FileStyle):
        self.info = info
        self.style = style
        path = root / info.rel_path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._file = open(path, "wb", buffering=1 << 16)  # noqa: SIM115 - closed in close()
        codec = "utf-8" if style.encoding == "utf-8-sig" else style.encoding
        self._codec = codecs.lookup(codec).name
        if style.encoding == "utf-8-sig":
            self._file.write(codecs.BOM_UTF8)
        self.next_line = 1

    def _write_text(self, text: str) -> int:
        """Write ``text`` (one record and its terminator); return its first line number."""
        start = self.next_line
        if self.info.ascii_only and not text.isascii():
            self.info.ascii_only = False
        self._file.write(text.encode(self._codec))
        self.next_line += text.count("\n")
        return start

    def close(self) -> None:
        self._file.close()


class CsvSink(_Sink):
    """A CSV file with a header row."""

    def __init__(self, root: Path, info: FileInfo, style: FileStyle, header: Sequence[str]):
        super().__init__(root, info, style)
        self.header = list(header)
        info.columns = self.header
        self._write_text(",".join(csv_field(h) for h in self.header) + style.newline)

    def write_fields(self, fields: Sequence[object]) -> int:
        """Write one record (any number of fields); return the line it starts on."""
        self.info.rows += 1
        return self._write_text(",".join(csv_field(f) for f in fields) + self.style.newline)


class JsonlSink(_Sink):
    """A JSON Lines file; ``info.columns`` collects the keys its objects use."""

    def __init__(self, root: Path, info: FileInfo, style: FileStyle):
        super().__init__(root, info, style)
        self._keys: dict[str, None] = {}

    def write_line(self, line: str, keys: Sequence[str] = ()) -> int:
        self.info.rows += 1
        for key in keys:
            if key not in self._keys:
                self._keys[key] = None
                self.info.columns.append(key)
        return self._write_text(line + self.style.newline)


class Rotator:
    """Keeps one sink open per stream and opens the next when the period label changes."""

    def __init__(self, opener: Callable[[str], _Sink]):
        self._opener = opener
        self.label: str | None = None
        self.sink: _Sink | None = None

    def get(self, label: str) -> _Sink:
        if label != self.label:
            self.close()
            self.sink = self._opener(label)
            self.label = label
        assert self.sink is not None
        return self.sink

    def close(self) -> None:
        if self.sink is not None:
            self.sink.close()
            self.sink = None
            self.label = None


def week_start(day: date) -> date:
    """Monday of the ISO week of ``day``."""
    return day - timedelta(days=day.weekday())


def delivery_time(period_end: date, window_end: date) -> datetime:
    """Files land at 02:00 the day after their period (the last one on the window's last day)."""
    land = min(period_end + timedelta(days=1), window_end + timedelta(days=1))
    return datetime(land.year, land.month, land.day, 2, 0)


def set_delivery_mtimes(root: Path, files: Sequence[FileInfo]) -> None:
    """Give each file its delivery time as mtime, so tools that sort by time see the order."""
    for info in files:
        epoch = (info.delivered_at - UTC_OFFSET - datetime(1970, 1, 1)).total_seconds()
        os.utime(root / info.rel_path, (epoch, epoch))


def reset_folders(root: Path, names: Sequence[str]) -> None:
    """Remove the source folders this generator owns, so a rerun leaves no stale files."""
    root.mkdir(parents=True, exist_ok=True)
    for name in names:
        target = root / name
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
