"""Hold back the newest ~1% of every periodic delivery stream, to replay as a nightly refresh.

The generator writes one file per period (a week, a month) per stream, each file in time order
(days in sequence, items sorted by time within a day), so the last records of a stream's newest
file are its newest records. ``hold_back`` cuts, from the newest file of every stream with at
least ``MIN_FILES`` files, a tail of whole records amounting to ``share`` of the stream's
records, and moves it into a file of its own in ``held_dir`` (same bytes: the CSV header line
and any BOM are repeated, nothing is re-encoded). ``release`` moves those files into the
landing folder: the next run sees one new file per stream, as after a night's deliveries.

A *stream* is a source's files whose names match once digits are masked
(``orders_20261026.csv`` -> ``orders_#.csv``), so one-off files (the correction, the rejected
manual upload, the improvement actions) are left alone; the duplicated delivery and its
original are not cut either, so the duplicate stays a duplicate.

Record boundaries: JSON Lines split at newlines. CSV records may hold quoted newlines, so they
are found with the ``csv`` module over the bytes decoded as Latin-1 (one character per byte;
in UTF-8, GB18030 and Big5 neither ``"`` nor a newline byte occurs inside a multi-byte
character, so the boundaries found are those of the real encoding).
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path

MIN_FILES = 4
TAIL_SUFFIX = "_late"


@dataclass
class HeldFile:
    source: str
    stream: str
    original: str
    held: str
    stream_records: int
    records_held: int
    records_kept: int


def _lines(data: bytes) -> list[bytes]:
    return data.splitlines(keepends=True)


def _csv_record_ends(data: bytes) -> list[int]:
    """Byte offset just past each CSV record (the header included)."""
    lines = _lines(data)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    reader = csv.reader(io.StringIO(data.decode("latin-1"), newline=""))
    ends = []
    for _ in reader:
        ends.append(offsets[min(reader.line_num, len(lines))])
    return ends


def _jsonl_record_ends(data: bytes) -> list[int]:
    ends, pos = [], 0
    for line in _lines(data):
        pos += len(line)
        if line.strip():
            ends.append(pos)
    return ends


def _records(path: Path, data: bytes) -> tuple[bytes, list[int]]:
    """(prefix to repeat in a tail file, end offset of every data record)."""
    if path.suffix.lower() == ".csv":
        ends = _csv_record_ends(data)
        if not ends:
            return b"", []
        header = data[: ends[0]]
        return header, ends[1:]
    bom = b"\xef\xbb\xbf" if data.startswith(b"\xef\xbb\xbf") else b""
    return bom, _jsonl_record_ends(data)


def _stream_name(path: Path) -> str:
    return re.sub(r"\d+", "#", path.name)


def _protected(truth_dir: Path | None) -> set[str]:
    """Files that must stay whole: the duplicate delivery and its original."""
    if truth_dir is None or not (truth_dir / "deliveries.json").exists():
        return set()
    deliveries = json.loads((truth_dir / "deliveries.json").read_text(encoding="utf-8"))
    dup = deliveries.get("duplicate_file") or {}
    return {p for p in (dup.get("duplicate"), dup.get("original")) if p}


def hold_back(
    landing: Path, held_dir: Path, share: float = 0.01, truth_dir: Path | None = None
) -> list[HeldFile]:
    """Cut the newest ``share`` of every stream out of ``landing`` into ``held_dir``."""
    protected = _protected(truth_dir)
    held: list[HeldFile] = []
    for source_dir in sorted(p for p in landing.iterdir() if p.is_dir()):
        streams: dict[str, list[Path]] = {}
        for f in sorted(source_dir.iterdir()):
            if f.is_file() and not f.name.startswith("."):
                streams.setdefault(_stream_name(f), []).append(f)
        for stream, files in sorted(streams.items()):
            files = [f for f in files if f"{source_dir.name}/{f.name}" not in protected]
            if len(files) < MIN_FILES:
                continue
            counts = {f: len(_records(f, f.read_bytes())[1]) for f in files}
            total = sum(counts.values())
            newest = max(files, key=lambda f: (f.stat().st_mtime, f.name))
            data = newest.read_bytes()
            prefix, ends = _records(newest, data)
            n_hold = min(len(ends) - 1, round(total * share))
            if n_hold <= 0:
                continue
            cut = ends[len(ends) - n_hold - 1]
            stat = newest.stat()
            target = held_dir / source_dir.name / f"{newest.stem}{TAIL_SUFFIX}{newest.suffix}"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(prefix + data[cut:])
            newest.write_bytes(data[:cut])
            os.utime(newest, (stat.st_atime, stat.st_mtime))
            # Delivered the next night: a day after the file it continues.
            os.utime(target, (stat.st_atime + 86_400, stat.st_mtime + 86_400))
            held.append(
                HeldFile(
                    source=source_dir.name,
                    stream=stream,
                    original=f"{source_dir.name}/{newest.name}",
                    held=f"{source_dir.name}/{target.name}",
                    stream_records=total,
                    records_held=n_hold,
                    records_kept=len(ends) - n_hold,
                )
            )
    return held


def release(held_dir: Path, landing: Path) -> list[str]:
    """Move the held files into the landing folder (keeping their mtimes)."""
    moved = []
    for f in sorted(held_dir.glob("*/*")):
        dest = landing / f.parent.name / f.name
        shutil.move(str(f), str(dest))
        moved.append(f"{f.parent.name}/{f.name}")
    return moved


def summary(held: list[HeldFile]) -> dict[str, object]:
    return {
        "method": (
            f"the newest {MIN_FILES}+-file streams' tails: from the newest file of every "
            "periodic stream, whole records at its end amounting to 1% of the stream's records "
            "are cut into a separate file (header/BOM repeated, bytes unchanged) and held back; "
            "history is loaded without them, then they are delivered (mtime +1 day) and the "
            "refresh runs"
        ),
        "records_held": sum(h.records_held for h in held),
        "files": [asdict(h) for h in held],
    }
