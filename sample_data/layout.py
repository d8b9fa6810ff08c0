"""Where rows land: file names, periods, headers and the export style of every file.

Each source delivers one file per week (store cards of Taiwan and Hong Kong stores: one Big5
file per month). A file's style (encoding, line ending, timestamp layout) is drawn when it
is opened, as each export is produced by whichever tool the sender used that week.
"""

from __future__ import annotations

import calendar
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path
from random import Random

from sample_data.entities import Window
from sample_data.messiness import CSV_LAYOUTS, DATE_LAYOUTS
from sample_data.writers import (
    CsvSink,
    FileInfo,
    FileStyle,
    JsonlSink,
    Rotator,
    delivery_time,
    week_start,
)
from voc_core.contracts import SOURCES

#: Mainland Excel exports label columns for people; the loader normalises them.
TITLE_CASE = {
    "response_id": "Response ID",
    "customer_id": "Customer ID",
    "survey_type": "Survey Type",
    "score": "Score",
    "submitted_at": "Submitted At",
    "touchpoint": "Touchpoint",
    "comment": "Comment",
    "store_id": "Store ID",
    "language": "Language",
    "campaign_id": "Campaign ID",
}
_FROM_TITLE = {v: k for k, v in TITLE_CASE.items()}
#: The store whose hand-made export lacks ``visit_date`` (the whole file is rejected).
MISSING_COLUMN_STORE = "S012"
MANUAL_HEADER = ["card_id", "store_id", "date", "rating", "comment"]
#: Style rolls that pick GB18030 and UTF-8 with BOM in ``_style_for``, per source: the second
#: and third file of these Excel-exported sources, so even a short sample has both.
_EXCEL_ROLLS = {"survey": (0.7, 0.9), "support_ticket": (0.0, 0.6), "store_card": (0.0, 0.6)}


def contract_names(sink: CsvSink) -> list[str]:
    """Contract column names of a CSV sink's header (title-cased exports map back)."""
    return [_FROM_TITLE.get(h, h) for h in sink.header]


