"""Delivery mishaps that are not about single rows: a correction, a file sent twice.

* ``Correction``: the ticket system exports a week while some of its cases are still open;
  a later file re-delivers those tickets (same ``ticket_id``) in their final state, plus two
  cases re-prioritised after review. Downstream, the latest delivery wins.
* ``write_duplicate``: one app-review file arrives a second time under another name.
"""

from __future__ import annotations

import hashlib
import shutil
from datetime import date, datetime, timedelta

from sample_data.entities import Window
from sample_data.items import Item
from sample_data.layout import Layout
from sample_data.rows import RowWriter
from sample_data.writers import FileInfo, delivery_time, week_start

_RAISED_PRIORITY = {"low": "medium", "medium": "high", "high": "urgent"}


def _show(value: object) -> str | None:
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M:%S}"
    return None if value is None else str(value)


class Correction:
    """Stages the corrected week's tickets as they are written, then writes the correction."""

    def __init__(self, window: Window, target_week: date):
        self.window = window
        self.target_week = target_week
        self.week: date | None = None
        self.entries: list[tuple[Item, str, dict]] = []  # final row, key, changed fields

    def stage(self, item: Item) -> None:
        """Called for every ticket before it is written; may change what the weekly file shows."""
        week = week_start(item.when.date())
        if week < self.target_week:
            return
        if self.week is None:
            self.week = week  # the first week at or after the target that has tickets
        if week != self.week:
            return
        exported = delivery_time(week + timedelta(days=6), self.window.end)
        values = item.values
        final = dict(values)
        resolved = values.get("resolved_at")
        if resolved is not None and resolved > exported:
            values.update(status="pending", resolved_at=None, csat=None, resolution="")
            first = values.get("first_response_at")
            if first is not None and first > exported:
                values["first_response_at"] = None
        elif len(self.entries) < 2 and values["priority"] in _RAISED_PRIORITY:
            final["priority"] = _RAISED_PRIORITY[values["priority"]]
        else:
            return
        changes = {k: (values.get(k), final[k]) for k in final if values.get(k) != final[k]}
        item.protect = True  # keep both versions loadable
        final_item = Item("support_ticket", item.when, final, protect=True)
        self.entries.append((final_item, str(values["ticket_id"]), changes))

    def write(self, layout: Layout, rows: RowWriter) -> dict:
        """Write the correction file (two weeks after the corrected one); describe it."""
        if not self.entries or self.week is None:
            return {}
        label = min(self.week + timedelta(days=14), week_start(self.window.end))
        rel = f"support_ticket/support_tickets_{label:%Y%m%d}_corrections.csv"
        original = next(
            f.rel_path
            for f in layout.files
            if f.source == "support_ticket" and f.rel_path.endswith(f"{self.week:%Y%m%d}.csv")
        )
        latest = max((i.values.get("resolved_at") or i.when) for i, _, _ in self.entries)
        delivered = max(
            delivery_time(label + timedelta(days=6), self.window.end), latest + timedelta(hours=1)
        )
        # The same ticket system exports the correction: same encoding and layouts.
        sink = layout.open_fixed(
            "support_ticket", rel, layout.styles[original], "correction", delivered
        )
        for item, _, _ in self.entries:
            sink.write_fields(
                [rows.render_csv(item.values.get(n), sink.style) for n in sink.header]
            )
        sink.close()
        return {
            "source": "support_ticket",
            "file": rel,
            "corrects_file": original,
            "keys": [key for _, key, _ in self.entries],
            "changes": {
                key: {k: [_show(a), _show(b)] for k, (a, b) in changes.items()}
                for _, key, changes in self.entries
            },
        }


def write_duplicate(layout: Layout) -> dict:
    """Deliver the middle app-review file again as ``..._resend.jsonl`` (same bytes)."""
    candidates = sorted(
        (f for f in layout.files if f.source == "app_review"), key=lambda f: f.rel_path
    )
    if not candidates:
        return {}
    original = candidates[len(candidates) // 2]
    rel = original.rel_path.replace(".jsonl", "_resend.jsonl")
    shutil.copyfile(layout.root / original.rel_path, layout.root / rel)
    layout.add(
        FileInfo(
            "app_review",
            rel,
            original.encoding,
            "duplicate",
            original.delivered_at + timedelta(days=1),
            original.rows,
            list(original.columns),
            original.ascii_only,
        )
    )
    digest = hashlib.sha256((layout.root / rel).read_bytes()).hexdigest()
    return {
        "source": "app_review",
        "original": original.rel_path,
        "duplicate": rel,
        "rows": original.rows,
        "sha256": digest,
    }
