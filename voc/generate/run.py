"""Orchestration: build the world, walk the days, write landing files and the ground truth.

Every random choice comes from a ``random.Random`` seeded with the run's seed and a purpose
(``"{seed}:orders"``, ``"{seed}:defects"``, ...), and everything is iterated in a fixed
order, so the same arguments give byte-identical files. Files are streamed: the day loop
holds one day of items at a time.
"""

from __future__ import annotations

import calendar
import hashlib
import json
import shutil
from collections import Counter
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from random import Random

from ingestion.contracts import SOURCES, Reason
from voc.generate.actions import ExperienceModel, plan_actions
from voc.generate.crm import snapshots
from voc.generate.entities import (
    Window,
    build_customers,
    build_orders,
    build_products,
    build_stores,
)
from voc.generate.fakes import FakeReviewPlanner
from voc.generate.messiness import (
    CSV_LAYOUTS,
    DATE_LAYOUTS,
    DefectPlanter,
    Scripts,
    TextNoise,
    format_iso,
)
from voc.generate.sources import (
    DAILY_PER_20K,
    P_REVIEW_AFTER_ORDER,
    DayFactory,
    Item,
    World,
    crm_snapshot_dates,
)
from voc.generate.texts import TextComposer
from voc.generate.truth import TruthRecorder
from voc.generate.writers import (
    CsvSink,
    FileInfo,
    FileStyle,
    JsonlSink,
    Rotator,
    delivery_time,
    reset_folders,
    set_delivery_mtimes,
    week_start,
)

DEFAULT_END_DATE = date(2026, 10, 31)
#: Share of rows planted with exactly one defect.
DEFECT_RATE = 0.004
ID_FORMATS = {"survey": "SV{:08d}", "app_review": "AR{:08d}", "ecommerce_review": "ER{:08d}",
              "social": "SP{:08d}", "store_card": "CD{:07d}"}
TITLE_CASE = {"response_id": "Response ID", "customer_id": "Customer ID",
              "survey_type": "Survey Type", "score": "Score", "submitted_at": "Submitted At",
              "touchpoint": "Touchpoint", "comment": "Comment", "store_id": "Store ID",
              "language": "Language", "campaign_id": "Campaign ID"}
MISSING_COLUMN_STORE = "S012"
#: Style rolls that pick GB18030 and UTF-8 with BOM in ``_style_for``, per source.
_EXCEL_ROLLS = {"survey": (0.7, 0.9), "support_ticket": (0.0, 0.6), "store_card": (0.0, 0.6)}


@dataclass
class GenerationSummary:
    """What one generation run wrote."""

    out_dir: str
    truth_dir: str
    seed: int
    days: int
    customers: int
    start_date: str
    end_date: str
    rows_per_source: dict[str, int]  # every delivered record, defective ones included
    files_per_source: dict[str, int]
    feedback_items: int  # distinct feedback records (rows of feedback.csv)
    defects_by_reason: dict[str, int]  # planted row defects + the rejected file's rows
    fake_reviews: int
    planted_personal_data: int
    files_by_encoding: dict[str, int]

    def to_dict(self) -> dict:
        return asdict(self)


def _title(name: str) -> str:
    return TITLE_CASE.get(name, name)


