"""Keep ruff and sqlfluff green: the same checks as `make lint`, run by the suite and CI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def run(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        args, cwd=ROOT, capture_output=True, text=True, env={**os.environ, **env}, check=False
    )


def test_ruff_is_clean() -> None:
    result = run(str(BIN / "ruff"), "check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_python_is_formatted() -> None:
    result = run(str(BIN / "ruff"), "format", "--check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_sqlfluff_is_clean() -> None:
    # sqlfluff parses with the relative project_dir of .sqlfluff: keep its dbt artefacts
    # apart, or dbt's partial-parse cache would carry relative paths into real runs.
    result = run(
        str(BIN / "sqlfluff"),
        "lint",
        "dbt_project/models",
        VOC_DUCKDB_PATH=":memory:",
        DBT_TARGET_PATH=str(ROOT / "dbt_project" / "target" / "sqlfluff"),
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
