"""Outcomes of quality checks, and the DuckDB table that keeps them.

Every call of ``quality.suites.run_layer_checks`` appends one row per check to
``quality.validation_results``, in the warehouse it checked, so the history of data quality
is queried like any other table (what failed last night, since when a warning fires).
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

import duckdb

from quality.spec import Severity

SCHEMA = "quality"
RESULTS_TABLE = f"{SCHEMA}.validation_results"

_DDL = (
    f"create schema if not exists {SCHEMA}",
    f"""
    create table if not exists {RESULTS_TABLE} (
        run_id varchar not null,
        run_at timestamp not null,
        layer varchar not null,
        suite varchar not null,
        expectation varchar not null,
        expectation_type varchar not null,
        column_name varchar,
        severity varchar not null,
        success boolean not null,
        blocking boolean not null,
        unexpected_count bigint,
        element_count bigint,
        observed_value json,
        description varchar,
        data_docs varchar
    )
    """,
)


@dataclass
class CheckOutcome:
    """The result of one check.

    ``observed`` holds what GX observed (counts, the observed value, a sample of unexpected
    values) as JSON-able data. ``blocks`` is true for a failed ``error`` check: whatever is
    downstream of the checked table should not run.
    """

    suite: str
    expectation: str
    severity: Severity
    success: bool
    observed: dict[str, Any] = field(default_factory=dict)
    description: str = ""
    layer: str = ""
    expectation_type: str = ""
    column: str | None = None
    #: The table the check guards (``schema.table``): what an orchestrator attaches it to.
    table: str | None = None

    @property
    def blocks(self) -> bool:
        return self.severity == "error" and not self.success

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "blocks": self.blocks}


def blocking(outcomes: list[CheckOutcome]) -> list[CheckOutcome]:
    """The failed ``error`` checks among ``outcomes``."""
    return [o for o in outcomes if o.blocks]


def jsonable(value: Any) -> Any:
    """``value`` with numpy, pandas and datetime values turned into JSON types."""
    if value is None or isinstance(value, (bool, str, int)):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [jsonable(v) for v in value]
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    item = getattr(value, "item", None)  # numpy scalars
    if callable(item):
        try:
            return jsonable(item())
        except (TypeError, ValueError):
            pass
    isoformat = getattr(value, "isoformat", None)  # pandas Timestamp
    if callable(isoformat):
        return isoformat()
    return str(value)


def ensure_results_table(con: duckdb.DuckDBPyConnection) -> None:
    for statement in _DDL:
        con.execute(statement)


def record_outcomes(
    con: duckdb.DuckDBPyConnection,
    outcomes: list[CheckOutcome],
    run_id: str,
    run_at: datetime,
    data_docs: str | None = None,
) -> None:
    """Append ``outcomes`` to ``quality.validation_results`` in one transaction."""
    ensure_results_table(con)
    rows = [
        (
            run_id,
            run_at,
            o.layer,
            o.suite,
            o.expectation,
            o.expectation_type,
            o.column,
            o.severity,
            o.success,
            o.blocks,
            o.observed.get("unexpected_count"),
            o.observed.get("element_count"),
            json.dumps(jsonable(o.observed), ensure_ascii=False),
            o.description,
            data_docs,
        )
        for o in outcomes
    ]
    if not rows:
        return
    placeholders = ", ".join(["?"] * len(rows[0]))
    con.execute("begin transaction")
    try:
        con.executemany(f"insert into {RESULTS_TABLE} values ({placeholders})", rows)
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
