"""The ground truth: what the generator planted, for tests to compare the pipeline against.

Files (all UTF-8 CSV with a header, or JSON):

* ``feedback.csv`` - one row per distinct feedback record delivered: true sentiment, topics,
  per-topic sentiment, script, fake flag, and where it landed (file, line, quarantine reason);
* ``defects.csv`` - every planted row defect: source, file, line, reason, field;
* ``pii.csv`` - personal data (and look-alikes that are not personal) planted in texts;
* ``fake_reviews.csv`` - every fake review with its campaign and pattern;
* ``actions.csv`` - improvement actions with planned and realised negative shares, and the
  log-odds shift of a market-wide change that coincides with the launch (blank: none);
* ``market_shifts.csv`` - market-wide changes of a topic's negative share (``actions.py``);
* ``alert_spikes.csv`` - the negative spikes planted for the alerts mart (``spikes.py``);
* ``key_driver_effects.csv`` - each topic's planted effect on NPS and CSAT (``drivers.py``);
* ``files.csv`` - every landing file: kind, encoding, rows, delivery time, columns;
* ``deliveries.json`` - the duplicate file, the rejected file, the correction, schema drift;
* ``summary.json`` - the ``GenerationSummary``.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from sample_data.actions import EFFECT_WINDOW_DAYS, ImprovementAction, MarketShift
from sample_data.items import Item
from sample_data.phrases import NEGATIVE
from sample_data.writers import FileInfo

FEEDBACK_COLUMNS = (
    "source",
    "source_record_id",
    "true_sentiment",
    "true_topics",
    "topic_sentiments",
    "script",
    "is_fake",
    "has_text",
    "quarantine_reason",
    "file",
    "line",
)


@dataclass
class _Side:
    mentions: int = 0
    negative: int = 0
    csat: int = 0
    csat_top2: int = 0
    nps: int = 0
    promoters: int = 0
    detractors: int = 0

    def negative_share(self) -> float | None:
        return round(self.negative / self.mentions, 4) if self.mentions else None

    def csat_pct(self) -> float | None:
        return round(100 * self.csat_top2 / self.csat, 2) if self.csat else None

    def nps_value(self) -> float | None:
        return round(100 * (self.promoters - self.detractors) / self.nps, 2) if self.nps else None


@dataclass
class ActionTally:
    """Realised before/after figures of one action, from the planted truth (fakes excluded)."""

    action: ImprovementAction
    before: _Side = field(default_factory=_Side)
    after: _Side = field(default_factory=_Side)

    def add(self, item: Item, day: int) -> None:
        a = self.action
        if not a.launch_day - EFFECT_WINDOW_DAYS <= day < a.launch_day + EFFECT_WINDOW_DAYS:
            return
        if not a.in_scope(item.source, item.store_id):
            return
        side = self.before if day < a.launch_day else self.after
        truth = item.truth
        assert truth is not None
        for aspect in truth.aspects:
            if aspect.topic == a.topic:
                side.mentions += 1
                side.negative += aspect.polarity == NEGATIVE
        if truth.score is not None:
            kind, score = truth.score
            if kind == "csat":
                side.csat += 1
                side.csat_top2 += score >= 4
            elif kind == "nps":
                side.nps += 1
                side.promoters += score >= 9
                side.detractors += score <= 6


class TruthRecorder:
    """Streams the per-row truth files and keeps the small aggregates in memory."""

    def __init__(self, truth_dir: Path, actions: list[ImprovementAction]):
        truth_dir.mkdir(parents=True, exist_ok=True)
        self.dir = truth_dir
        self._handles: list[TextIO] = []
        self.feedback = self._open("feedback.csv", FEEDBACK_COLUMNS)
        self.defects = self._open("defects.csv", ("source", "file", "line", "reason", "field"))
        self.pii = self._open(
            "pii.csv", ("source", "source_record_id", "field", "kind", "value", "is_personal")
        )
        self.fakes = self._open(
            "fake_reviews.csv",
            (
                "review_id",
                "campaign_id",
                "pattern",
                "platform",
                "store_id",
                "sku",
                "reviewer_id",
                "reviewer_registered_at",
                "rating",
                "created_at",
                "true_sentiment",
            ),
        )
        self.tallies = [ActionTally(a) for a in actions]
        self.defect_counts: Counter = Counter()
        self.feedback_rows = 0
        self.fake_rows = 0
        self.pii_rows = 0

    def _open(self, name: str, header: tuple[str, ...]):
        handle = open(self.dir / name, "w", encoding="utf-8", newline="")  # noqa: SIM115
        self._handles.append(handle)
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        return writer

    def record(
        self,
        item: Item,
        key: str,
        rel_path: str,
        line: int,
        reason: str | None,
        defect_field: str | None,
        day: int,
    ) -> None:
        """Truth about one delivered row (feedback or not)."""
        if reason:
            self.defect_counts[reason] += 1
            if reason != "MISSING_REQUIRED_COLUMN":
                self.defects.writerow((item.source, rel_path, line, reason, defect_field or ""))
        truth = item.truth
        if truth is None:
            return
        self.feedback_rows += 1
        self.feedback.writerow(
            (
                item.source,
                key,
                truth.sentiment,
                "|".join(a.topic for a in truth.aspects),
                "|".join(f"{a.topic}:{a.polarity}" for a in truth.aspects),
                truth.script,
                str(truth.is_fake).lower(),
                str(truth.has_text).lower(),
                reason or "",
                rel_path,
                line,
            )
        )
        for planted in item.planted:
            self.pii_rows += 1
            column = "contact" if planted.kind == "contact_phone" else "text"
            self.pii.writerow(
                (
                    item.source,
                    key,
                    column,
                    planted.kind,
                    planted.value,
                    str(planted.is_personal).lower(),
                )
            )
        if truth.is_fake:
            self.fake_rows += 1
            v = item.values
            self.fakes.writerow(
                (
                    key,
                    truth.fake_campaign,
                    truth.fake_pattern,
                    v["platform"],
                    v["store_id"],
                    v["sku"],
                    v["reviewer_id"],
                    f"{v['reviewer_registered_at']:%Y-%m-%d %H:%M:%S}",
                    v["rating"],
                    f"{item.when:%Y-%m-%d %H:%M:%S}",
                    truth.sentiment,
                )
            )
        elif not reason:
            for tally in self.tallies:
                tally.add(item, day)

    def close(self) -> None:
        for handle in self._handles:
            handle.close()

    def write_actions(self, start_date, market_shifts: Sequence[MarketShift] = ()) -> None:
        from datetime import timedelta

        coinciding = {m.coincides_with: m.log_odds for m in market_shifts}
        with open(self.dir / "market_shifts.csv", "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(("topic", "first_day", "log_odds", "coincides_with", "description"))
            for m in market_shifts:
                first = (start_date + timedelta(days=m.first_day)).isoformat()
                writer.writerow((m.topic, first, m.log_odds, m.coincides_with, m.description))
        with open(self.dir / "actions.csv", "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(
                (
                    "action_id",
                    "topic",
                    "scope_channel",
                    "scope_store_id",
                    "launched_at",
                    "effective",
                    "planned_negative_share_before",
                    "planned_negative_share_after",
                    "realised_negative_share_before",
                    "realised_negative_share_after",
                    "mentions_before",
                    "mentions_after",
                    "csat_pct_before",
                    "csat_pct_after",
                    "nps_before",
                    "nps_after",
                    "market_shift_log_odds",
                )
            )

            for t in self.tallies:
                a = t.action
                survey = a.scope_channel == "survey"
                writer.writerow(
                    (
                        a.action_id,
                        a.topic,
                        a.scope_channel,
                        a.scope_store_id or "",
                        (start_date + timedelta(days=a.launch_day)).isoformat(),
                        str(a.effective).lower(),
                        a.negative_before,
                        a.negative_after,
                        _blank(t.before.negative_share()),
                        _blank(t.after.negative_share()),
                        t.before.mentions,
                        t.after.mentions,
                        _blank(t.before.csat_pct() if survey else None),
                        _blank(t.after.csat_pct() if survey else None),
                        _blank(t.before.nps_value() if survey else None),
                        _blank(t.after.nps_value() if survey else None),
                        _blank(coinciding.get(a.action_id)),
                    )
                )

    def write_files(self, files: list[FileInfo]) -> None:
        with open(self.dir / "files.csv", "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(
                (
                    "file",
                    "source",
                    "kind",
                    "encoding",
                    "ascii_only",
                    "rows",
                    "delivered_at",
                    "columns",
                )
            )
            for f in sorted(files, key=lambda f: f.rel_path):
                writer.writerow(
                    (
                        f.rel_path,
                        f.source,
                        f.kind,
                        f.encoding,
                        str(f.ascii_only).lower(),
                        f.rows,
                        f"{f.delivered_at:%Y-%m-%d %H:%M:%S}",
                        "|".join(f.columns),
                    )
                )

    def write_spikes(self, rows: list[tuple[str, ...]]) -> None:
        """``alert_spikes.csv``: one row per planted spike (``spikes.GT_COLUMNS``)."""
        from sample_data.spikes import GT_COLUMNS

        with open(self.dir / "alert_spikes.csv", "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(GT_COLUMNS)
            writer.writerows(rows)

    def write_json(self, name: str, payload: dict) -> None:
        with open(self.dir / name, "w", encoding="utf-8") as handle:
            json.dump(payload, handle, ensure_ascii=False, indent=2, sort_keys=True)
            handle.write("\n")


def _blank(value: float | None) -> str | float:
    return "" if value is None else value
