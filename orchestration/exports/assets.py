"""The open follow-up queue per team as CSV files (group ``exports``).

The work is ``serving.followup_export``'s: one ``followup_<team>.csv`` per owning team in
``VOC_EXPORT_DIR``, UTF-8 with BOM, masked text only, rewritten atomically on every refresh.
"""

from pathlib import Path

import dagster as dg

from orchestration.resources import ExportResource, WarehouseResource
from orchestration.retries import retry_step_on_transient_failure
from serving.followup_export import export_followup_queue

FOLLOWUP_EXPORT_KEY = dg.AssetKey(["exports", "followup_queue"])
#: The dbt model of the follow-up queue (``models/marts``); a dep on a key not defined yet is
#: allowed.
FCT_FOLLOWUP_KEY = dg.AssetKey(["marts", "fct_followup"])


@dg.asset(
    key=FOLLOWUP_EXPORT_KEY,
    deps=[FCT_FOLLOWUP_KEY],
    group_name="exports",
    kinds={"csv"},
    description=(
        "The open follow-up queue (status open or overdue) as one CSV file per owning team, "
        "`followup_<team>.csv` in `VOC_EXPORT_DIR`: UTF-8 with BOM for Excel, most urgent "
        "first, times in the business time zone, masked text only."
    ),
)
def followup_queue_export(
    context: dg.AssetExecutionContext,
    warehouse: WarehouseResource,
    exports: ExportResource,
) -> dg.MaterializeResult:
    with retry_step_on_transient_failure(context), warehouse.connect() as con:
        report = export_followup_queue(con, Path(exports.export_dir), exports.business_timezone)
    context.log.info(report.summary)
    files = "\n".join(f"| `{name}` | {rows:,} |" for name, rows in report.rows_by_file.items())
    return dg.MaterializeResult(
        metadata={
            "outcome": report.outcome,
            "summary": report.summary,
            "export_dir": dg.MetadataValue.path(str(report.export_dir)),
            "files_written": len(report.rows_by_file),
            "files_changed": len(report.changed),
            "old_files_emptied": len(report.emptied),
            "dagster/row_count": report.total_rows,
            "rows_by_file": dg.MetadataValue.md(
                "| file | open items |\n|---|---|\n" + files if files else "no files"
            ),
        }
    )
