"""Every runtime setting of voc-warehouse, read from the environment in this one module.

The route of a setting: ``Settings.from_environ()`` reads the ``VOC_*`` variables once, at an
entry point (the Dagster code location, the ``voc`` command, a benchmark); the Dagster
resources are configured from that object (``orchestration.resources``), so the launchpad
shows and can override them; the packages below take plain arguments; dbt gets its values as
``--vars`` built by ``dbt_vars``. No other module reads ``VOC_*`` variables (a test greps for
it), and nothing writes the environment to pass a value on. Run switches (full refresh,
revalidate) are not settings: they are run config of each run.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from voc_core.contracts import SOURCES

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
DATA_DIR = PROJECT_ROOT / "data"

DEFAULT_TIMEZONE = "Asia/Shanghai"

#: The chat platforms whose incoming-webhook text message ``VOC_ALERT_FORMAT`` may name.
ALERT_FORMATS = ("wecom", "dingtalk", "feishu", "slack")

#: Languages of the VoC report (``VOC_REPORT_LANG``); the first is the default.
REPORT_LANGS = ("zh", "en")


class SettingsError(ValueError):
    """A ``VOC_*`` variable holds a value that cannot be used; the message names it."""


@dataclass(frozen=True)
class Settings:
    """Resolved settings; paths default to the project's ``data/`` folder."""

    #: One folder per landing source.
    landing_dir: Path = DATA_DIR / "landing"
    #: The warehouse the pipeline writes.
    duckdb_path: Path = DATA_DIR / "warehouse.duckdb"
    #: The read-only copy of the ``marts`` schema that BI tools open (published atomically).
    serving_path: Path = DATA_DIR / "serving.duckdb"
    #: One Parquet file per mart, for tools that read files.
    marts_parquet_dir: Path = DATA_DIR / "marts"
    #: Great Expectations Data Docs of the quality gates.
    quality_docs_dir: Path = DATA_DIR / "quality_docs"
    #: Calendar in which the business reports (days, weeks, months).
    business_timezone: str = DEFAULT_TIMEZONE
    #: Time zone in which each source writes naive timestamps (every source present).
    source_timezones: Mapping[str, str] = field(default_factory=dict)
    #: Delivery cadence overrides per source (the contract's ``expected_every`` otherwise).
    freshness_overrides: Mapping[str, timedelta] = field(default_factory=dict)
    #: The nightly refresh: a cron expression read in ``refresh_timezone``.
    refresh_cron: str = "0 2 * * *"
    refresh_timezone: str = DEFAULT_TIMEZONE
    #: How often the landing sensor looks for new files.
    sensor_interval_seconds: int = 60
    #: First day of the daily partitions (text re-scoring by feedback date).
    partitions_start_date: str = "2024-01-01"
    #: Where jieba keeps its dictionary cache.
    cache_dir: Path = Path(tempfile.gettempdir()) / "voc-warehouse"
    #: Worker processes that score a large text backlog (0: one per core).
    scoring_processes: int = 0
    #: Rated texts needed before the warehouse trains its own sentiment model.
    adapt_min_rated: int = 2000
    #: Held-back accuracy by which an adapted model must beat the one in use to replace it.
    adapt_min_gain: float = 0.01
    #: Incoming webhook of a chat group that receives each new alert once (none: alerts are
    #: only asset-check warnings in Dagster). The URL carries the bot's key: keep it secret.
    alert_webhook: str | None = None
    #: The platform behind ``alert_webhook``: one of ``ALERT_FORMATS``.
    alert_format: str = "wecom"
    #: Where the per-team CSV files of the open follow-up queue are written.
    export_dir: Path = DATA_DIR / "exports"
    #: Where the nightly VoC report is written (``index.html`` and ``plotly.min.js``).
    report_dir: Path = DATA_DIR / "report"
    #: Language of the report's labels: one of ``REPORT_LANGS``.
    report_lang: str = REPORT_LANGS[0]

    def timezone_for(self, source: str) -> str:
        """Local time zone in which a source writes naive timestamps."""
        return self.source_timezones.get(source, self.business_timezone)

    def expected_every(self, source: str) -> timedelta:
        """How often ``source`` should deliver a new file."""
        return self.freshness_overrides.get(source, SOURCES[source].expected_every)

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Settings from ``environ`` (default: the process environment) and the defaults.

        Relative paths are taken from the working directory. Raises ``SettingsError`` naming
        the variable when a value cannot be used."""
        env = os.environ if environ is None else environ
        defaults = cls()

        def path(name: str, default: Path) -> Path:
            value = env.get(name)
            return Path(value).absolute() if value else default

        business_tz = env.get("VOC_TIMEZONE") or DEFAULT_TIMEZONE
        return cls(
            landing_dir=path("VOC_LANDING_DIR", defaults.landing_dir),
            duckdb_path=path("VOC_DUCKDB_PATH", defaults.duckdb_path),
            serving_path=path("VOC_SERVING_PATH", defaults.serving_path),
            marts_parquet_dir=path("VOC_MARTS_PARQUET_DIR", defaults.marts_parquet_dir),
            quality_docs_dir=path("VOC_QUALITY_DOCS_DIR", defaults.quality_docs_dir),
            business_timezone=business_tz,
            source_timezones={
                name: env.get(f"VOC_TZ_{name.upper()}") or business_tz for name in SOURCES
            },
            freshness_overrides=_freshness_overrides(env),
            refresh_cron=env.get("VOC_REFRESH_CRON") or defaults.refresh_cron,
            refresh_timezone=env.get("VOC_REFRESH_TIMEZONE") or business_tz,
            sensor_interval_seconds=_positive_int(env, "VOC_SENSOR_INTERVAL_SECONDS", 60),
            partitions_start_date=env.get("VOC_PARTITIONS_START_DATE")
            or defaults.partitions_start_date,
            cache_dir=path("VOC_CACHE_DIR", defaults.cache_dir),
            scoring_processes=_positive_int(env, "VOC_SCORING_PROCESSES", 0),
            adapt_min_rated=_positive_int(env, "VOC_ADAPT_MIN_RATED", defaults.adapt_min_rated),
            adapt_min_gain=_positive_float(env, "VOC_ADAPT_MIN_GAIN", defaults.adapt_min_gain),
            alert_webhook=_webhook_url(env, "VOC_ALERT_WEBHOOK"),
            alert_format=_choice(env, "VOC_ALERT_FORMAT", ALERT_FORMATS, defaults.alert_format),
            export_dir=path("VOC_EXPORT_DIR", defaults.export_dir),
            report_dir=path("VOC_REPORT_DIR", defaults.report_dir),
            report_lang=_choice(env, "VOC_REPORT_LANG", REPORT_LANGS, defaults.report_lang),
        )


def _positive(
    env: Mapping[str, str], name: str, parse: Callable[[str], float], what: str
) -> float | None:
    """``name``'s value read with ``parse`` (None when unset); a value that is not a number,
    or not positive, raises ``SettingsError`` naming the variable and ``what`` it expects."""
    value = env.get(name)
    if not value:
        return None
    try:
        number = parse(value)
    except ValueError:
        raise SettingsError(f"{name}={value!r}: expected a {what}") from None
    if number <= 0:
        raise SettingsError(f"{name}={value!r}: expected a positive {what}")
    return number


def _positive_int(env: Mapping[str, str], name: str, default: int) -> int:
    number = _positive(env, name, int, "whole number")
    return default if number is None else int(number)


def _positive_float(env: Mapping[str, str], name: str, default: float) -> float:
    number = _positive(env, name, float, "number")
    return default if number is None else float(number)


def _webhook_url(env: Mapping[str, str], name: str) -> str | None:
    """An http(s) URL with a host, or None when unset. The error names the variable but not
    the value: a webhook URL carries the bot's key."""
    value = (env.get(name) or "").strip()
    if not value:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SettingsError(f"{name}: expected an http(s) URL such as https://host/path")
    return value


def _choice(env: Mapping[str, str], name: str, choices: tuple[str, ...], default: str) -> str:
    """One of ``choices`` (case and surrounding blanks ignored), ``default`` when unset."""
    value = env.get(name)
    if not value:
        return default
    choice = value.strip().lower()
    if choice not in choices:
        raise SettingsError(f"{name}={value!r}: expected one of {', '.join(choices)}")
    return choice


def _freshness_overrides(env: Mapping[str, str]) -> dict[str, timedelta]:
    """``VOC_FRESHNESS_HOURS_<SOURCE>`` (e.g. ``VOC_FRESHNESS_HOURS_SURVEY=36``)."""
    overrides = {}
    for source in SOURCES:
        hours = _positive(env, f"VOC_FRESHNESS_HOURS_{source.upper()}", float, "number of hours")
        if hours is not None:
            overrides[source] = timedelta(hours=hours)
    return overrides


def get_settings() -> Settings:
    """The settings of this process's environment (see ``Settings.from_environ``)."""
    return Settings.from_environ()
