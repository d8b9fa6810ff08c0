"""One Dagster asset per landing source (group ``raw``): new files into ``raw.<source>``."""

from pathlib import Path

import dagster as dg

from ingestion.loader import FileStatus, SourceLoadReport, load_source
from ingestion.raw_store import raw_table
from orchestration.metadata import (
    PREVIEW_KEY,
    ROWS_NEW_KEY,
    column_schema_metadata,
    preview_markdown,
)
from orchestration.raw.freshness import arrival_metadata
from orchestration.resources import LandingZoneResource, WarehouseResource
from orchestration.retries import retry_step_on_transient_failure
from voc_core.contracts import SOURCES


def _metadata(report: SourceLoadReport, table_rows: int) -> dict[str, dg.MetadataValue]:
    failed = [f for f in report.files if f.status == FileStatus.FAILED]
    rejected = [f for f in report.files if f.status == FileStatus.REJECTED]
    problems = [f"- `{f.file_path}` {f.status}: {f.message}" for f in failed + rejected]
    return {
        "files_new": dg.MetadataValue.int(len(report.files)),
        "files_already_loaded": dg.MetadataValue.int(report.files_already_loaded),
        "files_by_status": dg.MetadataValue.json(report.status_counts()),
        "rows_read": dg.MetadataValue.int(report.total("rows_read")),
        "rows_loaded": dg.MetadataValue.int(report.total("rows_loaded")),
        "rows_quarantined": dg.MetadataValue.int(report.total("rows_quarantined")),
        "quarantine_by_reason": dg.MetadataValue.json(report.reason_counts()),
        "unknown_enum_values": dg.MetadataValue.json(report.unknown_values),
        "problem_files": dg.MetadataValue.md("\n".join(problems) or "none"),
        "dagster/row_count": dg.MetadataValue.int(table_rows),
        ROWS_NEW_KEY: dg.MetadataValue.int(report.total("rows_loaded")),
    }


def _newest_rows_query(source: str) -> str:
    """The rows of the newest load, in file order, with the contract's columns."""
    columns = ", ".join(f'"{c}"' for c in SOURCES[source].columns)
    return (
        f"select {columns}, _file_path from {raw_table(source)} "
        "order by _loaded_at desc, _file_path, _line_number"
    )


def build_raw_asset(source: str) -> dg.AssetsDefinition:
    """The asset that lands ``source``'s new files (see ``ingestion.loader``)."""
    contract = SOURCES[source]

    @dg.asset(
        key=dg.AssetKey(["raw", source]),
        group_name="raw",
        kinds={"python", "duckdb"},
        description=(
            f"Landing files of `{source}` ({contract.file_format}) loaded as delivered into "
            f"`{raw_table(source)}`; unusable rows in `raw._quarantine`, files in `raw._files`."
        ),
        metadata={"dagster/table_name": f"raw.{source}"},
    )
    def _raw_source(
        context: dg.AssetExecutionContext,
        warehouse: WarehouseResource,
        landing: LandingZoneResource,
    ) -> dg.MaterializeResult:
        landing_dir = Path(landing.landing_dir)
        with retry_step_on_transient_failure(context), warehouse.connect() as con:
            report = load_source(con, source, landing_dir, landing.timezone_for(source))
            (table_rows,) = con.execute(f"select count(*) from {raw_table(source)}").fetchone()
            metadata = _metadata(report, table_rows)
            metadata[PREVIEW_KEY] = dg.MetadataValue.md(
                preview_markdown(con, _newest_rows_query(source))
            )
            metadata |= column_schema_metadata(con, raw_table(source))
            # When the newest file arrived: what the freshness check compares with the cadence.
            metadata |= arrival_metadata(con, source, landing_dir)
        for f in report.files:
            if f.status in (FileStatus.FAILED, FileStatus.REJECTED):
                context.log.warning(f"{f.file_path}: {f.status}: {f.message}")
        return dg.MaterializeResult(metadata=metadata)

    return _raw_source


raw_assets = [build_raw_asset(source) for source in SOURCES]
