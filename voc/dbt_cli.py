"""``voc dbt ...``: dbt by hand on the project, with the settings the pipeline would pass."""

from __future__ import annotations

import subprocess
from pathlib import Path

from orchestration.dbt.project import DBT_EXECUTABLE, settings_vars
from voc_core.settings import DBT_PROJECT_DIR, Settings


def dbt_command(dbt_args: list[str], settings: Settings) -> list[str]:
    """The dbt command line: ``dbt_args`` with the project, profile and vars added."""
    if not dbt_args:
        raise SystemExit("voc dbt: give a dbt command, e.g. `voc dbt build`")
    return [
        DBT_EXECUTABLE,
        *dbt_args,
        "--project-dir",
        str(DBT_PROJECT_DIR),
        "--profiles-dir",
        str(DBT_PROJECT_DIR),
        "--vars",
        settings_vars(settings),
    ]


def run_dbt(dbt_args: list[str], settings: Settings) -> int:
    """Run dbt in the foreground; its exit code.

    dbt by hand may change what the pipeline built, so the next ``voc run`` redoes every
    step's work instead of skipping what it finds unchanged (``orchestration.unchanged``)."""
    forget_skips(settings.duckdb_path)
    return subprocess.run(dbt_command(dbt_args, settings), cwd=Path.cwd(), check=False).returncode


def forget_skips(warehouse: Path) -> None:
    """Clear every step's record of its last inputs in ``warehouse`` (if it exists)."""
    if not Path(warehouse).exists():
        return
    import duckdb

    from orchestration.unchanged import forget

    with duckdb.connect(str(warehouse)) as con:
        forget(con)
