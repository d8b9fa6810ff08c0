"""Orchestration: build the world, walk the days, write landing files and the ground truth.

Every random choice comes from a ``random.Random`` seeded with the run's seed and a purpose
(``"{seed}:orders"``, ``"{seed}:defects"``, ...), and everything is iterated in a fixed
order, so the same arguments give byte-identical files. Files are streamed: the day loop
holds one day of items at a time (and the follow-ups planned for later days).

Two sides: ``_Run`` builds the world and makes each day's items (the generating streams);
``_Writer`` renders them into files and records the ground truth (the rendering streams:
defects, layouts, file styles). The writer never feeds anything back, so it can run in a
second process fed one day's items at a time (``workers=2``): both cores busy, the same
bytes as in one process.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from random import Random

from sample_data import drivers
from sample_data.actions import ExperienceModel, plan_actions, plan_market_shifts
from sample_data.competitors import CompetitorPlan, CompetitorTruth, about_competitors_only
from sample_data.crm import crm_snapshot_dates, snapshots
from sample_data.deliveries import Correction, write_duplicate
from sample_data.entities import (
    Window,
    build_customers,
    build_orders,
    build_products,
    build_stores,
)
from sample_data.factory_base import DAILY_PER_20K, P_REVIEW_AFTER_ORDER
from sample_data.fakes import FakeReviewPlanner
from sample_data.followups import FollowUps
from sample_data.items import Item, World
from sample_data.layout import MISSING_COLUMN_STORE, Layout
from sample_data.messiness import DefectPlanter, Scripts, TextNoise
from sample_data.rows import RowWriter
from sample_data.sources import DayFactory
from sample_data.spikes import SpikePlan
from sample_data.texts import TextComposer
from sample_data.topic_labels import TopicLabelSample
from sample_data.truth import TruthRecorder
from sample_data.writers import (
    FileStyle,
    delivery_time,
    reset_folders,
    set_delivery_mtimes,
    week_start,
)
from voc_core.contracts import SOURCES, Reason

DEFAULT_END_DATE = date(2026, 10, 31)
#: Share of rows planted with exactly one defect.
DEFECT_RATE = 0.004
ID_FORMATS = {
    "survey": "SV{:08d}",
    "app_review": "AR{:08d}",
    "ecommerce_review": "ER{:08d}",
    "social": "SP{:08d}",
    "store_card": "CD{:07d}",
}


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


#: Which row writer renders an item: the regular one, the follow-ups', the competitors'.
REGULAR, FOLLOWUP, COMPETITOR = 0, 1, 2
#: From this many customers up, ``generate`` writes in a second process by default.
PARALLEL_FROM_CUSTOMERS = 10_000
#: Customers sent to the writer process per message at the end (the CRM snapshots).
CUSTOMERS_PER_MESSAGE = 50_000


def _week_boundary(window: Window, share: float) -> int:
    """First day of the ISO week containing ``share`` of the period (a file boundary)."""
    monday = week_start(window.day(int(window.days * share)))
    return max(0, (monday - window.start).days)


class _Writer:
    """The rendering side of a run: files, row defects, the ground truth."""

    def __init__(self, out_dir: Path, truth_dir: Path, days: int, seed: int, end_date: date):
        self.out = out_dir
        self.truth_dir = truth_dir
        self.seed = seed
        self.window = Window(end_date - timedelta(days=days - 1), end_date)
        self.actions = plan_actions(days)
        self.market_shifts = plan_market_shifts(self.actions)
        self.truth = TruthRecorder(truth_dir, self.actions)
        self.rows = RowWriter(
            DefectPlanter(Random(f"{seed}:defects"), DEFECT_RATE),
            Random(f"{seed}:render"),
            self.truth,
        )
        # Follow-up rows (``followups.py``) render from their own stream, so the regular rows
        # are rendered as in a run without them. They are all protected (clean): the planter
        # never draws.
        self.followup_rows = RowWriter(
            DefectPlanter(Random(f"{seed}:followup_defects"), 0.0),
            Random(f"{seed}:followup_render"),
            self.truth,
        )
        # Competitor posts (``competitors.py``) likewise render from their own clean stream.
        self.competitor_rows = RowWriter(
            DefectPlanter(Random(f"{seed}:competitor_defects"), 0.0),
            Random(f"{seed}:competitor_render"),
            self.truth,
        )
        # The hand-labelled audit sample (``topic_labels.py``): its own clean stream too.
        self.topic_labels = TopicLabelSample(seed)
        self.label_rows = RowWriter(
            DefectPlanter(Random(f"{seed}:label_defects"), 0.0),
            Random(f"{seed}:label_render"),
            self.truth,
        )
        self.by_kind = (self.rows, self.followup_rows, self.competitor_rows)
        # Schema drift: survey adds campaign_id, marketplace reviews add sentiment_tag.
        self.survey_drift = _week_boundary(self.window, 0.55)
        self.ecommerce_drift = _week_boundary(self.window, 0.70)
        self.layout = Layout(out_dir, self.window, Random(f"{seed}:styles"), self.survey_drift)
        self.correction = Correction(self.window, week_start(self.window.day(int(days * 0.6))))

    def begin(self, spike_rows: list, competitors: CompetitorPlan, customers_n: int) -> None:
        self.customers_n = customers_n
        self.truth.write_spikes(spike_rows)
        self.brand_truth = CompetitorTruth(self.truth_dir, competitors)

    def write_all(self, batch: Sequence[tuple[Item, int, int]]) -> None:
        """Write ``(item, day, row writer)`` in order."""
        for item, day, kind in batch:
            self._write(item, day, self.by_kind[kind])

    def finish(self, customers: list) -> GenerationSummary:
        self.layout.close()
        self.brand_truth.close()
        self._write_crm(customers)
        self._write_actions()
        self.topic_labels.write(
            self.layout,
            self.label_rows,
            delivery_time(self.window.end, self.window.end),
            self.window.days - 1,
        )
        correction = self.correction.write(self.layout, self.rows)
        duplicate = write_duplicate(self.layout)
        return self._finish(correction, duplicate)

    def _write(self, item: Item, day: int, rows: RowWriter) -> None:
        file_reason = None
        if item.source == "support_ticket":
            self.correction.stage(item)
        if item.stream == "manual":
            item.values["date"] = item.values["visit_date"]
            file_reason = Reason.MISSING_REQUIRED_COLUMN
        sink = self.layout.sink(item.source, item.stream, self.window.day(day))
        rows.write(item, sink, day, file_reason)
        if file_reason is None:
            self.topic_labels.offer(item, str(item.values[SOURCES[item.source].key]))
        if item.truth is not None and item.truth.brand_mentions:
            key = item.values[SOURCES[item.source].key]
            self.brand_truth.record(item, key, self.window.day(day).isoformat())

    def _write_crm(self, customers: list) -> None:
        """A full snapshot at the start, then monthly deltas of new and changed customers."""
        dates = crm_snapshot_dates(self.window)
        for snap in snapshots(customers, self.window.start, dates, self.seed):
            kind = "full" if snap.full else "delta"
            layout = "%Y-%m-%d %H:%M:%S" if snap.full else "%Y/%m/%d %H:%M:%S"
            sink = self.layout.open_fixed(
                "crm_customer",
                f"crm_customer/crm_customers_{snap.as_of:%Y-%m-%d}_{kind}.csv",
                FileStyle("utf-8-sig", "\r\n", (layout,)),
                f"{kind}_snapshot",
                datetime(snap.as_of.year, snap.as_of.month, snap.as_of.day, 3, 0),
            )
            day = max(0, min(self.window.days - 1, (snap.as_of - self.window.start).days))
            for item in snap.items:
                self.rows.write(item, sink, day)
            sink.close()

    def _write_actions(self) -> None:
        sink = self.layout.open_fixed(
            "improvement_action",
            "improvement_action/improvement_actions.csv",
            FileStyle("utf-8-sig", "\r\n", ("%Y-%m-%d %H:%M",)),
            "regular",
            delivery_time(self.window.end, self.window.end),
        )
        for a in self.actions:
            launched = self.window.start_dt + timedelta(days=a.launch_day)
            values = {
                "action_id": a.action_id,
                "title": a.title,
                "topic": a.topic,
                "launched_at": launched,
                "description": a.description,
                "scope_channel": a.scope_channel,
                "scope_store_id": a.scope_store_id,
                "owner": a.owner,
            }
            item = Item("improvement_action", launched, values, protect=True)
            self.rows.write(item, sink, a.launch_day)
        sink.close()

    def _deliveries(self, correction: dict, duplicate: dict) -> dict:
        files = sorted(self.layout.files, key=lambda f: f.rel_path)
        rejected = next(f for f in files if f.kind == "missing_required_column")

        def first_with(column: str) -> str | None:
            """First file delivering ``column`` (headers of Excel exports are title-cased)."""
            for f in files:
                if column in {c.lower().replace(" ", "_") for c in f.columns}:
                    return f.rel_path
            return None

        return {
            "duplicate_file": duplicate,
            "rejected_file": {
                "source": rejected.source,
                "file": rejected.rel_path,
                "rows": rejected.rows,
                "reason": Reason.MISSING_REQUIRED_COLUMN,
                "missing_columns": ["visit_date"],
            },
            "correction": correction,
            "extra_columns": [
                {
                    "source": "survey",
                    "column": "campaign_id",
                    "first_file": first_with("campaign_id"),
                    "from_date": self.window.day(self.survey_drift).isoformat(),
                },
                {
                    "source": "ecommerce_review",
                    "column": "sentiment_tag",
                    "first_file": first_with("sentiment_tag"),
                    "from_date": self.window.day(self.ecommerce_drift).isoformat(),
                },
            ],
            "unknown_enum_values": dict(
                sorted((self.rows.unknown_values + self.followup_rows.unknown_values).items())
            ),
            "crm_snapshots": [f.rel_path for f in files if f.source == "crm_customer"],
        }

    def _finish(self, correction: dict, duplicate: dict) -> GenerationSummary:
        files = self.layout.files
        set_delivery_mtimes(self.out, files)
        self.truth.close()
        self.truth.write_actions(self.window.start, self.market_shifts)
        drivers.write_effects(self.truth.dir / "key_driver_effects.csv")
        self.truth.write_files(files)
        self.truth.write_json("deliveries.json", self._deliveries(correction, duplicate))
        rows: Counter = Counter()
        counts: Counter = Counter()
        encodings: Counter = Counter()
        for f in files:
            rows[f.source] += f.rows
            counts[f.source] += 1
            encodings[f.encoding] += 1
        summary = GenerationSummary(
            out_dir=str(self.out),
            truth_dir=str(self.truth_dir),
            seed=self.seed,
            days=self.window.days,
            customers=self.customers_n,
            start_date=self.window.start.isoformat(),
            end_date=self.window.end.isoformat(),
            rows_per_source={s: rows[s] for s in SOURCES},
            files_per_source={s: counts[s] for s in SOURCES},
            feedback_items=self.truth.feedback_rows,
            defects_by_reason=dict(sorted(self.truth.defect_counts.items())),
            fake_reviews=self.truth.fake_rows,
            planted_personal_data=self.truth.pii_rows,
            files_by_encoding=dict(sorted(encodings.items())),
        )
        self.truth.write_json("summary.json", summary.to_dict())
        return summary


def _serve(conn, args: tuple) -> None:
    """The writer process: a ``_Writer`` driven by the messages of ``_Remote``."""
    writer = _Writer(*args)
    customers: list = []
    while True:
        verb, payload = conn.recv()
        if verb == "begin":
            writer.begin(*payload)
        elif verb == "day":
            writer.write_all(payload)
        elif verb == "customers":
            customers.extend(payload)
        else:
            conn.send(writer.finish(customers))
            conn.close()
            return


class _Remote:
    """A ``_Writer`` in a second process: the day loop goes on while it writes."""

    def __init__(self, args: tuple):
        ctx = multiprocessing.get_context("fork")
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_serve, args=(child, args), daemon=True)
        self.proc.start()
        child.close()

    def begin(self, *args: object) -> None:
        self.conn.send(("begin", args))

    def write_all(self, batch: Sequence[tuple[Item, int, int]]) -> None:
        self.conn.send(("day", batch))

    def finish(self, customers: list) -> GenerationSummary:
        # In slices: one pickle of millions of customers would double this process's memory.
        for start in range(0, len(customers), CUSTOMERS_PER_MESSAGE):
            self.conn.send(("customers", customers[start : start + CUSTOMERS_PER_MESSAGE]))
        self.conn.send(("finish", None))
        try:
            summary = self.conn.recv()
        except EOFError:
            summary = None
        self.proc.join()
        if summary is None or self.proc.exitcode != 0:
            raise RuntimeError(f"the sample writer process failed (exit {self.proc.exitcode})")
        return summary

    def close(self) -> None:
        """Stop the writer if the generating side failed."""
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join()


_WriterLink = _Writer | _Remote


class _Run:
    """The generating side of a run; see ``generate``. ``sink`` takes each day's items."""

    def __init__(self, days: int, customers: int, seed: int, end_date: date, sink: _WriterLink):
        self.seed = seed
        self.customers_n = customers
        self.window = Window(end_date - timedelta(days=days - 1), end_date)
        self.actions = plan_actions(days)
        self.market_shifts = plan_market_shifts(self.actions)
        self.sink = sink
        self.batch: list[tuple[Item, int, int]] = []
        # Schema drift: survey adds campaign_id, marketplace reviews add sentiment_tag.
        self.survey_drift = _week_boundary(self.window, 0.55)
        self.ecommerce_drift = _week_boundary(self.window, 0.70)
        self.manual_day = int(days * 0.35)
        self.counters: Counter = Counter()

    def build_world(self) -> World:
        seed, window = self.seed, self.window
        stores, products = build_stores(), build_products()
        customers = build_customers(Random(f"{seed}:customers"), self.customers_n, window, stores)
        orders = build_orders(Random(f"{seed}:orders"), customers, products, stores, window)
        scale = self.customers_n / 20_000
        online_paid = sum(
            1
            for i in range(len(orders))
            if orders.status[i] == 0 and stores[int(orders.store[i])].region == "online"
        )
        expected_reviews = (
            DAILY_PER_20K["ecommerce_review"] * scale * window.days
            + P_REVIEW_AFTER_ORDER * online_paid
        )
        composer = TextComposer()
        fakes = FakeReviewPlanner(
            Random(f"{seed}:fakes"), window, stores, products, composer, expected_reviews
        ).plan()
        model = ExperienceModel(self.actions, self.market_shifts)
        return World(
            window,
            stores,
            products,
            customers,
            orders,
            self.actions,
            model,
            composer,
            TextNoise(),
            Scripts(),
            fakes,
            scale,
        )

    def assign_ids(
        self, source: str, items: list[Item], factory: DayFactory, first_ticket: int = 1
    ) -> None:
        """Keys in time order: sequential per source (tickets: per day, dated, numbered from
        ``first_ticket``, so a day's second batch follows its first)."""
        key = SOURCES[source].key
        if source == "support_ticket":
            for n, item in enumerate(items, start=first_ticket):
                item.values[key] = f"TK{item.when:%Y%m%d}{n:04d}"
            return
        if source not in ID_FORMATS:
            return
        for item in items:
            self.counters[source] += 1
            item.values[key] = ID_FORMATS[source].format(self.counters[source])
        if source == "social":
            for item in items:
                url = factory.post_url(item.values["platform"], item.values[key])
                if url:
                    item.values["url"] = url
            factory.remember_posts(
                [item.values[key] for item in items if not about_competitors_only(item)]
            )

    def run(self) -> GenerationSummary:
        world = self.build_world()
        factory = DayFactory(world, Random(f"{self.seed}:days"))
        factory.spikes = SpikePlan(
            self.seed, self.window.days, world.customer_scale, factory.versions
        )
        factory.competitors = CompetitorPlan(self.seed, self.window.start, self.window.days)
        self.sink.begin(
            factory.spikes.truth_rows(self.window.start), factory.competitors, self.customers_n
        )
        followups = FollowUps(self.seed, factory, world.actions)
        manual = (
            next(i for i, s in enumerate(world.stores) if s.store_id == MISSING_COLUMN_STORE),
            3 + round(20 * world.customer_scale),
        )
        for day in range(self.window.days):
            per_source = (
                ("order", factory.orders(day)),
                ("support_ticket", factory.tickets(day)),
                ("survey", factory.surveys(day, campaign=day >= self.survey_drift)),
                ("app_review", factory.app_reviews(day)),
                (
                    "ecommerce_review",
                    factory.ecommerce_reviews(day, sentiment_tag=day >= self.ecommerce_drift),
                ),
                ("social", factory.social(day)),
                (
                    "store_card",
                    factory.store_cards(day, manual if day == self.manual_day else None),
                ),
            )
            for source, items in per_source:
                items.sort(key=lambda it: it.when)
                self.assign_ids(source, items, factory)
                for item in items:
                    competitor = about_competitors_only(item)
                    self.batch.append((item, day, COMPETITOR if competitor else REGULAR))
            self._follow_up(day, followups, factory, dict(per_source))
            self.sink.write_all(self.batch)
            self.batch = []
        return self.sink.finish(world.customers)

    def _follow_up(
        self, day: int, followups: FollowUps, factory: DayFactory, regular: dict[str, list[Item]]
    ) -> None:
        """After a day's regular rows: the surveys sent after earlier callbacks, then the
        callbacks due today (of today's unhappy items and of earlier ones)."""
        surveys = followups.surveys(day, campaign=day >= self.survey_drift)
        surveys.sort(key=lambda it: it.when)
        self.assign_ids("survey", surveys, factory)
        for item in surveys:
            self.batch.append((item, day, FOLLOWUP))
        followups.plan(
            day,
            (
                *regular["survey"],
                *surveys,
                *regular["app_review"],
                *regular["ecommerce_review"],
                *regular["social"],
                *regular["store_card"],
            ),
        )
        calls = followups.tickets(day)
        calls.sort(key=lambda it: it.when)
        self.assign_ids("support_ticket", calls, factory, len(regular["support_ticket"]) + 1)
        for item in calls:
            self.batch.append((item, day, FOLLOWUP))


