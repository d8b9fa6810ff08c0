from datetime import datetime, timezone

import pytest

from ingestion.timestamps import parse_timestamp
from ingestion.validation import RowValidator
from voc_core.contracts import SOURCES, Reason

NOW = datetime(2026, 6, 1, tzinfo=timezone.utc)


def survey(**overrides):
    row = {
        "response_id": "R1",
        "customer_id": "C1",
        "survey_type": "nps",
        "score": "9",
        "submitted_at": "2026-05-01 10:00:00",
    }
    row.update(overrides)
    return row


def check(source: str, row: dict):
    violation = RowValidator(SOURCES[source], "Asia/Shanghai", NOW).check(row)
    return violation and violation.reason


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({}, None),
        ({"score": ""}, None),  # seen but not answered
        ({"score": "10.0"}, None),
        ({"survey_type": " NPS "}, None),
        ({"response_id": " "}, Reason.MISSING_REQUIRED_VALUE),
        ({"survey_type": "star"}, Reason.UNKNOWN_ENUM),
        ({"score": "11"}, Reason.OUT_OF_RANGE),
        ({"survey_type": "csat", "score": "0"}, Reason.OUT_OF_RANGE),
        ({"survey_type": "ces", "score": "7"}, None),
        ({"score": "nine"}, Reason.INVALID_NUMBER),
        ({"score": "8.5"}, Reason.INVALID_NUMBER),
        ({"submitted_at": "2026-13-01 10:00:00"}, Reason.INVALID_TIMESTAMP),
        ({"submitted_at": "2026-06-01 08:30:00"}, None),  # 00:30 UTC: within tolerance
        ({"submitted_at": "2026-06-01 09:30:00"}, Reason.FUTURE_TIMESTAMP),  # 01:30 UTC
        ({"submitted_at": "2026-06-02 10:00:00"}, Reason.FUTURE_TIMESTAMP),
    ],
)
def test_survey_rules(overrides: dict, reason: str | None) -> None:
    assert check("survey", survey(**overrides)) == reason


def test_unknown_platform_is_kept_and_reported() -> None:
    validator = RowValidator(SOURCES["app_review"], "Asia/Shanghai", NOW)
    row = {
        "review_id": "A",
        "platform": "harmony",
        "rating": "3",
        "content": "",
        "created_at": "2026-05-01T00:00:00Z",
    }
    assert validator.check(row) is None
    assert validator.unknown_values.as_dict() == {"platform": {"harmony": 1}}


def test_future_visit_date_and_bad_amount() -> None:
    card = {"card_id": "K", "store_id": "S", "visit_date": "2099/01/01", "rating": "3"}
    assert check("store_card", card) == Reason.FUTURE_TIMESTAMP
    order = {
        "order_id": "O",
        "customer_id": "C",
        "ordered_at": "2026-05-01 10:00",
        "amount": "1,299",
        "status": "paid",
    }
    assert check("order", order) == Reason.INVALID_NUMBER
    assert check("order", {**order, "amount": "-12.50"}) is None


@pytest.mark.parametrize(
    ("text", "utc"),
    [
        ("2026-05-01 10:00:00", "2026-05-01T02:00:00+00:00"),
        ("2026/05/01 10:00", "2026-05-01T02:00:00+00:00"),
        ("2026-05-01T10:00:00+08:00", "2026-05-01T02:00:00+00:00"),
        ("2026-05-01T02:00:00Z", "2026-05-01T02:00:00+00:00"),
        ("2026-05-01 10:00:00.123456789+0800", "2026-05-01T02:00:00.123456+00:00"),
    ],
)
def test_timestamps_are_read_as_instants(text: str, utc: str) -> None:
    assert parse_timestamp(text, "Asia/Shanghai").isoformat() == utc
