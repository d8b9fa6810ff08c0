"""The dbt project as Dagster sees it, and how its manifest gets built."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from dagster_dbt import DbtCliResource, DbtProject

from voc.settings import DBT_PROJECT_DIR

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)

#: The dbt installed beside this interpreter, so nothing depends on PATH or an activated venv.
DBT_EXECUTABLE = str(Path(sys.executable).with_name("dbt"))


def dbt_cli() -> DbtCliResource:
    """The dbt CLI resource for this project."""
    return DbtCliResource(
        project_dir=dbt_project,
        profiles_dir=str(dbt_project.profiles_dir),
        dbt_executable=DBT_EXECUTABLE,
    )


def prepare_manifest() -> None:
    """Run ``dbt parse`` so ``target/manifest.json`` matches the models on disk."""
    dbt_cli().cli(["parse", "--quiet"], target_path=dbt_project.target_path).wait()


def ensure_manifest() -> None:
    """Make sure the dbt assets are built from a manifest.

    Under `dagster dev`, re-parse on every load to pick up model edits; elsewhere only a fresh
    clone, which has no manifest yet, needs one (`voc run` and the tests parse beforehand).
    """
    if os.getenv("DAGSTER_IS_DEV_CLI") or not dbt_project.manifest_path.exists():
        prepare_manifest()
