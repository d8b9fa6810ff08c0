"""Shared fixtures: a temporary warehouse and landing folder, never the user's data/."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from tests.landing_fixture import write_landing

#: The end-to-end session fixtures (``pipeline_run``, ``demo_run``), shared by every folder.
pytest_plugins = ["tests.e2e.fixtures"]

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHARED_DIR = PROJECT_ROOT.parent / "shared"


def pytest_configure(config: pytest.Config) -> None:
    """Parse the dbt project once, before any test imports the Dagster definitions, so the
    manifest they are built from matches the models on disk (as `voc run` does)."""
    from orchestration.dbt.project import prepare_manifest

    prepare_manifest()


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    """The hand-written landing folder of ``tests/landing_fixture.py``."""
    return write_landing(tmp_path)


@pytest.fixture
def warehouse_path(tmp_path: Path) -> Path:
    """A fresh DuckDB file (tests hand it to the resources, ``tests.pipeline``)."""
    return tmp_path / "warehouse.duckdb"


@pytest.fixture
def con(warehouse_path: Path):
    connection = duckdb.connect(str(warehouse_path))
    yield connection
    connection.close()


def test_dbt_vars(duckdb_path: Path | str) -> str:
    """dbt's ``--vars`` for a test's warehouse: the settings' defaults otherwise."""
    from orchestration.dbt.project import settings_vars
    from voc_core.settings import Settings

    return settings_vars(Settings(duckdb_path=Path(duckdb_path)))


def run_dbt(*args: str, target_path: Path, duckdb_path: Path) -> None:
    """Run the project's dbt against ``duckdb_path``; fail the test with dbt's output."""
    import subprocess
    import sys

    from voc_core.settings import DBT_PROJECT_DIR

    result = subprocess.run(
        [
            str(Path(sys.executable).with_name("dbt")),
            *args,
            "--project-dir",
            str(DBT_PROJECT_DIR),
            "--profiles-dir",
            str(DBT_PROJECT_DIR),
            "--target-path",
            str(target_path),
            "--vars",
            test_dbt_vars(duckdb_path),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:]


@pytest.fixture(scope="session")
def fixture_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The landing fixture loaded and built through staging and intermediate, once per
    session. Tests that write must copy it (``warehouse_copy``)."""
    from ingestion.loader import load_source
    from voc_core.contracts import SOURCES

    root = tmp_path_factory.mktemp("fixture_warehouse")
    landing = write_landing(root)
    path = root / "warehouse.duckdb"
    with duckdb.connect(str(path)) as connection:
        for source in SOURCES:
            load_source(connection, source, landing, "Asia/Shanghai")
    run_dbt(
        "build",
        "--select",
        "path:models/staging path:models/intermediate",
        "--exclude",
        # Read text analytics and the marts: built with the marts.
        "path:models/intermediate/authenticity",
        "path:models/intermediate/insights",
        target_path=root / "target",
        duckdb_path=path,
    )
    return path


@pytest.fixture
def warehouse_copy(fixture_warehouse: Path, tmp_path: Path) -> Path:
    """A private, writable copy of the built fixture warehouse."""
    import shutil

    path = tmp_path / "copy.duckdb"
    shutil.copy(fixture_warehouse, path)
    return path


def dbt_show(sql: str, tmp_path: Path) -> list[dict]:
    """Rows of an inline query compiled by the project's dbt (macros available), in memory."""
    import json
    import subprocess
    import sys

    from voc_core.settings import DBT_PROJECT_DIR

    result = subprocess.run(
        [
            str(Path(sys.executable).with_name("dbt")),
            "show",
            "--inline",
            sql,
            "--output",
            "json",
            "--limit",
            "1000",
            "--log-format",
            "json",
            "--project-dir",
            str(DBT_PROJECT_DIR),
            "--profiles-dir",
            str(DBT_PROJECT_DIR),
            "--target-path",
            str(tmp_path / "target"),
            "--vars",
            test_dbt_vars(":memory:"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    for line in result.stdout.splitlines():
        preview = json.loads(line).get("data", {}).get("preview")
        if preview:
            return json.loads(preview)
    raise AssertionError("dbt show printed no preview")
