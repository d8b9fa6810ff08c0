"""Alert delivery through the outbox, against a real webhook on 127.0.0.1 and a real DuckDB."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pytest

from serving.alert_delivery import (
    MAX_MESSAGE_BYTES,
    alert_message,
    deliver_alerts,
    latest_day_alerts,
    reported_error,
)
from tests.serving.alert_tables import alert, create_alerts
from tests.serving.webhook_server import Webhook, webhook_server

DAY = date(2024, 6, 10)


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """A proxy of the machine must not catch the posts to 127.0.0.1."""
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def hook() -> Iterator[Webhook]:
    with webhook_server() as server:
        yield server


@pytest.fixture
def con(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    yield connection
    connection.close()


def outbox(con: duckdb.DuckDBPyConnection) -> dict[str, tuple]:
    rows = con.execute(
        "select alert_id, status, attempts, sent_at is not null, last_error from alerts.outbox"
    ).fetchall()
    return {r[0]: r[1:] for r in rows}


def posted_ids(hook: Webhook) -> list[str]:
    return [b["text"]["content"].rsplit("告警编号：", 1)[1] for b in hook.bodies()]


def test_each_alert_is_delivered_exactly_once_across_runs(con, hook: Webhook) -> None:
    create_alerts(con, [alert("a1", DAY), alert("a2", DAY, topic="app_crash")], as_of=DAY)
    first = deliver_alerts(con, hook.url, "wecom")
    assert (first.enqueued, first.sent, first.failed, first.pending) == (2, 2, 0, 0)
    second = deliver_alerts(con, hook.url, "wecom")
    assert (second.enqueued, second.sent, second.pending) == (0, 0, 0)
    assert sorted(posted_ids(hook)) == ["a1", "a2"]
    assert outbox(con) == {"a1": ("sent", 1, True, None), "a2": ("sent", 1, True, None)}

    # A new alert the next day: only it is posted.
    create_alerts(con, [alert("a3", date(2024, 6, 11))], as_of=date(2024, 6, 11))
    third = deliver_alerts(con, hook.url, "wecom")
    assert (third.enqueued, third.sent) == (1, 1)
    assert sorted(posted_ids(hook)) == ["a1", "a2", "a3"]


@pytest.mark.parametrize(
    "failure",
    [
        (500, "internal error"),
        (200, '{"errcode":45009,"errmsg":"api freq out of limit"}'),
        (200, '{"code":9499,"msg":"Bad Request"}'),
    ],
    ids=["http-500", "errcode-with-200", "feishu-code-with-200"],
)
def test_a_failed_post_is_retried_on_the_next_run(con, hook: Webhook, failure) -> None:
    create_alerts(con, [alert("a1", DAY), alert("a2", DAY, topic="app_crash")], as_of=DAY)
    hook.answers = [failure]
    first = deliver_alerts(con, hook.url, "wecom")
    # The first post failed: the run stopped there and never raised.
    assert (first.sent, first.failed, first.pending) == (0, 1, 2)
    assert len(hook.received) == 1
    status = outbox(con)
    assert status["a1"][:3] == ("pending", 1, False)
    assert status["a1"][3] and "secret-key" not in status["a1"][3]
    assert status["a2"] == ("pending", 0, False, None)

    second = deliver_alerts(con, hook.url, "wecom")
    assert (second.sent, second.failed, second.pending) == (2, 0, 0)
    # a1 was posted twice (once refused, once accepted), a2 once; both are now sent.
    assert sorted(posted_ids(hook)) == ["a1", "a1", "a2"]
    assert outbox(con) == {"a1": ("sent", 2, True, None), "a2": ("sent", 1, True, None)}
    third = deliver_alerts(con, hook.url, "wecom")
    assert third.sent == 0 and len(hook.received) == 3


def test_an_unreachable_webhook_never_raises(con) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    create_alerts(con, [alert("a1", DAY)], as_of=DAY)
    report = deliver_alerts(con, f"http://127.0.0.1:{port}/hook?key=k", "wecom", timeout_seconds=2)
    assert (report.sent, report.failed, report.pending) == (0, 1, 1)
    assert "not reachable" in report.errors[0]


def test_without_a_webhook_nothing_is_sent_and_the_outbox_is_untouched(con, hook) -> None:
    create_alerts(con, [alert("a1", DAY)], as_of=DAY)
    for webhook in (None, ""):
        report = deliver_alerts(con, webhook, "wecom")
        assert report.outcome == "no_webhook" and report.sent == 0
    assert hook.received == []
    assert con.execute(
        "select count(*) from information_schema.schemata where schema_name = 'alerts'"
    ).fetchone() == (0,)
    # The alerts still show, with their evidence, for the asset check.
    latest = latest_day_alerts(con)
    assert latest.day == DAY and [a["alert_id"] for a in latest.alerts] == ["a1"]


def test_without_the_alerts_mart_a_run_does_nothing(con, hook) -> None:
    report = deliver_alerts(con, hook.url, "wecom")
    assert report.outcome == "no_alerts_table"
    assert "does not exist yet" in report.summary
    assert hook.received == []
    assert con.execute("select count(*) from information_schema.tables").fetchone() == (0,)
    assert latest_day_alerts(con).day is None


def test_only_alerts_of_the_last_days_are_enqueued(con, hook) -> None:
    create_alerts(
        con,
        [alert("old", date(2024, 5, 1)), alert("edge", date(2024, 6, 4)), alert("new", DAY)],
        as_of=DAY,
    )
    report = deliver_alerts(con, hook.url, "wecom", enqueue_days=7)
    assert (report.enqueued, report.too_old, report.sent) == (2, 1, 2)
    assert sorted(posted_ids(hook)) == ["edge", "new"]
    assert "old" not in outbox(con)


def test_at_most_max_per_run_are_posted(con, hook) -> None:
    create_alerts(con, [alert(f"a{i}", DAY) for i in range(5)], as_of=DAY)
    first = deliver_alerts(con, hook.url, "dingtalk", max_per_run=3)
    assert (first.sent, first.pending) == (3, 2)
    second = deliver_alerts(con, hook.url, "dingtalk", max_per_run=3)
    assert (second.sent, second.pending) == (2, 0)
    assert sorted(posted_ids(hook)) == [f"a{i}" for i in range(5)]


def _content(message_format: str, body: dict) -> str:
    if message_format in ("wecom", "dingtalk"):
        assert body.keys() == {"msgtype", "text"} and body["msgtype"] == "text"
        assert body["text"].keys() == {"content"}
        return body["text"]["content"]
    if message_format == "feishu":
        assert body.keys() == {"msg_type", "content"} and body["msg_type"] == "text"
        assert body["content"].keys() == {"text"}
        return body["content"]["text"]
    assert body.keys() == {"text"}
    return body["text"]


@pytest.mark.parametrize("message_format", ["wecom", "dingtalk", "feishu", "slack"])
def test_the_payload_is_the_platforms_text_message(con, hook, message_format: str) -> None:
    create_alerts(con, [alert("a1", DAY)], as_of=DAY)
    report = deliver_alerts(con, hook.url, message_format)
    assert report.sent == 1
    (request,) = hook.received
    assert request["content_type"].startswith("application/json")
    assert request["path"] == "/cgi-bin/webhook/send?key=secret-key"
    text = _content(message_format, json.loads(request["raw"].decode("utf-8")))
    assert len(text.encode("utf-8")) <= MAX_MESSAGE_BYTES
    for expected in ("【VoC 告警·严重】2024-06-10", "话题×平台 = 物流 @ 京东", "logistics"):
        assert expected in text
    assert "提及 42 条，其中负面 35 条，负面占比 83.3%" in text
    assert "日均 12.5 条，负面占比 21.0%" in text and "前 28 天" in text
    assert "预期上限 19（规则：poisson_upper_3sigma_min10）" in text
    assert "包裹破损严重" in text and "第四条" not in text  # three examples at most
    assert "13812345678" not in text and "[PHONE]" in text
    stored = con.execute("select format, payload::varchar from alerts.outbox").fetchone()
    assert stored[0] == message_format and json.loads(stored[1]) == request["json"]


def test_a_pending_alert_follows_a_change_of_platform(con, hook) -> None:
    create_alerts(con, [alert("a1", DAY)], as_of=DAY)
    hook.answers = [(503, "")]
    deliver_alerts(con, hook.url, "wecom")
    deliver_alerts(con, hook.url, "slack")
    assert hook.bodies()[0].keys() == {"msgtype", "text"}
    assert hook.bodies()[1].keys() == {"text"}


def test_a_long_alert_fits_the_tightest_platform_limit() -> None:
    long = alert("a1", DAY, example_texts=["很长的抱怨" * 300] * 3, scope_value="店" * 100)
    text = alert_message(long)
    assert len(text.encode("utf-8")) <= MAX_MESSAGE_BYTES
    assert text.endswith("告警编号：a1") and "…" in text


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ('{"errcode":0,"errmsg":"ok"}', None),
        ('{"code":0,"msg":"success"}', None),
        ('{"StatusCode":0,"StatusMessage":"success"}', None),
        ("ok", None),
        ('{"errcode":310000,"errmsg":"keywords not in content"}', "errcode 310000"),
        ('{"code":19021,"msg":"sign match fail"}', "code 19021"),
    ],
)
def test_reported_error_reads_each_platforms_answer(body: str, error: str | None) -> None:
    found = reported_error(body)
    assert (found is None) if error is None else (found or "").startswith(error)
