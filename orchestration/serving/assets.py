"""The serving copy for BI (group ``serving``): published after the marts and their checks."""

from pathlib import Path

import dagster as dg
import duckdb

import serving as serving_package
from orchestration import unchanged
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


#: The step that publishes the copy (its record is an input of the report's).
PUBLISH_STEP = "serving__marts"


def publish_inputs(con: duckdb.DuckDBPyConnection, serving: ServingResource) -> str:
    """What the copy is made of (``orchestration.unchanged``): the marts as the dbt step
    last built them, the publishing code, and the files it wrote (someone may have removed
    them)."""
    parquet_dir = Path(serving.parquet_dir)
    files = sorted(parquet_dir.rglob("*")) if parquet_dir.is_dir() else []
    return unchanged.inputs_token(
        {
            "marts": unchanged.step_record(con, "dbt_marts"),
            "code": unchanged.source_state(Path(serving_package.__file__).parent),
            "copy": unchanged.files_state([Path(serving.serving_path), parquet_dir, *files]),
        }
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
    with retry_step_on_transient_failure(context), warehouse.connect() as con:
        found = unchanged.standing(
            context, con, PUBLISH_STEP, publish_inputs(con, serving), redo=run_options.full_refresh
        )
    if found is not None:
        context.log.info(found.note("publishing"))
        return dg.MaterializeResult(
            metadata={
                unchanged.SKIPPED_KEY: found.note("publishing"),
                "serving_path": dg.MetadataValue.path(str(serving.serving_path)),
                "parquet_dir": dg.MetadataValue.path(str(serving.parquet_dir)),
            }
        )
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
    with retry_step_on_transient_failure(context), warehouse.connect() as con:
        unchanged.remember(con, PUBLISH_STEP, publish_inputs(con, serving), context.run_id)
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
