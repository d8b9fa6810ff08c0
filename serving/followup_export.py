"""The open follow-up queue as one CSV file per owning team, for people without a BI tool.

``export_followup_queue`` writes ``<export_dir>/followup_<team>.csv`` for every team of
``marts.fct_followup``: the team's items whose status is ``open`` or ``overdue``, most urgent
first (priority, then due time), in the columns a team lead reads left to right: priority,
due time, status, topic, source, when the customer wrote, the feedback id to look it up,
why it has its priority, and the masked text. Times are in the business time zone (e.g.
Asia/Shanghai), written ``YYYY-MM-DD HH:MM`` so Excel reads them as times; the header names
the zone.

- UTF-8 with a byte order mark, so Excel opens Chinese text correctly; CRLF line ends.
- Masked text only: ``text_clean`` is masked by the pipeline and masked once more here.
  Cells that Excel would run as a formula (starting with ``=``, ``+``, ``-``, ``@``) get a
  leading ``'``: customer text must never become a formula on a team lead's machine.
- A team whose queue emptied keeps its file, rewritten with the header alone: an empty file
  says "nothing open" where a missing one could mean "export broken", and a stale list never
  survives. Any ``followup_*.csv`` in the folder that no team produced any more (a team
  renamed away) is emptied the same way; nothing else in the folder is touched.
- Each file is written beside its target and renamed into place (atomic): a reader sees the
  old file or the new one. An unchanged file is left alone (same bytes, same mtime).
- File names are safe for any team name: Chinese stays, anything but letters, digits, ``-``
  and ``_`` becomes ``_``, and a name that had to change gets a short hash of the original
  so two teams never share a file. A team left empty in the mart is ``未分配``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import duckdb

from text_analytics.pii import mask_pii
from voc_core.catalog import relation_exists

FOLLOWUP_RELATION = ("marts", "fct_followup")
OPEN_STATUSES = ("open", "overdue")
UNASSIGNED_TEAM = "未分配"
FILE_PREFIX = "followup_"
FILE_SUFFIX = ".csv"
MAX_NAME_CHARS = 60

_UNSAFE = re.compile(r"[^\w\-]", re.UNICODE)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class ExportReport:
    """What one export did. ``outcome``: ``no_followup_table`` or ``written``."""

    outcome: str
    export_dir: Path
    #: Rows of each team's file, by file name (teams with nothing open: 0).
    rows_by_file: dict[str, int] = field(default_factory=dict)
    #: Files of this run whose bytes changed (or that are new).
    changed: list[str] = field(default_factory=list)
    #: Old ``followup_*.csv`` files of no current team, rewritten with the header alone.
    emptied: list[str] = field(default_factory=list)

    @property
    def total_rows(self) -> int:
        return sum(self.rows_by_file.values())

    @property
    def summary(self) -> str:
        if self.outcome == "no_followup_table":
            return "marts.fct_followup does not exist yet: nothing exported"
        return (
            f"{len(self.rows_by_file)} team files ({self.total_rows} open items) in "
            f"{self.export_dir}, {len(self.changed)} changed, {len(self.emptied)} old emptied"
        )


def team_file_name(team: str) -> str:
    """``followup_<team>.csv`` with a name safe on every file system (see the docstring)."""
    safe = _UNSAFE.sub("_", team.strip())[:MAX_NAME_CHARS] or "_"
    if safe != team:
        safe += "_" + hashlib.sha1(team.encode("utf-8")).hexdigest()[:8]
    return f"{FILE_PREFIX}{safe}{FILE_SUFFIX}"


def header(business_timezone: str) -> list[str]:
    return [
        "priority",
        f"due_at ({business_timezone})",
        "status",
        "topic",
        "source",
        f"created_at ({business_timezone})",
        "feedback_id",
        "source_record_id",
        "customer_id",
        "priority_reasons",
        "text_clean",
    ]


def _local(moment: datetime | None, zone: ZoneInfo) -> str:
    """A naive UTC timestamp as ``YYYY-MM-DD HH:MM`` in ``zone``."""
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def _cell(value: Any) -> str:
    """A text cell Excel will not evaluate."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _csv_bytes(columns: Sequence[str], rows: Iterable[Sequence[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def write_atomically(path: Path, content: bytes) -> bool:
    """Write ``content`` to ``path`` through a temporary file renamed into place; False (and
    nothing written) when the file already holds exactly these bytes."""
    try:
        if path.read_bytes() == content:
            return False
    except FileNotFoundError:
        pass
    handle, temp_name = tempfile.mkstemp(dir=path.parent, prefix=".followup-", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as temp:
            temp.write(content)
            temp.flush()
            os.fsync(temp.fileno())
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    return True


def export_followup_queue(
    con: duckdb.DuckDBPyConnection, export_dir: Path, business_timezone: str
) -> ExportReport:
    """Write one CSV file per team of ``marts.fct_followup`` (see the module's docstring)."""
    export_dir = Path(export_dir)
    if not relation_exists(con, *FOLLOWUP_RELATION):
        return ExportReport("no_followup_table", export_dir)
    zone = ZoneInfo(business_timezone)
    team = f"coalesce(nullif(trim(owner_team), ''), '{UNASSIGNED_TEAM}')"
    relation = ".".join(FOLLOWUP_RELATION)
    teams = [r[0] for r in con.execute(f"select distinct {team} from {relation}").fetchall()]
    rows = con.execute(
        f"select {team}, priority, due_at, status, topic, source, created_at, feedback_id,"
        f" source_record_id, customer_id, priority_reasons, text_clean from {relation}"
        f" where status in ({', '.join('?' for _ in OPEN_STATUSES)})"
        " order by 1, priority nulls last, due_at nulls last, created_at, feedback_id",
        list(OPEN_STATUSES),
    ).fetchall()
    by_team: dict[str, list[list[str]]] = {t: [] for t in teams}
    for (
        owner,
        priority,
        due_at,
        status,
        topic,
        source,
        created_at,
        fid,
        record_id,
        customer_id,
        reasons,
        text,
    ) in rows:
        masked, _ = mask_pii(" ".join(str(text).split())) if text else ("", [])
        by_team.setdefault(owner, []).append(
            [
                _cell(priority),
                _local(due_at, zone),
                _cell(status),
                _cell(topic),
                _cell(source),
                _local(created_at, zone),
                _cell(fid),
                _cell(record_id),
                _cell(customer_id),
                _cell("; ".join(str(r) for r in reasons or [] if r is not None)),
                _cell(masked),
            ]
        )

    export_dir.mkdir(parents=True, exist_ok=True)
    columns = header(business_timezone)
    rows_by_file: dict[str, int] = {}
    changed: list[str] = []
    for owner in sorted(by_team):
        name = team_file_name(owner)
        rows_by_file[name] = rows_by_file.get(name, 0) + len(by_team[owner])
        if write_atomically(export_dir / name, _csv_bytes(columns, by_team[owner])):
            changed.append(name)
    emptied = []
    for path in sorted(export_dir.glob(f"{FILE_PREFIX}*{FILE_SUFFIX}")):
        stale = path.name not in rows_by_file and path.is_file()
        if stale and write_atomically(path, _csv_bytes(columns, [])):
            emptied.append(path.name)
    return ExportReport("written", export_dir, rows_by_file, changed, emptied)
