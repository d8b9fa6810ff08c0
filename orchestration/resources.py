"""Dagster resources: where the pipeline reads and writes, and the switches of one run.

Every value comes from ``voc_core.settings`` (the ``VOC_*`` environment, read once when the
code location loads) through ``build_resources``; the launchpad shows each resource's config
and a run may override it there. ``RunOptions`` holds the run switches (full refresh,
revalidate): set them in the launchpad under ``resources.run_options.config``, in a
schedule's or backfill's run config, or with ``voc run --full-refresh`` / ``--revalidate``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb

from orchestration.retries import with_backoff
from text_analytics.adapt import AdaptationPolicy
from voc_core.settings import Settings


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


class QualityDocsResource(dg.ConfigurableResource):
    """Where the quality gates write the Great Expectations Data Docs."""

    docs_dir: str


class TextScoringResource(dg.ConfigurableResource):
    """How text scoring runs: where jieba keeps its dictionary cache, how many worker processes
    score a large backlog, and when the warehouse trains and promotes its own sentiment model
    (``text_analytics.adapt``)."""

    cache_dir: str
    #: Scoring workers for a large backlog; 0: one per core (``scoring.worker_count``).
    processes: int = 0
    adapt_min_rated: int = 2000
    adapt_min_gain: float = 0.01

    def adaptation_policy(self) -> AdaptationPolicy:
        return AdaptationPolicy(min_rated=self.adapt_min_rated, min_gain=self.adapt_min_gain)


class AlertWebhookResource(dg.ConfigurableResource):
    """Where new alerts are posted (``serving.alert_delivery``): the chat group's incoming
    webhook (empty: alerts are only asset-check warnings) and its platform's message format.
    ``enqueue_days``: only alerts of the last that many days the data covers are posted, so a
    first run on a long history does not flood the chat; ``max_per_run``: the platforms allow
    about 20 messages a minute per bot, the rest wait for the next run."""

    webhook_url: str = ""
    message_format: str = "wecom"
    timeout_seconds: float = 10.0
    enqueue_days: int = 7
    max_per_run: int = 20


class ExportResource(dg.ConfigurableResource):
    """Where the per-team CSV files of the open follow-up queue are written, and the time zone
    their times are shown in."""

    export_dir: str
    business_timezone: str


class ReportResource(dg.ConfigurableResource):
    """Where the VoC report is written, in which language, and the time zone of its dates."""

    report_dir: str
    lang: str = "zh"
    business_timezone: str


class RunOptions(dg.ConfigurableResource):
    """The switches of one run, off by default.

    ``full_refresh``: rebuild every incremental dbt model from scratch (needed after a change
    to their columns: they fail rather than drift), validate every row again and publish the
    serving copy whole. ``revalidate``: validate every row again (after a change to the
    suites), nothing else."""

    full_refresh: bool = False
    revalidate: bool = False

    @property
    def validate_everything(self) -> bool:
        return self.full_refresh or self.revalidate


def _secret(variable: str, value: str) -> str | dg.EnvVar:
    """``value``, as ``EnvVar(variable)`` when it came from the process environment: Dagster
    then reads it at run time and its UI shows the variable's name, never the secret."""
    if value and os.environ.get(variable) == value:
        return dg.EnvVar(variable)
    return value


def build_resources(settings: Settings) -> dict[str, dg.ConfigurableResource]:
    """The resources of the code location, configured from ``settings`` (dbt's is added by
    ``orchestration.definitions``)."""
    return {
        "warehouse": WarehouseResource(duckdb_path=str(settings.duckdb_path)),
        "landing": LandingZoneResource(
            landing_dir=str(settings.landing_dir),
            source_timezones=dict(settings.source_timezones),
            default_timezone=settings.business_timezone,
        ),
        "serving": ServingResource(
            serving_path=str(settings.serving_path), parquet_dir=str(settings.marts_parquet_dir)
        ),
        "quality_docs": QualityDocsResource(docs_dir=str(settings.quality_docs_dir)),
        "text_scoring": TextScoringResource(
            cache_dir=str(settings.cache_dir),
            processes=settings.scoring_processes,
            adapt_min_rated=settings.adapt_min_rated,
            adapt_min_gain=settings.adapt_min_gain,
        ),
        "alert_webhook": AlertWebhookResource(
            webhook_url=_secret("VOC_ALERT_WEBHOOK", settings.alert_webhook or ""),
            message_format=settings.alert_format,
        ),
        "exports": ExportResource(
            export_dir=str(settings.export_dir), business_timezone=settings.business_timezone
        ),
        "report": ReportResource(
            report_dir=str(settings.report_dir),
            lang=settings.report_lang,
            business_timezone=settings.business_timezone,
        ),
        "run_options": RunOptions(),
    }
