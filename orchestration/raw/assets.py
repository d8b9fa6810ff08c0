"""One Dagster asset per landing source (group ``raw``): new files into ``raw.<source>``."""

from pathlib import Path

import dagster as dg

from ingestion.contracts import SOURCES
from ingestion.loader import FileStatus, SourceLoadReport, load_source
from ingestion.raw_store import raw_table
from orchestration.resources import LandingZoneResource, WarehouseResource


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
    }


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
        with warehouse.connect() as con:
            report = load_source(
                con, source, Path(landing.landing_dir), landing.timezone_for(source)
            )
            (table_rows,) = con.execute(f"select count(*) from {raw_table(source)}").fetchone()
        for f in report.files:
            if f.status in (FileStatus.FAILED, FileStatus.REJECTED):
                context.log.warning(f"{f.file_path}: {f.status}: {f.message}")
        return dg.MaterializeResult(metadata=_metadata(report, table_rows))

    return _raw_source


raw_assets = [build_raw_asset(source) for source in SOURCES]
