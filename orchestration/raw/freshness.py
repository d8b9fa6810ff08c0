"""Freshness of the landing sources: a late source fails a check on its raw asset.

Each source declares how often it delivers (``SourceContract.expected_every``, overridable
with ``VOC_FRESHNESS_HOURS_<SOURCE>``, e.g. ``VOC_FRESHNESS_HOURS_SURVEY=36``: read by
``voc_core.settings.Settings.expected_every``).

*Arrival* is when the newest delivered file of the source landed: its modification time in the
landing folder, capped at the time the loader recorded it in ``raw._files`` (``loaded_at``)
and falling back to ``loaded_at`` when the file is no longer there. ``loaded_at`` alone would
be dishonest: it is when *we* picked the file up, so a backlog loaded after an outage would
look fresh. Only files that brought rows count (``loaded``, ``loaded_with_quarantine``): a
rejected, failed or duplicate delivery brings no new data.

The raw asset reports the arrival as ``dagster/last_updated_timestamp``; the check
``raw/<source>:freshness`` reads the asset's latest materialization from the Dagster event log
(it never opens DuckDB, so it can run while a run writes the warehouse) and fails, with
severity WARN and not blocking, when that arrival is older than the cadence or when no file
ever arrived. Other sources' data keeps flowing while one is late.
"""

from datetime import datetime, timedelta, timezone
from pathlib import Path

import dagster as dg
import duckdb

from ingestion.loader import FileStatus
from ingestion.raw_store import MANIFEST_TABLE
from voc_core.contracts import SOURCES
from voc_core.settings import Settings

#: Metadata keys, the same as Dagster's own freshness checks use, so the UI shows them as
#: timestamps and ``build_sensor_for_freshness_checks`` knows when to evaluate again.
LAST_UPDATED_KEY = "dagster/last_updated_timestamp"
FRESH_UNTIL_KEY = "dagster/fresh_until_timestamp"
LOWER_BOUND_KEY = "dagster/freshness_lower_bound_timestamp"
FRESHNESS_PARAMS_KEY = "dagster/freshness_params"
NEWEST_FILE_KEY = "newest_file"

_ARRIVED = (FileStatus.LOADED, FileStatus.LOADED_WITH_QUARANTINE)


def newest_arrival(
    con: duckdb.DuckDBPyConnection, source: str, landing_dir: Path
) -> tuple[str, datetime] | None:
    """The newest delivered file of ``source`` that brought rows, and when it arrived (UTC);
    None when none ever did. See the module docstring for what arrival means."""
    rows = con.execute(
        f"select file_path, loaded_at from {MANIFEST_TABLE} "
        f"where source = ? and status in ({', '.join('?' for _ in _ARRIVED)})",
        [source, *_ARRIVED],
    ).fetchall()
    newest: tuple[str, datetime] | None = None
    for file_path, loaded_at in rows:
        arrived = loaded_at.replace(tzinfo=timezone.utc)
        try:
            mtime = (landing_dir / file_path).stat().st_mtime
        except OSError:
            pass  # moved away or archived after loading: loaded_at is all we know
        else:
            arrived = min(arrived, datetime.fromtimestamp(mtime, timezone.utc))
        if newest is None or (arrived, file_path) > (newest[1], newest[0]):
            newest = (file_path, arrived)
    return newest


def arrival_metadata(
    con: duckdb.DuckDBPyConnection, source: str, landing_dir: Path
) -> dict[str, dg.MetadataValue]:
    """What the raw asset reports about arrival (nothing when no file ever arrived)."""
    newest = newest_arrival(con, source, landing_dir)
    if newest is None:
        return {NEWEST_FILE_KEY: dg.MetadataValue.text("none delivered yet")}
    file_path, arrived = newest
    return {
        LAST_UPDATED_KEY: dg.MetadataValue.timestamp(arrived),
        NEWEST_FILE_KEY: dg.MetadataValue.path(file_path),
    }


