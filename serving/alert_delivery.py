"""Send each new alert of ``marts.mart_alerts`` to a chat group, once, through an outbox.

The outbox is the table ``alerts.outbox`` in the warehouse, one row per alert: the message
text, the JSON payload in the chat platform's incoming-webhook text format, ``status``
(``pending`` until the platform accepted it, then ``sent``), the number of attempts, the
first and last attempt, when it was sent and the last error. A run (``deliver_alerts``):

1. enqueues the alerts of the mart that are not in the outbox yet, only those of the last
   ``enqueue_days`` days the data covers (``intermediate.int_data_horizon``; the latest alert
   day without it). A first run on a long history, or a webhook set up months after the first
   load, thus posts the recent alerts and not hundreds of stale ones; the default of 7 days
   still covers a week without a refresh (a long holiday, an outage). Older alerts stay in the
   mart and in Dagster's check warnings, never in the chat;
2. POSTs the pending ones (``max_per_run`` at most: the platforms allow about 20 messages a
   minute per bot), oldest first, those tried fewer times before those that failed more often,
   so one message the platform keeps refusing does not hold the others back. A message is
   ``sent`` only when the platform answered 2xx and its body reports no error (WeCom and
   DingTalk answer ``errcode`` != 0 with HTTP 200, Feishu ``code`` != 0); the row is committed
   right after each answer. After the first failure the run stops posting: the endpoint is
   down or refusing, and the rest wait, still pending, for the next run.

A sent alert is never posted again. The one way to a duplicate: the platform accepted a POST
but its answer never arrived (a timeout after delivery); the alert is then retried. Nothing
here raises because of the network or the platform: failures are returned in the report (and
kept in the outbox) so the refresh goes on. Without a webhook nothing is sent and the outbox
is neither created nor filled.

The webhook URL holds the bot's key: it is never written to the outbox, the report or an
error message.
"""

from __future__ import annotations

import http.client
import json
import re
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import duckdb

from text_analytics.pii import mask_pii
from voc_core.catalog import relation_exists
from voc_core.settings import ALERT_FORMATS

ALERTS_RELATION = ("marts", "mart_alerts")
HORIZON_RELATION = ("intermediate", "int_data_horizon")
OUTBOX_SCHEMA = "alerts"
OUTBOX_TABLE = f"{OUTBOX_SCHEMA}.outbox"

#: The chat platforms whose incoming-webhook text message is supported.
FORMATS = ALERT_FORMATS
DEFAULT_ENQUEUE_DAYS = 7
DEFAULT_MAX_PER_RUN = 20
DEFAULT_TIMEOUT_SECONDS = 10.0

#: WeCom's limit for a text message is 2048 bytes of UTF-8 (the tightest of the four).
MAX_MESSAGE_BYTES = 2048
MAX_EXAMPLES = 3
MAX_EXAMPLE_CHARS = 80
#: An error kept in the outbox or the report is cut to this many characters.
MAX_ERROR_CHARS = 300

_OUTBOX_DDL = f"""
create table if not exists {OUTBOX_TABLE} (
    alert_id varchar primary key,
    day date,
    format varchar not null,
    message varchar not null,
    payload json not null,
    status varchar not null check (status in ('pending', 'sent')),
    attempts integer not null default 0,
    enqueued_at timestamp not null,
    first_attempt_at timestamp,
    last_attempt_at timestamp,
    sent_at timestamp,
    last_error varchar
)
"""

_SEVERITY = {"critical": "严重", "warning": "警告"}
_SCOPE = {
    "topic": "话题",
    "source": "渠道",
    "store": "门店",
    "platform": "平台",
    "region": "地区",
    "channel": "渠道",
}