class Layout:
    """Opens the landing files of a run and keeps the list of everything delivered."""

    def __init__(self, root: Path, window: Window, rng: Random, survey_drift_day: int):
        self.root = root
        self.window = window
        self.rng = rng
        self.survey_drift_day = survey_drift_day
        self.files: list[FileInfo] = []
        self.styles: dict[str, FileStyle] = {}
        self._rotators: dict[tuple[str, str], Rotator] = {}
        self._opened: Counter = Counter()

    def sink(self, source: str, stream: str, day: date) -> CsvSink | JsonlSink:
        """The open file for a row of ``source`` on ``day`` (opening the next one if due)."""
        key = (source, stream)
        if key not in self._rotators:
            self._rotators[key] = Rotator(
                lambda label, s=source, st=stream: self._open(s, st, date.fromisoformat(label))
            )
        return self._rotators[key].get(self._label(stream, day))

    def close(self) -> None:
        for rotator in self._rotators.values():
            rotator.close()

    def open_fixed(
        self, source: str, rel: str, style: FileStyle, kind: str, delivered: datetime
    ) -> CsvSink:
        """A one-off CSV file (snapshot, action list, correction) with the contract header."""
        info = FileInfo(source, rel, style.encoding, kind, delivered)
        self.files.append(info)
        self.styles[rel] = style
        return CsvSink(self.root, info, style, SOURCES[source].columns)

    def add(self, info: FileInfo) -> None:
        """Register a file written by other means (a copy)."""
        self.files.append(info)

    # -- internals ---------------------------------------------------------------------

    @staticmethod
    def _label(stream: str, day: date) -> str:
        if stream == "twhk":
            return date(day.year, day.month, 1).isoformat()
        if stream == "manual":
            return day.isoformat()
        return week_start(day).isoformat()

    def _open(self, source: str, stream: str, label: date) -> CsvSink | JsonlSink:
        rel, period_end = self._file_name(source, stream, label)
        style = self._style_for(source, stream)
        self.styles[rel] = style
        kind = "missing_required_column" if stream == "manual" else "regular"
        info = FileInfo(
            source, rel, style.encoding, kind, delivery_time(period_end, self.window.end)
        )
        self.files.append(info)
        if SOURCES[source].file_format == "jsonl":
            return JsonlSink(self.root, info, style)
        header = self._header(source, stream, label)
        if style.encoding == "gb18030" and source == "survey":
            header = [TITLE_CASE.get(h, h) for h in header]
        return CsvSink(self.root, info, style, header)

    def _header(self, source: str, stream: str, label: date) -> list[str]:
        if stream == "manual":
            return MANUAL_HEADER
        columns = list(SOURCES[source].columns)
        if source == "survey" and (label - self.window.start).days >= self.survey_drift_day:
            columns.append("campaign_id")
        return columns

    @staticmethod
    def _file_name(source: str, stream: str, label: date) -> tuple[str, date]:
        """Relative path of a period's file and the period's last day."""
        week_end = label + timedelta(days=6)
        weekly = {
            "survey": f"survey/survey_export_{label:%Y-%m-%d}.csv",
            "support_ticket": f"support_ticket/support_tickets_{label:%Y%m%d}.csv",
            "order": f"order/orders_{label:%Y%m%d}.csv",
            "app_review": f"app_review/app_reviews_{label:%Y%m%d}.jsonl",
            "ecommerce_review": f"ecommerce_review/marketplace_reviews_{label:%Y%m%d}.jsonl",
            "social": f"social/social_mentions_{label:%Y%m%d}.jsonl",
        }
        if source in weekly:
            return weekly[source], week_end
        if stream == "twhk":
            last = calendar.monthrange(label.year, label.month)[1]
            month_end = date(label.year, label.month, last)
            return f"store_card/store_cards_twhk_{label:%Y%m}.csv", month_end
        if stream == "manual":
            return (
                f"store_card/store_cards_{label:%Y-%m-%d}_{MISSING_COLUMN_STORE}_manual.csv",
                label,
            )
        year, week, _ = label.isocalendar()
        return f"store_card/store_cards_{year}-W{week:02d}.csv", week_end

    def _style_for(self, source: str, stream: str) -> FileStyle:
        rng = self.rng
        roll = rng.random()
        nth = self._opened[(source, stream)]
        self._opened[(source, stream)] += 1
        if source in _EXCEL_ROLLS and stream == "main" and nth in (1, 2):
            roll = _EXCEL_ROLLS[source][nth - 1]
        if stream == "twhk":
            return FileStyle("big5", "\r\n", date_layout="%Y/%m/%d")
        if stream == "manual":
            return FileStyle("utf-8-sig", "\r\n")
        if source == "survey":
            if roll < 0.6:
                if rng.random() < 0.9:
                    return FileStyle("utf-8", "\n", (rng.choice(CSV_LAYOUTS),))
                return FileStyle("utf-8", "\n", (*rng.sample(CSV_LAYOUTS, 3), "iso"))
            if roll < 0.85:
                return FileStyle("gb18030", "\r\n", ("%Y/%m/%d %H:%M",))
            return FileStyle("utf-8-sig", "\r\n", ("%Y-%m-%d %H:%M:%S",))
        if source == "support_ticket":
            layout = rng.choice((*CSV_LAYOUTS, "%Y-%m-%d %H:%M:%S.%f", "iso"))
            if roll < 0.45:
                return FileStyle("gb18030", "\r\n", ("%Y/%m/%d %H:%M:%S",))
            if roll < 0.65:
                return FileStyle("utf-8-sig", "\r\n", (layout,))
            return FileStyle("utf-8", "\n", (layout,))
        if source == "store_card":
            date_layout = rng.choice(DATE_LAYOUTS)
            encoding = "gb18030" if roll < 0.4 else ("utf-8-sig" if roll < 0.7 else "utf-8")
            newline = "\n" if encoding == "utf-8" else "\r\n"
            return FileStyle(encoding, newline, date_layout=date_layout)
        if source == "order":
            layout = "%Y-%m-%d %H:%M:%S" if roll < 0.8 else "%Y/%m/%d %H:%M:%S"
            return FileStyle("utf-8", "\n", (layout,))
        if SOURCES[source].file_format == "jsonl":
            return FileStyle("utf-8", "\n", iso_mode="offset", ensure_ascii=roll < 0.15)
        return FileStyle("utf-8", "\n")
