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
    # Every model, on every core (0: as many processes as cores; the dbt project is compiled
    # once, then the files are linted in parallel).
    result = run(
        str(BIN / "sqlfluff"),
        "lint",
        "dbt_project/models",
        "--processes",
        "0",
        DBT_TARGET_PATH=str(ROOT / "dbt_project" / "target" / "sqlfluff"),
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


def test_dependencies_flow_one_way() -> None:
    """The import-linter contract of pyproject.toml: no import runs back up the layers."""
    result = run(str(BIN / "lint-imports"), "--no-cache")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


#: Where the ``VOC_*`` environment may be read: the settings object, nowhere else.
SETTINGS_MODULE = Path("voc_core/settings.py")
#: The one environment write allowed: Great Expectations reads its analytics switch from the
#: environment at import, before any of its APIs can be called (there is no network here).
ALLOWED_WRITE = 'os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")'
PRODUCT_PACKAGES = (
    "voc",
    "voc_core",
    "ingestion",
    "text_analytics",
    "insights",
    "quality",
    "serving",
    "orchestration",
)


def test_only_the_settings_read_voc_variables() -> None:
    """No module of the product reads a ``VOC_*`` variable or writes the environment: values
    travel as settings, resource config, run config and dbt vars."""
    import re

    def writes_in(text: str) -> list[str]:
        return [line for line in text.splitlines() if writes.search(line)]

    reads = re.compile(r"(os\.environ|os\.getenv|environ\.get|getenv)\b[^\n]*VOC_")
    writes = re.compile(r"os\.environ\[[^\]]+\]\s*=|os\.environ\.(setdefault|update)\(|putenv\(")
    offenders = []
    for package in PRODUCT_PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT)
            text = path.read_text(encoding="utf-8")
            if relative != SETTINGS_MODULE and reads.search(text):
                offenders.append(f"{relative}: reads VOC_*")
            if any(ALLOWED_WRITE not in line for line in writes_in(text)):
                offenders.append(f"{relative}: writes the environment")
    dbt_reads = [
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / "dbt_project").rglob("*"))
        if path.suffix in (".sql", ".yml")
        and "target" not in path.parts
        and "env_var('VOC_" in path.read_text(encoding="utf-8")
    ]
    assert offenders + dbt_reads == []