class _Run:
    """One generation run; see ``generate``."""

    def __init__(self, out_dir: Path, truth_dir: Path, days: int, customers: int, seed: int,
                 end_date: date):
        self.out = out_dir
        self.seed = seed
        self.window = Window(end_date - timedelta(days=days - 1), end_date)
        self.customers_n = customers
        self.style_rng = Random(f"{seed}:styles")
        self.render_rng = Random(f"{seed}:render")
        self.planter = DefectPlanter(Random(f"{seed}:defects"), DEFECT_RATE)
        self.files: list[FileInfo] = []
        self.rotators: dict[tuple[str, str], Rotator] = {}
        self.counters: Counter = Counter()
        self.file_counts: Counter = Counter()
        self.unknown_values: Counter = Counter()
        self.actions = plan_actions(days)
        self.truth = TruthRecorder(truth_dir, self.actions)
        self.truth_dir = truth_dir
        # Schema drift: survey adds campaign_id, marketplace reviews add sentiment_tag.
        self.survey_drift = self._week_boundary(0.55)
        self.ecommerce_drift = self._week_boundary(0.70)
        self.drift_files: dict[str, str] = {}
        # The correction: tickets of one week re-delivered later with their final state.
        self.correction_target = week_start(self.window.day(int(days * 0.6)))
        self.correction_week: date | None = None
        self.corrections: list[tuple[Item, str, dict]] = []
        self.manual_day = int(days * 0.35)

    def _week_boundary(self, share: float) -> int:
        """First day of the ISO week containing ``share`` of the period (a file boundary)."""
        day = int(self.window.days * share)
        monday = week_start(self.window.day(day))
        return max(0, (monday - self.window.start).days)

    # -- world -------------------------------------------------------------------------

    def build_world(self) -> World:
        seed, window = self.seed, self.window
        stores, products = build_stores(), build_products()
        customers = build_customers(Random(f"{seed}:customers"), self.customers_n, window, stores)
        orders = build_orders(Random(f"{seed}:orders"), customers, products, stores, window)
        scale = self.customers_n / 20_000
        online_paid = sum(1 for i in range(len(orders)) if orders.status[i] == 0
                          and stores[int(orders.store[i])].region == "online")
        expected = (DAILY_PER_20K["ecommerce_review"] * scale * window.days
                    + P_REVIEW_AFTER_ORDER * online_paid)
        composer = TextComposer()
        fakes = FakeReviewPlanner(Random(f"{seed}:fakes"), window, stores, products, composer,
                                  expected).plan()
        return World(window, stores, products, customers, orders, self.actions,
                     ExperienceModel(self.actions), composer, TextNoise(), Scripts(), fakes, scale)

    # -- files -------------------------------------------------------------------------

    def _style_for(self, source: str, stream: str) -> FileStyle:
        rng = self.style_rng
        roll = rng.random()
        # Excel exports: the second file of these sources is always GB18030, the third UTF-8
        # with BOM, so even a short sample has both.
        nth = self.file_counts[(source, stream)]
        self.file_counts[(source, stream)] += 1
        if source in _EXCEL_ROLLS and stream == "main" and nth in (1, 2):
            roll = _EXCEL_ROLLS[source][nth - 1]
        if stream == "twhk":
            return FileStyle("big5", "\r\n", date_layout="%Y/%m/%d")
        if stream == "manual":
            return FileStyle("utf-8-sig", "\r\n")
        if source == "survey":
            if roll < 0.6:
                layouts = ((rng.choice(CSV_LAYOUTS),) if rng.random() < 0.9
                           else (*rng.sample(CSV_LAYOUTS, 3), "iso"))
                return FileStyle("utf-8", "\n", layouts)
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
            return FileStyle(encoding, "\r\n" if encoding != "utf-8" else "\n",
                             date_layout=date_layout)
        if source == "order":
            return FileStyle("utf-8", "\n", ("%Y-%m-%d %H:%M:%S",) if roll < 0.8
                             else ("%Y/%m/%d %H:%M:%S",))
        if SOURCES[source].file_format == "jsonl":
            return FileStyle("utf-8", "\n", iso_mode="offset", ensure_ascii=roll < 0.15)
        return FileStyle("utf-8", "\n")

    def _file_name(self, source: str, stream: str, label: date) -> tuple[str, date]:
        """Relative path of a period's file and the period's last day."""
        week_end = label + timedelta(days=6)
        if source == "survey":
            return f"survey/survey_export_{label:%Y-%m-%d}.csv", week_end
        if source == "support_ticket":
            return f"support_ticket/support_tickets_{label:%Y%m%d}.csv", week_end
        if source == "order":
            return f"order/orders_{label:%Y%m%d}.csv", week_end
        if source == "app_review":
            return f"app_review/app_reviews_{label:%Y%m%d}.jsonl", week_end
        if source == "ecommerce_review":
            return f"ecommerce_review/marketplace_reviews_{label:%Y%m%d}.jsonl", week_end
        if source == "social":
            return f"social/social_mentions_{label:%Y%m%d}.jsonl", week_end
        if stream == "twhk":
            last = calendar.monthrange(label.year, label.month)[1]
            return (f"store_card/store_cards_twhk_{label:%Y%m}.csv",
                    date(label.year, label.month, last))
        if stream == "manual":
            return (f"store_card/store_cards_{label:%Y-%m-%d}_{MISSING_COLUMN_STORE}_manual.csv",
                    label)
        iso = label.isocalendar()
        return f"store_card/store_cards_{iso[0]}-W{iso[1]:02d}.csv", week_end

    def _header(self, source: str, stream: str, label: date) -> list[str]:
        columns = list(SOURCES[source].columns)
        if stream == "manual":
            return ["card_id", "store_id", "date", "rating", "comment"]
        if source == "survey" and (label - self.window.start).days >= self.survey_drift:
            columns.append("campaign_id")
        return columns

    def _rotator(self, source: str, stream: str) -> Rotator:
        key = (source, stream)
        if key not in self.rotators:
            def opener(label_text: str, source=source, stream=stream):
                label = date.fromisoformat(label_text)
                rel, period_end = self._file_name(source, stream, label)
                style = self._style_for(source, stream)
                kind = "missing_required_column" if stream == "manual" else "regular"
                info = FileInfo(source, rel, style.encoding, kind,
                                delivery_time(period_end, self.window.end))
                self.files.append(info)
                if SOURCES[source].file_format == "jsonl":
                    return JsonlSink(self.out, info, style)
                header = self._header(source, stream, label)
                if style.encoding == "gb18030" and source == "survey":
                    header = [_title(h) for h in header]
                return CsvSink(self.out, info, style, header)
            self.rotators[key] = Rotator(opener)
        return self.rotators[key]

    def _label(self, source: str, stream: str, day: date) -> str:
        if stream == "twhk":
            return date(day.year, day.month, 1).isoformat()
        if stream == "manual":
            return day.isoformat()
        return week_start(day).isoformat()

    # -- rows --------------------------------------------------------------------------

    def _render_csv(self, value: object, style: FileStyle) -> str:
        if value is None:
            return ""
        if isinstance(value, datetime):
            return style.timestamp(value, self.render_rng)
        if isinstance(value, date):
            return value.strftime(style.date_layout)
        if isinstance(value, bool):
            return "true" if value else "false"
        return value if isinstance(value, str) else str(value)

    def _render_json(self, value: object, mode: str) -> object:
        if isinstance(value, datetime):
            return format_iso(value, mode, self.render_rng)
        if isinstance(value, date):
            return value.isoformat()
        return value

    def write(self, item: Item, day: int) -> None:
        """Render one item into its file, maybe plant a defect, record the truth."""
        source, contract = item.source, SOURCES[item.source]
        when_day = self.window.day(day)
        sink = self._rotator(source, item.stream).get(self._label(source, item.stream, when_day))
        style = sink.style
        reason = None if item.protect else self.planter.draw(source, contract.file_format)
        defect_field = None
        values = item.values
        if isinstance(sink, CsvSink):
            if item.stream == "manual":
                values = {**values, "date": values.get("visit_date")}
            names = self._columns(sink)
            row = {n: self._render_csv(values.get(n), style) for n in names}
            if reason == Reason.MALFORMED_ROW:
                fields = self.planter.malformed_csv_fields([row[n] for n in names])
            else:
                if reason:
                    defect_field = self.planter.apply_value_defect(
                        source, reason, row, item.when,
                        lambda dt: style.timestamp(dt, self.render_rng))
                fields = [row[n] for n in names]
            line = sink.write_fields(fields)
        else:
            mode = item.iso_mode or style.iso_mode
            obj = {}
            for name in contract.columns:
                if name in values and (values[name] is not None or name in contract.required):
                    obj[name] = self._render_json(values[name], mode)
            for name, value in values.items():
                if name not in obj and name not in contract.columns and value is not None:
                    obj[name] = self._render_json(value, mode)
            if reason and reason != Reason.MALFORMED_JSON:
                defect_field = self.planter.apply_value_defect(
                    source, reason, obj, item.when,
                    lambda dt: format_iso(dt, mode, self.render_rng))
            text = json.dumps(obj, ensure_ascii=style.ensure_ascii)
            if reason == Reason.MALFORMED_JSON:
                text = self.planter.malformed_json(text)
            line = sink.write_line(text, () if reason == Reason.MALFORMED_JSON else obj.keys())
        if item.stream == "manual":
            reason = Reason.MISSING_REQUIRED_COLUMN
        elif not reason:
            self._count_unknown(item)
        key = str(item.values.get(contract.key))
        self.truth.record(item, key, sink.info.rel_path, line, reason, defect_field, day)

    @staticmethod
    def _columns(sink: CsvSink) -> list[str]:
        """Contract names of a CSV sink's header (title-cased exports map back)."""
        reverse = {v: k for k, v in TITLE_CASE.items()}
        return [reverse.get(h, h) for h in sink.header]

    def _count_unknown(self, item: Item) -> None:
        for column, allowed in SOURCES[item.source].reported_enums.items():
            value = item.values.get(column)
            if value and value not in allowed:
                self.unknown_values[f"{item.source}.{column}={value}"] += 1

    # -- ids and per-source fix-ups ----------------------------------------------------

    def assign_ids(self, source: str, items: list[Item], factory: DayFactory) -> None:
        key = SOURCES[source].key
        if source == "support_ticket":
            for n, item in enumerate(items, start=1):
                item.values[key] = f"TK{item.when:%Y%m%d}{n:04d}"
            return
        if source not in ID_FORMATS:
            return
        for item in items:
            self.counters[source] += 1
            item.values[key] = ID_FORMATS[source].format(self.counters[source])
        if source == "social":
            ids = []
            for item in items:
                url = factory.post_url(item.values["platform"], item.values[key])
                if url:
                    item.values["url"] = url
                ids.append(item.values[key])
            factory.remember_posts(ids)

    def stage_correction(self, item: Item) -> None:
        """Tickets of the correction week: deliver the state at export, correct it later."""
        week = week_start(item.when.date())
        if week < self.correction_target:
            return
        if self.correction_week is None:
            self.correction_week = week
        if week != self.correction_week:
            return
        exported = delivery_time(week + timedelta(days=6), self.window.end)
        values = item.values
        final = dict(values)
        resolved = values.get("resolved_at")
        if resolved is not None and resolved > exported:
            values.update(status="pending", resolved_at=None, csat=None, resolution="")
        elif len(self.corrections) < 2 and values["priority"] != "urgent":
            # Re-prioritised after review.
            final["priority"] = {"low": "medium", "medium": "high", "high": "urgent"}[
                values["priority"]]
        else:
            return
        changes = {k: (values.get(k), final[k]) for k in final if values.get(k) != final[k]}
        item.protect = True
        self.corrections.append((Item("support_ticket", item.when, final, protect=True),
                                 str(values["ticket_id"]), changes))

    # -- the run -----------------------------------------------------------------------

    def run(self) -> GenerationSummary:
        world = self.build_world()
        factory = DayFactory(world, Random(f"{self.seed}:days"))
        manual_count = 3 + round(20 * world.customer_scale)
        manual_store = next(i for i, s in enumerate(world.stores)
                            if s.store_id == MISSING_COLUMN_STORE)
        for day in range(self.window.days):
            per_source = (
                ("order", factory.orders(day)),
                ("support_ticket", factory.tickets(day)),
                ("survey", factory.surveys(day, campaign=day >= self.survey_drift)),
                ("app_review", factory.app_reviews(day)),
                ("ecommerce_review", factory.ecommerce_reviews(
                    day, sentiment_tag=day >= self.ecommerce_drift)),
                ("social", factory.social(day)),
                ("store_card", factory.store_cards(
                    day, (manual_store, manual_count) if day == self.manual_day else None)),
            )
            for source, items in per_source:
                items.sort(key=lambda it: it.when)
                self.assign_ids(source, items, factory)
                for item in items:
                    if source == "support_ticket":
                        self.stage_correction(item)
                    self.write(item, day)
        for rotator in self.rotators.values():
            rotator.close()
        self._write_crm(world)
        self._write_actions()
        correction = self._write_correction()
        duplicate = self._write_duplicate()
        return self._finish(correction, duplicate)

    def _write_crm(self, world: World) -> None:
        dates = crm_snapshot_dates(self.window)
        for snap in snapshots(world.customers, self.window.start, dates, self.seed):
            kind = "full" if snap.full else "delta"
            rel = f"crm_customer/crm_customers_{snap.as_of:%Y-%m-%d}_{kind}.csv"
            style = FileStyle("utf-8-sig", "\r\n", ("%Y-%m-%d %H:%M:%S",) if snap.full
                              else ("%Y/%m/%d %H:%M:%S",))
            info = FileInfo("crm_customer", rel, style.encoding,
                            "full_snapshot" if snap.full else "delta_snapshot",
                            datetime(snap.as_of.year, snap.as_of.month, snap.as_of.day, 3, 0))
            self.files.append(info)
            sink = CsvSink(self.out, info, style, SOURCES["crm_customer"].columns)
            day = max(0, min(self.window.days - 1, (snap.as_of - self.window.start).days))
            for item in snap.items:
                self._write_fixed(sink, item, day)
            sink.close()

    def _write_fixed(self, sink: CsvSink, item: Item, day: int) -> None:
        """Write an item to a given CSV sink (not a rotating stream)."""
        style = sink.style
        reason = None if item.protect else self.planter.draw(item.source, "csv")
        names = self._columns(sink)
        row = {n: self._render_csv(item.values.get(n), style) for n in names}
        defect_field = None
        if reason == Reason.MALFORMED_ROW:
            fields = self.planter.malformed_csv_fields([row[n] for n in names])
        else:
            if reason:
                defect_field = self.planter.apply_value_defect(
                    item.source, reason, row, item.when,
                    lambda dt: style.timestamp(dt, self.render_rng))
            fields = [row[n] for n in names]
        line = sink.write_fields(fields)
        key = str(item.values.get(SOURCES[item.source].key))
        self.truth.record(item, key, sink.info.rel_path, line, reason, defect_field, day)

    def _write_actions(self) -> None:
        rel = "improvement_action/improvement_actions.csv"
        style = FileStyle("utf-8-sig", "\r\n", ("%Y-%m-%d %H:%M",))
        info = FileInfo("improvement_action", rel, style.encoding, "regular",
                        delivery_time(self.window.end, self.window.end))
        self.files.append(info)
        sink = CsvSink(self.out, info, style, SOURCES["improvement_action"].columns)
        for a in self.actions:
            launched = self.window.start_dt + timedelta(days=a.launch_day)
            values = {"action_id": a.action_id, "title": a.title, "topic": a.topic,
                      "launched_at": launched, "description": a.description,
                      "scope_channel": a.scope_channel, "scope_store_id": a.scope_store_id,
                      "owner": a.owner}
            self._write_fixed(sink, Item("improvement_action", launched, values, protect=True),
                              a.launch_day)
        sink.close()

    def _write_correction(self) -> dict:
        if not self.corrections or self.correction_week is None:
            return {}
        last_week = week_start(self.window.end)
        label = min(self.correction_week + timedelta(days=14), last_week)
        rel = f"support_ticket/support_tickets_{label:%Y%m%d}_corrections.csv"
        style = FileStyle("utf-8", "\n", ("%Y-%m-%d %H:%M:%S",))
        latest = max((i.values.get("resolved_at") or i.when) for i, _, _ in self.corrections)
        delivered = max(delivery_time(label + timedelta(days=6), self.window.end),
                        latest + timedelta(hours=1))
        info = FileInfo("support_ticket", rel, style.encoding, "correction", delivered)
        self.files.append(info)
        sink = CsvSink(self.out, info, style, SOURCES["support_ticket"].columns)
        for item, _, _ in self.corrections:
            sink.write_fields([self._render_csv(item.values.get(n), style) for n in sink.header])
        sink.close()
        original = next(f.rel_path for f in self.files if f.source == "support_ticket"
                        and f.rel_path.endswith(f"{self.correction_week:%Y%m%d}.csv"))
        return {
            "source": "support_ticket", "file": rel, "corrects_file": original,
            "keys": [key for _, key, _ in self.corrections],
            "changes": {key: {k: [_show(a), _show(b)] for k, (a, b) in changes.items()}
                        for _, key, changes in self.corrections},
        }

    def _write_duplicate(self) -> dict:
        candidates = sorted((f for f in self.files if f.source == "app_review"),
                            key=lambda f: f.rel_path)
        if not candidates:
            return {}
        original = candidates[len(candidates) // 2]
        rel = original.rel_path.replace(".jsonl", "_resend.jsonl")
        shutil.copyfile(self.out / original.rel_path, self.out / rel)
        info = FileInfo("app_review", rel, original.encoding, "duplicate",
                        original.delivered_at + timedelta(days=1), original.rows,
                        original.columns)
        self.files.append(info)
        digest = hashlib.sha256((self.out / rel).read_bytes()).hexdigest()
        return {"source": "app_review", "original": original.rel_path, "duplicate": rel,
                "rows": original.rows, "sha256": digest}

    def _finish(self, correction: dict, duplicate: dict) -> GenerationSummary:
        set_delivery_mtimes(self.out, self.files)
        rejected = next(f for f in self.files if f.kind == "missing_required_column")
        first_campaign = next((f.rel_path for f in sorted(self.files, key=lambda f: f.rel_path)
                               if "campaign_id" in f.columns), None)
        first_tag = self._first_jsonl_with("ecommerce_review", self.ecommerce_drift)
        deliveries = {
            "duplicate_file": duplicate,
            "rejected_file": {"source": "store_card", "file": rejected.rel_path,
                              "rows": rejected.rows, "reason": Reason.MISSING_REQUIRED_COLUMN,
                              "missing_columns": ["visit_date"]},
            "correction": correction,
            "extra_columns": [
                {"source": "survey", "column": "campaign_id", "first_file": first_campaign,
                 "from_date": self.window.day(self.survey_drift).isoformat()},
                {"source": "ecommerce_review", "column": "sentiment_tag",
                 "first_file": first_tag,
                 "from_date": self.window.day(self.ecommerce_drift).isoformat()},
            ],
            "unknown_enum_values": dict(sorted(self.unknown_values.items())),
            "crm_snapshots": [f.rel_path for f in self.files if f.source == "crm_customer"],
        }
        self.truth.close()
        self.truth.write_actions(self.window.start)
        self.truth.write_files(self.files)
        self.truth.write_json("deliveries.json", deliveries)
        rows: Counter = Counter()
        files: Counter = Counter()
        encodings: Counter = Counter()
        for f in self.files:
            rows[f.source] += f.rows
            files[f.source] += 1
            encodings[f.encoding] += 1
        summary = GenerationSummary(
            out_dir=str(self.out), truth_dir=str(self.truth_dir), seed=self.seed,
            days=self.window.days, customers=self.customers_n,
            start_date=self.window.start.isoformat(), end_date=self.window.end.isoformat(),
            rows_per_source={s: rows[s] for s in SOURCES},
            files_per_source={s: files[s] for s in SOURCES},
            feedback_items=self.truth.feedback_rows,
            defects_by_reason=dict(sorted(self.truth.defect_counts.items())),
            fake_reviews=self.truth.fake_rows,
            planted_personal_data=self.truth.pii_rows,
            files_by_encoding=dict(sorted(encodings.items())),
        )
        self.truth.write_json("summary.json", summary.to_dict())
        return summary

    def _first_jsonl_with(self, source: str, from_day: int) -> str | None:
        label = week_start(self.window.day(from_day))
        names = sorted(f.rel_path for f in self.files if f.source == source and f.kind == "regular")
        return next((n for n in names if n >= f"{source}/marketplace_reviews_{label:%Y%m%d}"), None)


def _show(value: object) -> str | None:
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M:%S}"
    return None if value is None else str(value)


def generate(
    out_dir: Path,
    days: int = 180,
    customers: int = 20_000,
    seed: int = 42,
    end_date: date = DEFAULT_END_DATE,
    truth_dir: Path | None = None,
) -> GenerationSummary:
    """Write a deterministic sample of landing files and its ground truth.

    ``out_dir`` gets one folder per source (replaced if present); ``truth_dir`` defaults
    to ``out_dir.parent / "ground_truth"``. The data covers ``[end_date - days + 1,
    end_date]``. Same arguments, same bytes.
    """
    if days < 1 or customers < 1:
        raise ValueError("days and customers must be at least 1")
    out_dir = Path(out_dir)
    truth_dir = Path(truth_dir) if truth_dir is not None else out_dir.parent / "ground_truth"
    reset_folders(out_dir, tuple(SOURCES))
    return _Run(out_dir, truth_dir, days, customers, seed, end_date).run()
