"""The VoC report asset: ``report.build`` run on the freshly published serving copy.

Downstream of the serving copy, so it is part of every refresh (the nightly schedule, the
landing sensor, ``voc run``) and is skipped when the copy was not published (a failed or
blocked run leaves yesterday's report in place). The work is ``report.build.build_report``.
"""

from pathlib import Path

import dagster as dg
import duckdb

import report as report_package
from orchestration import unchanged
from orchestration.resources import ReportResource, RunOptions, ServingResource, WarehouseResource
from orchestration.retries import retry_step_on_transient_failure
from orchestration.serving.assets import PUBLISH_STEP, SERVING_KEY
from report.build import build_report

REPORT_KEY = dg.AssetKey(["report", "voc_report"])


REPORT_STEP = "report__voc_report"


def report_inputs(con: duckdb.DuckDBPyConnection, report: ReportResource) -> str:
    """What the report is drawn from (``orchestration.unchanged``): the serving copy as it
    was last published, the report's code, language and time zone, and the files it wrote.
    The page reads no clock but for its "generated at" line, which stays the time it was
    drawn."""
    out = Path(report.report_dir)
    return unchanged.inputs_token(
        {
            "copy": unchanged.step_record(con, PUBLISH_STEP),
            "code": unchanged.source_state(Path(report_package.__file__).parent),
            "settings": [report.lang, report.business_timezone],
            "files": unchanged.files_state([out / "index.html", out / "plotly.min.js"]),
        }
    )


@dg.asset(
    key=REPORT_KEY,
    deps=[SERVING_KEY],
    group_name="report",
    kinds={"html", "plotly"},
    description=(
        "The VoC report: one static HTML page (`VOC_REPORT_DIR`/index.html, plotly.min.js "
        "beside it) with the headline figures, trends, topic heat map, key drivers, journey, "
        "improvements, follow-up, what customers say, competitors and data health, drawn "
        "from the serving copy only (masked text). Opens from the file system, no network. "
        "Labels in `VOC_REPORT_LANG` (zh or en)."
    ),
)
def voc_report(
    context: dg.AssetExecutionContext,
    serving: ServingResource,
    report: ReportResource,
    warehouse: WarehouseResource,
    run_options: RunOptions,
) -> dg.MaterializeResult:
    with retry_step_on_transient_failure(context), warehouse.connect() as con:
        found = unchanged.standing(
            context, con, REPORT_STEP, report_inputs(con, report), redo=run_options.full_refresh
        )
    if found is not None:
        context.log.info(found.note("the report"))
        return dg.MaterializeResult(
            metadata={
                unchanged.SKIPPED_KEY: found.note("the report"),
                "path": dg.MetadataValue.path(str(Path(report.report_dir) / "index.html")),
            }
        )
    result = build_report(
        Path(serving.serving_path),
        Path(report.report_dir),
        lang=report.lang,
        business_timezone=report.business_timezone,
    )
    context.log.info(
        f"report written to {result.path} ({result.bytes:,} bytes, {result.seconds:.1f} s)"
    )
    for section in result.sections:
        if section.error is not None:
            context.log.warning(f"report section {section.id} failed: {section.error}")
    with retry_step_on_transient_failure(context), warehouse.connect() as con:
        unchanged.remember(con, REPORT_STEP, report_inputs(con, report), context.run_id)
    headline = next((s.summary for s in result.sections if s.id == "headline"), {})
    figures = {k: headline.get(k) for k in ("nps", "csat", "ces") if headline.get(k) is not None}
    return dg.MaterializeResult(
        metadata={
            **figures,
            "path": dg.MetadataValue.path(str(result.path)),
            "summary": dg.MetadataValue.md(result.markdown()),
            "bytes": result.bytes,
            "seconds": round(result.seconds, 2),
            "as_of": str(result.as_of) if result.as_of else "no data",
            "lang": result.lang,
            "sections": len(result.sections),
            "empty_sections": [s.id for s in result.sections if s.empty is not None],
            "failed_sections": result.failed,
        }
    )