@dataclass(frozen=True)
class DeliveryReport:
    """What one run did. ``outcome``: ``no_alerts_table`` (the mart does not exist yet),
    ``no_webhook`` (nothing sent, outbox untouched) or ``delivered`` (the outbox was worked)."""

    outcome: str
    enqueued: int = 0
    #: Alerts not yet in the outbox that are older than the enqueue window (never sent).
    too_old: int = 0
    sent: int = 0
    failed: int = 0
    #: Still pending after the run (failed ones included): tried again on the next run.
    pending: int = 0
    #: ``alert_id: error`` of each failed attempt of this run.
    errors: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        if self.outcome == "no_alerts_table":
            return "marts.mart_alerts does not exist yet: nothing to deliver"
        if self.outcome == "no_webhook":
            return "no webhook set (VOC_ALERT_WEBHOOK): nothing sent, the outbox is untouched"
        return (
            f"{self.enqueued} alerts enqueued ({self.too_old} older than the window left out), "
            f"{self.sent} sent, {self.failed} failed, {self.pending} pending"
        )


def _number(value: Any) -> str:
    """A count or a rate for people: at most two decimals, no trailing zeros."""
    if value is None:
        return "-"
    text = f"{float(value):.2f}".rstrip("0").rstrip(".")
    return text or "0"


def _percent(value: Any) -> str:
    return "-" if value is None else f"{float(value) * 100:.1f}%"


def _scope_label(scope_type: str | None) -> str:
    """``topic`` -> 话题; a combination such as ``topic_platform`` -> 话题×平台."""
    if not scope_type:
        return "范围"
    parts = [p for p in re.split(r"[_+,|/ ]+", scope_type) if p]
    if parts and all(p in _SCOPE for p in parts):
        return "×".join(_SCOPE[p] for p in parts)
    return scope_type


def _one_line(text: str, max_chars: int) -> str:
    flat = " ".join(str(text).split())
    flat, _ = mask_pii(flat)  # the mart masks them already: this is the second belt
    return flat if len(flat) <= max_chars else flat[: max_chars - 1] + "…"


def alert_message(alert: Mapping[str, Any]) -> str:
    """The chat text of one alert (Chinese): scope, topic, counts, negative share against the
    baseline, the expected limit and its rule, up to three masked examples; at most
    ``MAX_MESSAGE_BYTES`` of UTF-8 (examples are shortened, then dropped, to fit)."""
    severity = _SEVERITY.get(str(alert.get("severity")), str(alert.get("severity") or ""))
    day = alert.get("day")
    head = [
        f"【VoC 告警·{severity}】{day} {alert.get('topic') or ''}".rstrip(),
        f"范围：{_scope_label(alert.get('scope_type'))} = {alert.get('scope_value') or '-'}",
        f"话题：{alert.get('topic') or '-'}",
        f"提及 {_number(alert.get('mentions'))} 条，其中负面 "
        f"{_number(alert.get('negative_mentions'))} 条，负面占比 "
        f"{_percent(alert.get('negative_share'))}",
        f"基线（前 {_number(alert.get('baseline_days'))} 天）：日均 "
        f"{_number(alert.get('baseline_mentions_per_day'))} 条，负面占比 "
        f"{_percent(alert.get('baseline_negative_share'))}",
        f"预期上限 {_number(alert.get('expected_high'))}（规则：{alert.get('rule') or '-'}）",
    ]
    tail = [f"告警编号：{alert.get('alert_id')}"]
    examples = [e for e in (alert.get("example_texts") or []) if e and str(e).strip()]
    for max_chars in (MAX_EXAMPLE_CHARS, 40, 20):
        lines = [f"{i}. {_one_line(e, max_chars)}" for i, e in enumerate(examples[:3], 1)]
        body = [*head, *(["示例："] if lines else []), *lines, *tail]
        text = "\n".join(body)
        if len(text.encode("utf-8")) <= MAX_MESSAGE_BYTES:
            return text
    text = "\n".join([*head, *tail])
    # Only pathological scope values get here: cut at a character boundary.
    return text.encode("utf-8")[:MAX_MESSAGE_BYTES].decode("utf-8", "ignore")


def webhook_payload(message_format: str, text: str) -> dict[str, Any]:
    """The JSON body of a text message in ``message_format``'s incoming-webhook format."""
    if message_format in ("wecom", "dingtalk"):
        return {"msgtype": "text", "text": {"content": text}}
    if message_format == "feishu":
        return {"msg_type": "text", "content": {"text": text}}
    if message_format == "slack":
        return {"text": text}
    raise ValueError(f"unknown alert format {message_format!r}: expected one of {FORMATS}")


