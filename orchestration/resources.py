"""Dagster resources shared by every domain: the DuckDB warehouse and the landing zone."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb

from orchestration.retries import with_backoff
from voc_core.settings import get_settings


class WarehouseResource(dg.ConfigurableResource):
    """The DuckDB file the pipeline writes. DuckDB allows one writing process at a time, so a
    connection is opened per step and closed before the next (never across a dbt call)."""

    duckdb_path: str
    #: How long a step waits for another process (a BI tool, a second run) to let go of the
    #: file before it fails; the step's retry policy may then try again later.
    lock_timeout_seconds: float = 120.0

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        Path(self.duckdb_path).parent.mkdir(parents=True, exist_ok=True)
        log = dg.get_dagster_logger()
        con = with_backoff(
            lambda: duckdb.connect(self.duckdb_path, read_only=read_only),
            timeout_seconds=self.lock_timeout_seconds,
            on_retry=lambda error, wait: log.warning(f"{error}; trying again in {wait:.1f} s"),
        )
        try:
            yield con
        finally:
            con.close()


class LandingZoneResource(dg.ConfigurableResource):
    """Where the sources drop their files, and the time zone each source writes in."""

    landing_dir: str
    source_timezones: dict[str, str]
    default_timezone: str

    def timezone_for(self, source: str) -> str:
        return self.source_timezones.get(source, self.default_timezone)


class ServingResource(dg.ConfigurableResource):
    """Where the marts are published for BI tools: a DuckDB file and a Parquet folder."""

    serving_path: str
    parquet_dir: str


def default_resources() -> dict[str, dg.ConfigurableResource]:
    """Resources configured from ``voc_core.settings`` (environment variables with defaults)."""
    settings = get_settings()
    return {
        "warehouse": WarehouseResource(duckdb_path=str(settings.duckdb_path)),
        "landing": LandingZoneResource(
            landing_dir=str(settings.landing_dir),
            source_timezones=settings.source_timezones,
            default_timezone=settings.business_timezone,
        ),
        "serving": ServingResource(
            serving_path=str(settings.serving_path), parquet_dir=str(settings.marts_parquet_dir)
        ),
    }
