"""`voc report` and the report's settings (fast: no pipeline run)."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb
import pytest

from voc.cli import main
from voc_core.settings import Settings, SettingsError


def test_report_settings_come_from_the_environment(tmp_path: Path) -> None:
    settings = Settings.from_environ(
        {"VOC_REPORT_DIR": str(tmp_path / "r"), "VOC_REPORT_LANG": " EN "}
    )
    assert settings.report_dir == tmp_path / "r" and settings.report_lang == "en"
    assert Settings.from_environ({}).report_lang == "zh"
    with pytest.raises(SettingsError, match="VOC_REPORT_LANG"):
        Settings.from_environ({"VOC_REPORT_LANG": "fr"})


def test_voc_report_writes_the_page_and_prints_its_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    serving = tmp_path / "serving.duckdb"
    duckdb.connect(str(serving)).close()  # a copy without any mart yet
    monkeypatch.setenv("VOC_SERVING_PATH", str(serving))
    monkeypatch.setenv("VOC_REPORT_DIR", str(tmp_path / "report"))
    assert main(["report", "--lang", "en"]) == 0
    printed = capsys.readouterr().out.strip()
    assert printed == str(tmp_path / "report" / "index.html")
    page = Path(printed).read_text(encoding="utf-8")
    assert '<html lang="en">' in page and "No data yet" in page
    assert (tmp_path / "report" / "plotly.min.js").exists()


def test_voc_report_without_a_serving_copy_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("VOC_SERVING_PATH", str(tmp_path / "missing.duckdb"))
    monkeypatch.setenv("VOC_REPORT_DIR", str(tmp_path / "report"))
    assert main(["report"]) == 2
    assert "voc run" in capsys.readouterr().err
    assert not (tmp_path / "report").exists()


def test_the_report_asset_follows_the_serving_copy_in_the_nightly_job() -> None:
    from orchestration.definitions import defs
    from orchestration.jobs import refresh_job

    graph = defs.resolve_asset_graph()
    key = dg.AssetKey(["report", "voc_report"])
    node = graph.get(key)
    assert node.group_name == "report"
    assert [p.to_user_string() for p in node.parent_keys] == ["serving/marts"]
    assert key in refresh_job.selection.resolve(graph)
    resource = defs.resources["report"]
    assert resource.lang == "zh" and resource.report_dir.endswith("report")
