"""The serving copy for BI (group ``serving``): published after the marts and their checks."""

from pathlib import Path

import dagster as dg

from orchestration.dbt.assets import dbt_mart_assets
from orchestration.resources import RunOptions, ServingResource, WarehouseResource
from orchestration.retries import retry_step_on_transient_failure, with_backoff
from serving.publish import publish_marts

SERVING_KEY = dg.AssetKey(["serving", "marts"])

#: Every dbt model of the marts layer: the copy is published only when all of them (and
#: their blocking checks) succeeded in the run, so a failed or blocked run publishes nothing.
MART_KEYS = sorted(
    (key for key in dbt_mart_assets.keys if key.path[0] == "marts"),
    key=lambda key: key.to_user_string(),
)


@dg.asset(
    key=SERVING_KEY,
    deps=MART_KEYS,
    group_name="serving",
    kinds={"duckdb", "parquet"},
    description=(
        "The `marts` schema published for BI tools: a DuckDB file (`VOC_SERVING_PATH`, "
        "open it read-only) and one Parquet file per table (`VOC_MARTS_PARQUET_DIR`), "
        "replaced atomically after a run whose checks passed."
    ),
)
def serving_marts(
    context: dg.AssetExecutionContext,
    warehouse: WarehouseResource,
    serving: ServingResource,
    run_options: RunOptions,
) -> dg.MaterializeResult:
    with retry_step_on_transient_failure(context):
        report = with_backoff(
            lambda: publish_marts(
                Path(warehouse.duckdb_path),
                Path(serving.serving_path),
                Path(serving.parquet_dir),
                run_id=context.run_id,
                full_refresh=run_options.full_refresh,
            ),
            timeout_seconds=warehouse.lock_timeout_seconds,
        )
    context.log.info(
        f"published {len(report.row_counts)} tables ({report.total_rows:,} rows) "
        f"to {report.serving_path} and {report.parquet_dir}"
    )
    rows = "\n".join(f"| `{t}` | {n:,} |" for t, n in report.row_counts.items())
    return dg.MaterializeResult(
        metadata={
            "serving_path": dg.MetadataValue.path(str(report.serving_path)),
            "parquet_dir": dg.MetadataValue.path(str(report.parquet_dir)),
            "tables": len(report.row_counts),
            "dagster/row_count": report.total_rows,
            "serving_bytes": report.serving_bytes,
            "row_counts": dg.MetadataValue.md("| table | rows |\n|---|---|\n" + rows),
        }
    )
