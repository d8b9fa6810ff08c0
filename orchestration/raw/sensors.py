"""New landing files trigger the ingestion of their source and of what depends on it.

A file is requested once its size and modification time are the same on two consecutive
ticks, so a file still being written waits for the next tick. The cursor remembers what was
requested (path -> size and mtime) and what is waiting; a file replaced under the same name
counts as new again. On its first tick the sensor counts the files the warehouse's manifest
already holds (same path and size) as requested, so switching it on over a loaded landing
folder starts no run. The loader itself recognises files by their content hash, so a file
requested twice is still loaded once.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
import duckdb

from ingestion.loader import landing_files
from ingestion.raw_store import MANIFEST_TABLE
from orchestration.jobs import refresh_job
from orchestration.resources import LandingZoneResource, WarehouseResource
from voc_core.contracts import SOURCES

#: (size in bytes, modification time in ns): what "unchanged since the last tick" compares.
Signature = tuple[int, int]


def scan_landing(landing_dir: Path) -> dict[str, Signature]:
    """Every landing file the loader would read, by path relative to the landing folder."""
    found: dict[str, Signature] = {}
    for source in SOURCES:
        for path in landing_files(landing_dir, source):
            try:
                stat = path.stat()
            except FileNotFoundError:  # removed between listing and stat
                continue
            found[path.relative_to(landing_dir).as_posix()] = (stat.st_size, stat.st_mtime_ns)
    return found


@dataclass
class LandingCursor:
    """Files already requested, and files seen once that wait to be seen unchanged."""

    requested: dict[str, Signature] = field(default_factory=dict)
    pending: dict[str, Signature] = field(default_factory=dict)

    @classmethod
    def parse(cls, cursor: str | None) -> LandingCursor:
        if not cursor:
            return cls()
        data = json.loads(cursor)
        return cls(
            requested={p: tuple(s) for p, s in data.get("requested", {}).items()},
            pending={p: tuple(s) for p, s in data.get("pending", {}).items()},
        )

    def dump(self) -> str:
        return json.dumps({"requested": self.requested, "pending": self.pending}, sort_keys=True)


@dataclass
class LandingTick:
    """The outcome of one look at the landing folder."""

    ready: dict[str, Signature]
    waiting: dict[str, Signature]
    cursor: LandingCursor

    @property
    def sources(self) -> list[str]:
        return sorted({path.split("/", 1)[0] for path in self.ready})


def evaluate_landing(current: dict[str, Signature], cursor: LandingCursor) -> LandingTick:
    """Which files are new and settled (ready), which are new and may still be growing."""
    new = {p: sig for p, sig in current.items() if cursor.requested.get(p) != sig}
    ready = {p: sig for p, sig in new.items() if cursor.pending.get(p) == sig}
    waiting = {p: sig for p, sig in new.items() if p not in ready}
    requested = {p: sig for p, sig in cursor.requested.items() if p in current} | ready
    return LandingTick(ready, waiting, LandingCursor(requested=requested, pending=waiting))


def already_loaded(warehouse_path: Path, current: dict[str, Signature]) -> LandingCursor:
    """A first cursor: the files of ``current`` that the manifest holds with the same size.

    Best effort: when the warehouse does not exist yet or a run holds it, nothing counts as
    loaded, and the first run simply finds every file already there (the loader skips them).
    """
    if not warehouse_path.exists():
        return LandingCursor()
    try:
        with duckdb.connect(str(warehouse_path), read_only=True) as con:
            loaded = set(
                con.execute(f"select file_path, file_bytes from {MANIFEST_TABLE}").fetchall()
            )
    except duckdb.Error:
        return LandingCursor()
    return LandingCursor(requested={p: sig for p, sig in current.items() if (p, sig[0]) in loaded})


def _run_key(ready: dict[str, Signature]) -> str:
    digest = hashlib.sha256(json.dumps(sorted(ready.items())).encode()).hexdigest()
    return f"landing-{digest[:16]}"


def build_landing_sensor(interval_seconds: int = 60) -> dg.SensorDefinition:
    """Looks for new settled landing files every ``interval_seconds``."""

    @dg.sensor(
        name="landing_files",
        job=refresh_job,
        minimum_interval_seconds=interval_seconds,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description=(
            "New files in the landing folder: runs the ingestion of their sources and "
            "everything downstream. Files still being written wait for the next tick."
        ),
    )
    def landing_files_sensor(
        context: dg.SensorEvaluationContext,
        landing: LandingZoneResource,
        warehouse: WarehouseResource,
    ):
        current = scan_landing(Path(landing.landing_dir))
        cursor = (
            LandingCursor.parse(context.cursor)
            if context.cursor
            else already_loaded(Path(warehouse.duckdb_path), current)
        )
        tick = evaluate_landing(current, cursor)
        context.update_cursor(tick.cursor.dump())
        if not tick.ready:
            return dg.SkipReason(
                f"no new settled files; {len(tick.waiting)} new file(s) wait for the next tick"
                if tick.waiting
                else "no new files"
            )
        raw_keys = [dg.AssetKey(["raw", source]) for source in tick.sources]
        selection = dg.AssetSelection.assets(*raw_keys).downstream()
        keys = selection.resolve(context.repository_def.asset_graph)
        return dg.RunRequest(
            run_key=_run_key(tick.ready),
            asset_selection=sorted(keys, key=lambda k: k.to_user_string()),
            tags={"voc/trigger": "landing_files", "voc/sources": ",".join(tick.sources)},
        )

    return landing_files_sensor
