"""The one place that reads the environment: defaults, overrides, readable errors."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from voc_core.contracts import SOURCES
from voc_core.settings import DATA_DIR, DEFAULT_TIMEZONE, Settings, SettingsError


def test_defaults_live_under_data() -> None:
    settings = Settings.from_environ({})
    assert settings.duckdb_path == DATA_DIR / "warehouse.duckdb"
    assert settings.landing_dir == DATA_DIR / "landing"
    assert settings.quality_docs_dir == DATA_DIR / "quality_docs"
    assert settings.source_timezones == dict.fromkeys(SOURCES, DEFAULT_TIMEZONE)
    assert settings.refresh_timezone == DEFAULT_TIMEZONE
    assert settings.expected_every("improvement_action") == timedelta(days=30)


def test_overrides(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    settings = Settings.from_environ(
        {
            "VOC_DUCKDB_PATH": "w.duckdb",  # relative: taken from the working directory
            "VOC_TIMEZONE": "Asia/Taipei",
            "VOC_TZ_STORE_CARD": "Asia/Hong_Kong",
            "VOC_FRESHNESS_HOURS_SURVEY": "36",
            "VOC_SENSOR_INTERVAL_SECONDS": "30",
        }
    )
    assert settings.duckdb_path == tmp_path / "w.duckdb"
    assert settings.timezone_for("store_card") == "Asia/Hong_Kong"
    assert settings.timezone_for("survey") == "Asia/Taipei"
    assert settings.refresh_timezone == "Asia/Taipei"  # follows the business zone
    assert settings.expected_every("survey") == timedelta(hours=36)
    assert settings.sensor_interval_seconds == 30


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("VOC_FRESHNESS_HOURS_ORDER", "daily", "expected a number of hours"),
        ("VOC_FRESHNESS_HOURS_ORDER", "-2", "expected a positive number of hours"),
        ("VOC_SENSOR_INTERVAL_SECONDS", "1.5", "expected a whole number"),
        ("VOC_SENSOR_INTERVAL_SECONDS", "0", "expected a positive whole number"),
    ],
)
def test_unusable_values_name_the_variable(variable: str, value: str, message: str) -> None:
    with pytest.raises(SettingsError, match=f"{variable}='{value}': {message}"):
        Settings.from_environ({variable: value})