def _latest_arrival(instance: dg.DagsterInstance, asset_key: dg.AssetKey) -> float | None:
    records = instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=asset_key), limit=1
    ).records
    if not records or records[0].asset_materialization is None:
        return None
    value = records[0].asset_materialization.metadata.get(LAST_UPDATED_KEY)
    return float(value.value) if isinstance(value, dg.TimestampMetadataValue) else None


def _in_words(delta: timedelta) -> str:
    hours = delta.total_seconds() / 3600
    return f"{hours / 24:.1f} days" if hours >= 48 else f"{hours:.1f} hours"


def build_freshness_check(source: str, cadence: timedelta) -> dg.AssetChecksDefinition:
    """The check ``raw/<source>:freshness``: the newest file arrived within ``cadence``."""
    asset_key = dg.AssetKey(["raw", source])
    params = {"lower_bound_delta_seconds": cadence.total_seconds(), "timezone": "UTC"}

    @dg.asset_check(
        asset=asset_key,
        name="freshness",
        description=(
            f"`{source}` delivers at least every {_in_words(cadence)} "
            f"(`VOC_FRESHNESS_HOURS_{source.upper()}`): fails when its newest file is older."
        ),
        blocking=False,
        metadata={FRESHNESS_PARAMS_KEY: dg.MetadataValue.json(params)},
    )
    def _freshness(context: dg.AssetCheckExecutionContext) -> dg.AssetCheckResult:
        now = datetime.now(timezone.utc)
        lower_bound = now - cadence
        metadata: dict[str, dg.MetadataValue] = {
            FRESHNESS_PARAMS_KEY: dg.MetadataValue.json(params),
            LOWER_BOUND_KEY: dg.MetadataValue.timestamp(lower_bound),
        }
        arrived_ts = _latest_arrival(context.instance, asset_key)
        if arrived_ts is None:
            return dg.AssetCheckResult(
                passed=False,
                severity=dg.AssetCheckSeverity.WARN,
                description=f"No file of `{source}` has arrived yet (expected every "
                f"{_in_words(cadence)}).",
                metadata=metadata,
            )
        arrived = datetime.fromtimestamp(arrived_ts, timezone.utc)
        age = now - arrived
        passed = arrived >= lower_bound
        metadata[LAST_UPDATED_KEY] = dg.MetadataValue.timestamp(arrived)
        metadata["age_hours"] = dg.MetadataValue.float(round(age.total_seconds() / 3600, 2))
        if passed:
            metadata[FRESH_UNTIL_KEY] = dg.MetadataValue.timestamp(arrived + cadence)
        verdict = "on time" if passed else "late"
        return dg.AssetCheckResult(
            passed=passed,
            severity=dg.AssetCheckSeverity.WARN,
            description=f"`{source}` is {verdict}: its newest file arrived {_in_words(age)} ago; "
            f"expected every {_in_words(cadence)}.",
            metadata=metadata,
        )

    return _freshness


def build_freshness_checks(settings: Settings) -> list[dg.AssetChecksDefinition]:
    """The freshness check of every raw asset (``raw/<source>:freshness``), with the cadences
    of ``settings``; evaluated after each materialization of the raw asset and, between
    runs, by the freshness sensor."""
    return [build_freshness_check(s, settings.expected_every(s)) for s in SOURCES]


def build_freshness_sensor(
    checks: list[dg.AssetChecksDefinition], minimum_interval_seconds: int = 600
) -> dg.SensorDefinition:
    """Dagster's sensor for freshness checks: runs a check that has never run, or that passed
    but whose ``dagster/fresh_until_timestamp`` is past; a failed check runs again with the
    next materialization of its asset. Stopped by default (switch it on in the UI)."""
    import warnings

    with warnings.catch_warnings():
        # Superseded by FreshnessPolicy in Dagster 1.12, which shows freshness as asset health
        # rather than as a check; this project wants checks, so keep the (still supported) API.
        warnings.simplefilter("ignore", dg.SupersessionWarning)
        return dg.build_sensor_for_freshness_checks(
            freshness_checks=checks,
            minimum_interval_seconds=minimum_interval_seconds,
            name="raw_freshness_sensor",
        )