def reported_error(body: str) -> str | None:
    """The error a 2xx answer reports in its body, or None: WeCom and DingTalk answer
    ``{"errcode": 0, ...}`` on success, Feishu ``{"code": 0, ...}`` (older bots
    ``{"StatusCode": 0, ...}``), Slack the plain text ``ok``."""
    try:
        answer = json.loads(body)
    except ValueError:
        return None
    if not isinstance(answer, dict):
        return None
    for code, text in (("errcode", "errmsg"), ("code", "msg"), ("StatusCode", "StatusMessage")):
        if code in answer and answer[code] not in (0, "0", None):
            return f"{code} {answer[code]}: {answer.get(text, '')}"
    return None


def _cut(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_ERROR_CHARS else text[: MAX_ERROR_CHARS - 1] + "…"


def post_json(url: str, payload: str, timeout_seconds: float) -> str | None:
    """POST ``payload`` (JSON text) to ``url``; None when the platform accepted it, else the
    reason. Never raises, and the reason never contains the URL."""
    request = urllib.request.Request(
        url,
        data=payload.encode("utf-8"),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout_seconds) as response:
            status = response.status
            body = response.read(65536).decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        try:
            detail = error.read(2048).decode("utf-8", "replace")
        except Exception:  # the body of an error answer is a courtesy
            detail = ""
        return _cut(f"HTTP {error.code} {error.reason}: {detail}")
    except urllib.error.URLError as error:
        return _cut(f"not reachable: {error.reason}")
    except (TimeoutError, OSError, http.client.HTTPException, ValueError) as error:
        return _cut(f"{type(error).__name__}: {error}")
    if not 200 <= status < 300:
        return _cut(f"HTTP {status}: {body}")
    error = reported_error(body)
    return None if error is None else _cut(f"HTTP {status} but {error}")


def _as_of(con: duckdb.DuckDBPyConnection) -> date | None:
    """The last day the data covers (``int_data_horizon``), else the latest alert day."""
    if relation_exists(con, *HORIZON_RELATION):
        row = con.execute(f"select max(as_of_date) from {'.'.join(HORIZON_RELATION)}").fetchone()
        if row and row[0] is not None:
            return row[0]
    row = con.execute(f"select max(day) from {'.'.join(ALERTS_RELATION)}").fetchone()
    return row[0] if row else None


def _records(result: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    columns = [d[0] for d in result.description]
    return [dict(zip(columns, row, strict=True)) for row in result.fetchall()]


def _naive_utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None)


def _enqueue(
    con: duckdb.DuckDBPyConnection,
    message_format: str,
    enqueue_days: int | None,
    now: datetime,
) -> tuple[int, int]:
    """Put the new alerts of the window into the outbox; (enqueued, left out as too old)."""
    con.execute(f"create schema if not exists {OUTBOX_SCHEMA}")
    con.execute(_OUTBOX_DDL)
    new = _records(
        con.execute(
            f"select * from {'.'.join(ALERTS_RELATION)} a where not exists"
            f" (select 1 from {OUTBOX_TABLE} o where o.alert_id = a.alert_id)"
            " order by a.day, a.alert_id"
        )
    )
    as_of = _as_of(con)
    first_day = None
    if enqueue_days is not None and as_of is not None:
        first_day = as_of - timedelta(days=enqueue_days - 1)
    recent = [a for a in new if first_day is None or (a["day"] and a["day"] >= first_day)]
    rows = []
    for alert in recent:
        text = alert_message(alert)
        payload = json.dumps(webhook_payload(message_format, text), ensure_ascii=False)
        rows.append((alert["alert_id"], alert["day"], message_format, text, payload, now))
    if rows:
        con.executemany(
            f"insert into {OUTBOX_TABLE} (alert_id, day, format, message, payload, status,"
            " attempts, enqueued_at) values (?, ?, ?, ?, ?, 'pending', 0, ?)"
            " on conflict do nothing",
            rows,
        )
    return len(rows), len(new) - len(recent)


def deliver_alerts(
    con: duckdb.DuckDBPyConnection,
    webhook_url: str | None,
    message_format: str = "wecom",
    *,
    enqueue_days: int | None = DEFAULT_ENQUEUE_DAYS,
    max_per_run: int = DEFAULT_MAX_PER_RUN,
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS,
    now: datetime | None = None,
) -> DeliveryReport:
    """Enqueue the new alerts and post the pending ones (see the module's docstring).

    ``enqueue_days``: only alerts of the last that many days the data covers enter the
    outbox (None: all). Database errors raise (they are the warehouse's, not delivery's);
    network and platform errors never do."""
    if message_format not in FORMATS:
        raise ValueError(f"unknown alert format {message_format!r}: expected one of {FORMATS}")
    if not relation_exists(con, *ALERTS_RELATION):
        return DeliveryReport("no_alerts_table")
    if not webhook_url:
        return DeliveryReport("no_webhook")
    started = _naive_utc(now or datetime.now(UTC))
    enqueued, too_old = _enqueue(con, message_format, enqueue_days, started)

    pending = con.execute(
        f"select alert_id, format, message, payload from {OUTBOX_TABLE}"
        " where status = 'pending' order by attempts, day, alert_id limit ?",
        [max_per_run],
    ).fetchall()
    sent = 0
    errors: list[str] = []
    for alert_id, stored_format, message, payload in pending:
        if stored_format != message_format:  # the chat platform changed since it was enqueued
            payload = json.dumps(webhook_payload(message_format, message), ensure_ascii=False)
        attempt_at = _naive_utc(datetime.now(UTC)) if now is None else started
        error = post_json(webhook_url, payload, timeout_seconds)
        con.execute(
            f"update {OUTBOX_TABLE} set format = ?, payload = ?, attempts = attempts + 1,"
            " first_attempt_at = coalesce(first_attempt_at, ?), last_attempt_at = ?,"
            " status = case when ? then 'sent' else status end,"
            " sent_at = case when ? then ? else sent_at end, last_error = ?"
            " where alert_id = ? and status = 'pending'",
            [
                message_format,
                payload,
                attempt_at,
                attempt_at,
                error is None,
                error is None,
                attempt_at,
                error,
                alert_id,
            ],
        )
        if error is None:
            sent += 1
            continue
        errors.append(f"{alert_id}: {error}")
        break  # the endpoint is down or refusing: the rest wait for the next run
    row = con.execute(f"select count(*) from {OUTBOX_TABLE} where status = 'pending'").fetchone()
    return DeliveryReport(
        "delivered",
        enqueued=enqueued,
        too_old=too_old,
        sent=sent,
        failed=len(errors),
        pending=int(row[0]) if row else 0,
        errors=errors,
    )


#: The evidence of an alert, in the order a reader wants it.
EVIDENCE_COLUMNS = (
    "alert_id",
    "day",
    "severity",
    "scope_type",
    "scope_value",
    "topic",
    "mentions",
    "negative_mentions",
    "negative_share",
    "baseline_days",
    "baseline_mentions_per_day",
    "baseline_negative_share",
    "expected_high",
    "rule",
    "example_texts",
)


@dataclass(frozen=True)
class LatestAlerts:
    """The alerts of the last day the data covers (``day`` None: no mart or no data)."""

    day: date | None
    alerts: list[dict[str, Any]]


def latest_day_alerts(con: duckdb.DuckDBPyConnection) -> LatestAlerts:
    """The alerts of the last day the data covers, with their evidence (examples masked
    again and shortened)."""
    if not relation_exists(con, *ALERTS_RELATION):
        return LatestAlerts(None, [])
    day = _as_of(con)
    if day is None:
        return LatestAlerts(None, [])
    rows = _records(
        con.execute(
            f"select {', '.join(EVIDENCE_COLUMNS)} from {'.'.join(ALERTS_RELATION)}"
            " where day = ? order by severity = 'critical' desc, negative_mentions desc,"
            " alert_id",
            [day],
        )
    )
    for row in rows:
        row["day"] = str(row["day"])
        examples: Sequence[Any] = row.get("example_texts") or []
        row["example_texts"] = [
            _one_line(e, MAX_EXAMPLE_CHARS) for e in examples[:MAX_EXAMPLES] if e is not None
        ]
    return LatestAlerts(day, rows)
