"""The Dagster assets of alert delivery and the queue export, configured from the settings
as the code location does (``VOC_ALERT_WEBHOOK`` pointed at a server on 127.0.0.1)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from orchestration.alerts.assets import alert_delivery, webhook_host
from orchestration.exports.assets import followup_queue_export
from orchestration.resources import build_resources
from tests.serving.alert_tables import alert, create_alerts
from tests.serving.webhook_server import webhook_server
from voc_core.settings import Settings, SettingsError

DAY = date(2024, 6, 10)


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)


def refresh(tmp_path: Path, environ: dict[str, str]) -> dg.ExecuteInProcessResult:
    settings = Settings.from_environ(
        {"VOC_DUCKDB_PATH": str(tmp_path / "warehouse.duckdb"), **environ}
    )
    resources = build_resources(settings)
    return dg.materialize(
        [alert_delivery, followup_queue_export],
        resources={k: resources[k] for k in ("warehouse", "alert_webhook", "exports")},
    )


def meta(result: dg.ExecuteInProcessResult, node: str) -> dict:
    (materialization,) = result.asset_materializations_for_node(node)
    return {k: getattr(v, "value", v) for k, v in materialization.metadata.items()}


def test_each_alert_reaches_the_webhook_once_across_two_refreshes(tmp_path: Path) -> None:
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as con:
        create_alerts(con, [alert("a1", DAY), alert("a2", date(2024, 6, 9))], as_of=DAY)
    with webhook_server() as hook:
        hook.answers = [(500, "busy")]
        environ = {"VOC_ALERT_WEBHOOK": hook.url, "VOC_ALERT_FORMAT": "feishu"}
        first = refresh(tmp_path, environ)
        assert first.success  # a refused post does not fail the refresh
        assert (
            meta(first, "alerts__alert_delivery")["sent"],
            meta(first, "alerts__alert_delivery")["pending"],
        ) == (0, 2)
        second = refresh(tmp_path, environ)
        third = refresh(tmp_path, environ)
    assert second.success and third.success
    assert meta(second, "alerts__alert_delivery")["sent"] == 2
    assert meta(third, "alerts__alert_delivery")["sent"] == 0
    texts = [b["content"]["text"] for b in hook.bodies()]
    # The first post (the older alert, a2) was refused; then each alert was accepted once.
    ids = [t.rsplit("告警编号：", 1)[1] for t in texts]
    assert ids[0] == "a2" and sorted(ids[1:]) == ["a1", "a2"]
    first_meta = meta(first, "alerts__alert_delivery")
    assert first_meta["webhook"].startswith("http://127.0.0.1:")
    assert "secret-key" not in str(first_meta)


def test_the_latest_days_alerts_are_check_warnings_without_a_webhook(tmp_path: Path) -> None:
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as con:
        create_alerts(con, [alert("a1", DAY), alert("old", date(2024, 6, 1))], as_of=DAY)
    result = refresh(tmp_path, {})
    assert result.success
    assert meta(result, "alerts__alert_delivery")["outcome"] == "no_webhook"
    (check,) = result.get_asset_check_evaluations()
    assert not check.passed and check.severity == dg.AssetCheckSeverity.WARN
    evidence = check.metadata["evidence_json"].value
    assert [a["alert_id"] for a in evidence] == ["a1"]
    assert evidence[0]["negative_mentions"] == 35 and evidence[0]["expected_high"] == 19.0
    assert "13812345678" not in str(check.metadata) and "[PHONE]" in str(check.metadata)
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as con:
        assert con.execute(
            "select count(*) from information_schema.schemata where schema_name = 'alerts'"
        ).fetchone() == (0,)


def test_before_the_marts_exist_both_assets_do_nothing_and_say_so(tmp_path: Path) -> None:
    result = refresh(tmp_path, {"VOC_EXPORT_DIR": str(tmp_path / "exports")})
    assert result.success
    assert meta(result, "alerts__alert_delivery")["outcome"] == "no_alerts_table"
    assert meta(result, "exports__followup_queue")["outcome"] == "no_followup_table"
    (check,) = result.get_asset_check_evaluations()
    assert check.passed
    assert not (tmp_path / "exports").exists()


def test_alert_and_export_settings() -> None:
    defaults = Settings.from_environ({})
    assert (defaults.alert_webhook, defaults.alert_format) == (None, "wecom")
    assert defaults.export_dir.parts[-2:] == ("data", "exports")
    settings = Settings.from_environ(
        {
            "VOC_ALERT_WEBHOOK": "https://oapi.dingtalk.com/robot/send?access_token=t",
            "VOC_ALERT_FORMAT": " DingTalk ",
        }
    )
    assert settings.alert_format == "dingtalk"
    resources = build_resources(settings)
    assert resources["alert_webhook"].message_format == "dingtalk"
    assert webhook_host(resources["alert_webhook"].webhook_url) == "https://oapi.dingtalk.com"
    with pytest.raises(SettingsError, match="VOC_ALERT_FORMAT='teams': expected one of"):
        Settings.from_environ({"VOC_ALERT_FORMAT": "teams"})
    with pytest.raises(SettingsError, match="VOC_ALERT_WEBHOOK: expected an http") as error:
        Settings.from_environ({"VOC_ALERT_WEBHOOK": "qyapi.weixin.qq.com/send?key=secret"})
    assert "secret" not in str(error.value)


def test_a_webhook_from_the_environment_reaches_dagster_as_an_env_var(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Dagster shows resource config in its UI: the webhook's key must appear there as the
    variable's name, and the asset still posts to the URL it holds."""
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as con:
        create_alerts(con, [alert("a1", DAY)], as_of=DAY)
    with webhook_server() as hook:
        url = hook.url + "/send?key=secret-key"
        monkeypatch.setenv("VOC_ALERT_WEBHOOK", url)
        settings = Settings.from_environ(
            {"VOC_DUCKDB_PATH": str(tmp_path / "warehouse.duckdb"), "VOC_ALERT_WEBHOOK": url}
        )
        resources = build_resources(settings)
        assert resources["alert_webhook"].webhook_url == dg.EnvVar("VOC_ALERT_WEBHOOK")
        result = dg.materialize(
            [alert_delivery, followup_queue_export],
            resources={k: resources[k] for k in ("warehouse", "alert_webhook", "exports")},
        )
    assert result.success
    assert meta(result, "alerts__alert_delivery")["sent"] == 1
    assert len(hook.bodies()) == 1
