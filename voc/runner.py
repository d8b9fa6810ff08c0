"""Run the pipeline in-process, the way ``voc run`` and ``make demo`` do."""

from __future__ import annotations

import os
from pathlib import Path

from voc_core.settings import PROJECT_ROOT, get_settings


def dagster_home() -> Path:
    """The Dagster instance folder: ``DAGSTER_HOME`` when set (the Makefile sets it), else
    ``.dagster/`` in the project, with the top-level ``dagster.yaml`` linked into it so runs
    started here show up in ``dagster dev``."""
    if os.environ.get("DAGSTER_HOME"):
        return Path(os.environ["DAGSTER_HOME"])
    home = PROJECT_ROOT / ".dagster"
    home.mkdir(exist_ok=True)
    link = home / "dagster.yaml"
    if not link.exists():
        link.symlink_to(PROJECT_ROOT / "dagster.yaml")
    return home


def run_config(full_refresh: bool = False, revalidate: bool = False) -> dict:
    """The run config of the run switches (what the launchpad sets under ``resources``)."""
    if not full_refresh and not revalidate:
        return {}
    switches = {"full_refresh": full_refresh, "revalidate": revalidate}
    return {"resources": {"run_options": {"config": switches}}}


def run_pipeline(
    selection: str | None = None, full_refresh: bool = False, revalidate: bool = False
) -> bool:
    """Materialise the selected assets (Dagster selection syntax; default: all).

    ``full_refresh`` and ``revalidate`` are the run switches of ``RunOptions``. Returns True
    when the run succeeded.
    """
    settings = get_settings()
    import dagster as dg

    from orchestration.dbt.project import prepare_manifest

    prepare_manifest(settings)  # models may have changed since the last parse
    from orchestration.definitions import build_definitions

    defs = build_definitions(settings)

    graph = defs.resolve_asset_graph()
    keys = (
        dg.AssetSelection.from_string(selection).resolve(graph)
        if selection
        else graph.get_all_asset_keys()
    )
    if not keys:
        raise SystemExit(f"voc run: the selection {selection!r} matches no asset")
    # The refresh job: the same tags (one writer at a time) and retry policy as scheduled runs.
    # One line per step on the console; every event in <DAGSTER_HOME>/logs/ (voc.progress).
    from voc.progress import execute_with_progress

    with dg.DagsterInstance.from_config(str(dagster_home())) as instance:
        result = execute_with_progress(
            defs,
            "refresh",
            instance=instance,
            run_config=run_config(full_refresh, revalidate),
            asset_selection=list(keys),
        )
    return result.success
