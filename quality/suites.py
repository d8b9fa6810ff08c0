"""Entry point of the quality gates: run one layer's suites against the warehouse.

    from quality.suites import run_layer_checks
    outcomes = run_layer_checks(con, "marts", docs_dir=Path("data/quality_docs"))
    if blocking(outcomes): ...  # a failed error-level check: stop what is downstream

Layers: ``raw`` (one suite per landing source, plus daily volumes learnt from history),
``intermediate`` (unified feedback), ``marts`` (ranges and reconciliations of every mart) and
``authenticity`` (the fake-review rule hits, one warning per rule). Every outcome is also
appended to ``quality.validation_results`` in the same connection.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from quality.expectations.authenticity import authenticity_suites, load_manifest
from quality.expectations.intermediate import intermediate_suites
from quality.expectations.marts import mart_suites
from quality.expectations.raw import VOLUME_COLUMNS, VOLUME_SUITE, raw_suites
from quality.results import CheckOutcome, record_outcomes
from quality.spec import SuiteSpec
from quality.validated_files import ensure_table as ensure_validated_files
from quality.validated_files import remember, remember_loads
from voc_core.contracts import SOURCES
from voc_core.settings import DEFAULT_TIMEZONE

LAYERS: tuple[str, ...] = ("raw", "intermediate", "marts", "authenticity")

#: Suites whose names do not depend on the data: what an orchestrator declares checks for.
_NAMES_AT = datetime(2000, 1, 1, tzinfo=timezone.utc)


def build_suites(
    con: duckdb.DuckDBPyConnection,
    layer: str,
    now_utc: datetime,
    *,
    source_timezones: Mapping[str, str] | None = None,
    only_new: bool = True,
    dbt_manifest: Mapping[str, Any] | None = None,
) -> list[SuiteSpec]:
    """The suites of ``layer`` (raw volume bounds are learnt from ``con``'s data).

    ``source_timezones``: the zone each source writes naive timestamps in (missing sources:
    the default business zone). ``only_new``: validate only what has not passed yet.
    ``dbt_manifest``: the parsed dbt manifest, which describes the fake-review rules."""
    if layer == "raw":
        return raw_suites(con, raw_timezones(source_timezones), now_utc, only_new)
    if layer == "intermediate":
        return intermediate_suites(now_utc, only_new)
    if layer == "marts":
        return mart_suites(only_new)
    if layer == "authenticity":
        # Default: the manifest of the last `dbt parse`, until every caller passes one.
        return authenticity_suites(dbt_manifest if dbt_manifest is not None else load_manifest())
    raise ValueError(f"unknown layer {layer!r}; expected one of {', '.join(LAYERS)}")


def raw_timezones(source_timezones: Mapping[str, str] | None) -> dict[str, str]:
    """The zone each source writes naive timestamps in (missing: the default business zone)."""
    zones = source_timezones or {}
    return {source: zones.get(source, DEFAULT_TIMEZONE) for source in SOURCES}


def suite_tables(layer: str) -> list[tuple[str, str]]:
    """``(suite, table it guards)`` of every suite ``layer`` may run, whatever the data: what
    an orchestrator declares checks for. The raw volume suite (which runs only when there is
    enough history) guards every raw table."""
    if layer == "raw":
        return [(f"raw.{source}", f"raw.{source}") for source in SOURCES] + [
            (VOLUME_SUITE, f"raw.{source}") for source in VOLUME_COLUMNS
        ]
    specs = build_suites(None, layer, _NAMES_AT)  # type: ignore[arg-type]  # needs no data
    return [(spec.name, spec.guarded_table) for spec in specs]


def _exists(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    schema, name = table.split(".", 1)
    (found,) = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, name.strip('"')],
    ).fetchone()
    return bool(found)


def _missing_outcome(spec: SuiteSpec, missing: list[str]) -> CheckOutcome:
    return CheckOutcome(
        suite=spec.name,
        expectation="table_exists",
        severity=spec.missing_severity,
        success=False,
        observed={"missing_tables": missing},
        description=f"The suite's tables exist; missing: {', '.join(missing)}.",
        layer=spec.layer,
        expectation_type="table_exists",
        table=spec.guarded_table,
    )


def _nanosecond_timestamps(frame: pd.DataFrame) -> pd.DataFrame:
    """Timestamp columns in nanoseconds, the unit GX compares vectorised.

    DuckDB hands pandas microsecond timestamps; GX's between-check only takes its vectorised
    path for ``datetime64[ns]`` and otherwise calls a Python function per value (py-spy: the
    largest part of the raw suites that grows with the data). Same values; a column with a
    value outside the nanosecond range (years before 1678 or after 2261) is left as it is.
    """
    for column in frame.columns:
        series = frame[column]
        if not pd.api.types.is_datetime64_any_dtype(series.dtype):
            continue
        if str(series.dtype).startswith("datetime64[ns"):
            continue
        try:
            frame[column] = series.dt.as_unit("ns")
        except (OverflowError, ValueError, pd.errors.OutOfBoundsDatetime):
            continue
    return frame


def run_layer_checks(
    con: duckdb.DuckDBPyConnection,
    layer: str,
    docs_dir: Path | None = None,
    *,
    source_timezones: Mapping[str, str] | None = None,
    revalidate: bool = False,
    dbt_manifest: Mapping[str, Any] | None = None,
) -> list[CheckOutcome]:
    """Run every suite of ``layer`` on the warehouse behind ``con``.

    Returns one ``CheckOutcome`` per check (a suite whose table is missing gives one failed
    ``table_exists`` outcome instead), records them in ``quality.validation_results`` and,
    when ``docs_dir`` is given, builds the Data Docs site there. What passed is not validated
    again unless ``revalidate``: raw source suites skip files they passed
    (``quality.validated_files``), the unified-feedback and fct_feedback suites rows loaded
    before their last pass (``quality.validated_loads``). ``source_timezones`` and
    ``dbt_manifest`` as in ``build_suites``.
    """
    now = datetime.now(timezone.utc)
    run_at = now.replace(tzinfo=None)
    run_id = f"{layer}-{run_at:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
    outcomes: list[CheckOutcome] = []
    to_validate = []
    ensure_validated_files(con)
    specs = build_suites(
        con,
        layer,
        now,
        source_timezones=source_timezones,
        only_new=not revalidate,
        dbt_manifest=dbt_manifest,
    )
    for spec in specs:
        missing = [t for t in spec.requires if not _exists(con, t)]
        if missing:
            outcomes.append(_missing_outcome(spec, missing))
            continue
        frame = _nanosecond_timestamps(con.execute(spec.query).df())
        if spec.transform is not None:
            frame = spec.transform(frame)
        to_validate.append((spec, frame))
    if to_validate:
        from quality.runner import validate

        outcomes.extend(validate(to_validate, run_name=run_id, run_time=now, docs_dir=docs_dir))
    blocked = {o.suite for o in outcomes if o.blocks}
    for spec, frame in to_validate:
        if spec.name in blocked:
            continue
        if spec.by_file:
            remember(con, spec.name, frame, run_at)
        if spec.by_loaded_at:
            remember_loads(con, spec.name, spec.by_loaded_at, frame, run_at)
    index = str(docs_dir / "index.html") if docs_dir is not None else None
    record_outcomes(con, outcomes, run_id, run_at, data_docs=index)
    return outcomes
