"""All runtime settings of voc-warehouse, read from the environment in one place.

Every other module asks ``get_settings()`` instead of reading environment variables or
hard-coding paths, so a user points the whole pipeline elsewhere with a few variables.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"

DEFAULT_TIMEZONE = "Asia/Shanghai"


def _source_timezones(default: str) -> dict[str, str]:
    """Per-source time zones from ``VOC_TZ_<SOURCE>`` (e.g. ``VOC_TZ_APP_REVIEW=Asia/Taipei``)."""
    from voc_core.contracts import SOURCES

    return {name: os.environ.get(f"VOC_TZ_{name.upper()}", default) for name in SOURCES}


@dataclass(frozen=True)
class Settings:
    """Resolved settings; defaults live under the project's ``data/`` folder."""

    landing_dir: Path
    duckdb_path: Path
    business_timezone: str
    source_timezones: dict[str, str] = field(default_factory=dict)
    #: The read-only copy of the ``marts`` schema that BI tools open (published atomically).
    serving_path: Path = PROJECT_ROOT / "data" / "serving.duckdb"
    #: One Parquet file per mart, for tools that read files.
    marts_parquet_dir: Path = PROJECT_ROOT / "data" / "marts"
    #: The nightly refresh: a cron expression read in ``refresh_timezone``.
    refresh_cron: str = "0 2 * * *"
    refresh_timezone: str = DEFAULT_TIMEZONE
    #: How often the landing sensor looks for new files.
    sensor_interval_seconds: int = 60
    #: First day of the daily partitions (text re-scoring by feedback date).
    partitions_start_date: str = "2024-01-01"

    def timezone_for(self, source: str) -> str:
        """Local time zone in which a source writes naive timestamps."""
        return self.source_timezones.get(source, self.business_timezone)


def _path_from_env(variable: str, default: Path) -> Path:
    """A path from the environment (relative to the working directory) or the default."""
    value = os.environ.get(variable)
    return Path(value).absolute() if value else default


def get_settings() -> Settings:
    """Read settings from the environment, applying the documented defaults."""
    business_tz = os.environ.get("VOC_TIMEZONE", DEFAULT_TIMEZONE)
    return Settings(
        landing_dir=_path_from_env("VOC_LANDING_DIR", PROJECT_ROOT / "data" / "landing"),
        duckdb_path=_path_from_env("VOC_DUCKDB_PATH", PROJECT_ROOT / "data" / "warehouse.duckdb"),
        business_timezone=business_tz,
        source_timezones=_source_timezones(business_tz),
        serving_path=_path_from_env("VOC_SERVING_PATH", PROJECT_ROOT / "data" / "serving.duckdb"),
        marts_parquet_dir=_path_from_env("VOC_MARTS_PARQUET_DIR", PROJECT_ROOT / "data" / "marts"),
        refresh_cron=os.environ.get("VOC_REFRESH_CRON", "0 2 * * *"),
        refresh_timezone=os.environ.get("VOC_REFRESH_TIMEZONE", business_tz),
        sensor_interval_seconds=int(os.environ.get("VOC_SENSOR_INTERVAL_SECONDS", "60")),
        partitions_start_date=os.environ.get("VOC_PARTITIONS_START_DATE", "2024-01-01"),
    )
