"""Run the pipeline in-process, the way ``voc run`` and ``make demo`` do."""

from __future__ import annotations

import os

from voc_core.settings import PROJECT_ROOT


def ensure_dagster_home() -> None:
    """Use ``.dagster/`` as the Dagster instance (as the Makefile does) unless one is set.

    The instance settings live in the top-level ``dagster.yaml``; it is linked into
    ``.dagster/`` so runs started here show up in ``dagster dev``.
    """
    if os.environ.get("DAGSTER_HOME"):
        return
    home = PROJECT_ROOT / ".dagster"
    home.mkdir(exist_ok=True)
    link = home / "dagster.yaml"
    if not link.exists():
        link.symlink_to(PROJECT_ROOT / "dagster.yaml")
    os.environ["DAGSTER_HOME"] = str(home)


def run_pipeline(selection: str | None = None, full_refresh: bool = False) -> bool:
    """Materialise the selected assets (Dagster selection syntax; default: all).

    Returns True when the run succeeded. Failures are reported by Dagster's own log.
    """
    ensure_dagster_home()
    if full_refresh:
        os.environ["VOC_DBT_FULL_REFRESH"] = "1"
    import dagster as dg

    from orchestration.dbt.project import prepare_manifest

    prepare_manifest()  # models may have changed since the last parse
    from orchestration.definitions import defs

    graph = defs.resolve_asset_graph()
    keys = (
        dg.AssetSelection.from_string(selection).resolve(graph)
        if selection
        else graph.get_all_asset_keys()
    )
    if not keys:
        raise SystemExit(f"voc run: the selection {selection!r} matches no asset")
    # The refresh job: the same tags (one writer at a time) and retry policy as scheduled runs.
    job = defs.resolve_job_def("refresh")
    with dg.DagsterInstance.get() as instance:
        result = job.execute_in_process(
            instance=instance, asset_selection=list(keys), raise_on_error=False
        )
    return result.success
