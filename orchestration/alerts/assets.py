"""Alert delivery (group ``alerts``): posts each new alert of ``marts.mart_alerts`` once.

The work is ``serving.alert_delivery``'s; this asset opens the warehouse, reports what was
sent, failed and is pending, and carries the check ``latest_day_alerts`` (severity WARN):
it warns whenever the last day the data covers has alerts, with their evidence, so alerts
show in Dagster with or without a webhook. A failed POST never fails the step.
"""

from urllib.parse import urlsplit

import dagster as dg

from orchestration.metadata import rows_to_markdown
from orchestration.resources import AlertWebhookResource, WarehouseResource
from orchestration.retries import retry_step_on_transient_failure
from serving.alert_delivery import EVIDENCE_COLUMNS, deliver_alerts, latest_day_alerts

ALERT_DELIVERY_KEY = dg.AssetKey(["alerts", "alert_delivery"])
#: The dbt model of the alerts (``models/marts``); a dep on a key not defined yet is allowed.
MART_ALERTS_KEY = dg.AssetKey(["marts", "mart_alerts"])
LATEST_DAY_CHECK = "latest_day_alerts"

#: The evidence shown in the check's table: all but the id and the baseline's length.
_EVIDENCE_SHOWN = tuple(c for c in EVIDENCE_COLUMNS if c not in ("alert_id", "baseline_days"))


def webhook_host(url: str) -> str:
    """``scheme://host`` of the webhook: enough to recognise it, without the bot's key."""
    if not url:
        return "none"
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname}" + (f":{parts.port}" if parts.port else "")


def latest_day_check(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    """WARN when the last day the data covers has alerts; their evidence as metadata."""
    with warehouse.connect() as con:
        latest = latest_day_alerts(con)
    if latest.day is None:
        return dg.AssetCheckResult(
            check_name=LATEST_DAY_CHECK,
            passed=True,
            metadata={"note": "no alerts table or no data yet"},
        )
    rows = [[a[c] for c in _EVIDENCE_SHOWN] for a in latest.alerts]
    return dg.AssetCheckResult(
        check_name=LATEST_DAY_CHECK,
        passed=not latest.alerts,
        severity=dg.AssetCheckSeverity.WARN,
        description=(f"{len(latest.alerts)} alerts on {latest.day}" if latest.alerts else None),
        metadata={
            "day": str(latest.day),
            "alerts": len(latest.alerts),
            "evidence": dg.MetadataValue.md(rows_to_markdown(_EVIDENCE_SHOWN, rows, max_chars=120)),
            "evidence_json": dg.MetadataValue.json(latest.alerts),
        },
    )


@dg.asset(
    key=ALERT_DELIVERY_KEY,
    deps=[MART_ALERTS_KEY],
    group_name="alerts",
    kinds={"duckdb"},
    check_specs=[
        dg.AssetCheckSpec(
            LATEST_DAY_CHECK,
            asset=ALERT_DELIVERY_KEY,
            description=(
                "Warns when the last day the data covers has alerts in `marts.mart_alerts`, "
                "listing each with its evidence (counts, negative share against the baseline, "
                "the expected limit, masked examples)."
            ),
        )
    ],
    description=(
        "Posts each new alert of `marts.mart_alerts` once to the chat webhook "
        "`VOC_ALERT_WEBHOOK` (format `VOC_ALERT_FORMAT`: wecom, dingtalk, feishu or slack) "
        "through the outbox `alerts.outbox`; a failed post is retried on the next run and "
        "never fails the refresh. Without a webhook nothing is sent."
    ),
)
def alert_delivery(
    context: dg.AssetExecutionContext,
    warehouse: WarehouseResource,
    alert_webhook: AlertWebhookResource,
) -> dg.MaterializeResult:
    with retry_step_on_transient_failure(context), warehouse.connect() as con:
        report = deliver_alerts(
            con,
            alert_webhook.webhook_url or None,
            alert_webhook.message_format,
            enqueue_days=alert_webhook.enqueue_days,
            max_per_run=alert_webhook.max_per_run,
            timeout_seconds=alert_webhook.timeout_seconds,
        )
    context.log.info(report.summary)
    for error in report.errors:
        context.log.warning(f"alert not delivered, retried on the next run: {error}")
    with retry_step_on_transient_failure(context):
        check = latest_day_check(warehouse)
    return dg.MaterializeResult(
        metadata={
            "outcome": report.outcome,
            "summary": report.summary,
            "webhook": webhook_host(alert_webhook.webhook_url),
            "format": alert_webhook.message_format,
            "enqueued": report.enqueued,
            "too_old_for_window": report.too_old,
            "sent": report.sent,
            "failed": report.failed,
            "pending": report.pending,
            "errors": dg.MetadataValue.md("\n".join(f"- {e}" for e in report.errors) or "none"),
        },
        check_results=[check],
    )
