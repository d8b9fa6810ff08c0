"""Dagster resources shared by every domain: the DuckDB warehouse and the landing zone."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb

from voc.settings import get_settings


class WarehouseResource(dg.ConfigurableResource):
    """The DuckDB file the pipeline writes. DuckDB allows one writing process at a time, so a
    connection is opened per step and closed before the next (never across a dbt call)."""

    duckdb_path: str

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        Path(self.duckdb_path).parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(self.duckdb_path, read_only=read_only)
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


def default_resources() -> dict[str, dg.ConfigurableResource]:
    """Resources configured from ``voc.settings`` (environment variables with defaults)."""
    settings = get_settings()
    return {
        "warehouse": WarehouseResource(duckdb_path=str(settings.duckdb_path)),
        "landing": LandingZoneResource(
            landing_dir=str(settings.landing_dir),
            source_timezones=settings.source_timezones,
            default_timezone=settings.business_timezone,
        ),
    }