def generate(
    out_dir: Path,
    days: int = 180,
    customers: int = 20_000,
    seed: int = 42,
    end_date: date = DEFAULT_END_DATE,
    truth_dir: Path | None = None,
    workers: int | None = None,
) -> GenerationSummary:
    """Write a deterministic sample of landing files and its ground truth.

    ``out_dir`` gets one folder per source (replaced if present); ``truth_dir`` defaults
    to ``out_dir.parent / "ground_truth"``. The data covers ``[end_date - days + 1,
    end_date]``. Same arguments, same bytes, whatever ``workers``: 1 writes in this
    process, 2 renders the files in a second one while this one makes the items (default:
    2 from ``PARALLEL_FROM_CUSTOMERS`` customers up on a machine with more than one core).
    """
    if days < 1 or customers < 1:
        raise ValueError("days and customers must be at least 1")
    out_dir = Path(out_dir)
    truth_dir = Path(truth_dir) if truth_dir is not None else out_dir.parent / "ground_truth"
    if workers is None:
        parallel = customers >= PARALLEL_FROM_CUSTOMERS and (os.cpu_count() or 1) > 1
        workers = 2 if parallel else 1
    if "fork" not in multiprocessing.get_all_start_methods():
        workers = 1  # the writer process is forked (the run's state is not pickled over)
    reset_folders(out_dir, tuple(SOURCES))
    args = (out_dir, truth_dir, days, seed, end_date)
    if workers < 2:
        return _Run(days, customers, seed, end_date, _Writer(*args)).run()
    remote = _Remote(args)
    try:
        return _Run(days, customers, seed, end_date, remote).run()
    finally:
        remote.close()
