"""Shared fixtures: a temporary warehouse and landing folder, never the user's data/."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from tests.landing_fixture import write_landing

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHARED_DIR = PROJECT_ROOT.parent / "shared"


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    """The hand-written landing folder of ``tests/landing_fixture.py``."""
    return write_landing(tmp_path)


@pytest.fixture
def warehouse_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh DuckDB file; VOC_DUCKDB_PATH points at it for dbt and Dagster."""
    path = tmp_path / "warehouse.duckdb"
    monkeypatch.setenv("VOC_DUCKDB_PATH", str(path))
    return path


@pytest.fixture
def con(warehouse_path: Path):
    connection = duckdb.connect(str(warehouse_path))
    yield connection
    connection.close()
