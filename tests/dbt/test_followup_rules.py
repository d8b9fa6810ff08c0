"""marts.fct_followup and mart_followup_daily on hand-built cases: each priority rule raises
the priority it should and names its reason, a critical word forces P1, routing covers every
topic, SLA deadlines cross midnight and weekends in Asia/Shanghai, and a reply, a ticket and
a later survey each answer, resolve or recover an item as defined.

Timestamps are written as Asia/Shanghai wall-clock time and stored as naive UTC, like the
warehouse stores them. 2026-03-06 is a Friday."""

from __future__ import annotations

import csv
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from tests.conftest import run_dbt
from voc_core.contracts import TOPICS
from voc_core.settings import DBT_PROJECT_DIR

AS_OF = date(2026, 3, 31)  # the data's last business day


def utc(local: str) -> datetime:
    """Asia/Shanghai wall-clock time (UTC+8 all year) as the naive UTC the warehouse keeps."""
    return datetime.fromisoformat(local) - timedelta(hours=8)


def item(
    feedback_id: str,
    source: str,
    local: str,
    *,
    customer: str | None = None,
    survey: tuple[str, int] | None = None,
    rating: int | None = None,
    sentiment: float | None = None,
    text: str = "",
    topic: str | None = None,
    store: str | None = None,
    touchpoint: str | None = None,
    fake: bool = False,
) -> dict:
    created = utc(local)
    return {
        "feedback_id": feedback_id,
        "source": source,
        "source_record_id": feedback_id,
        "platform": None,
        "customer_id": customer,
        "store_id": store,
        "created_at": created,
        "day": datetime.fromisoformat(local).date(),
        "survey_type": survey[0] if survey else None,
        "survey_score": survey[1] if survey else None,
        "rating_5": rating,
        "sentiment_score": sentiment,
        "text_clean": text,
        "primary_topic": topic,
        "touchpoint": touchpoint,
        "is_suspected_fake": fake,
    }


ITEMS = [
    # Priority rules, one at a time.
    item("NPS_BASE", "survey", "2026-03-02 10:00", customer="C01", survey=("nps", 5)),
    item(
        "NPS_WORST",
        "survey",
        "2026-03-06 20:00",
        customer="C02",
        survey=("nps", 2),
        topic="logistics",
    ),
    item(
        "TOP_WORST",
        "survey",
        "2026-03-05 23:00",
        customer="C_TOP",
        survey=("nps", 1),
        topic="price",
    ),
    item(
        "CHURN",
        "survey",
        "2026-03-03 11:00",
        customer="C_CHURN",
        survey=("csat", 1),
        topic="service_attitude",
    ),
    item("REACH", "social", "2026-03-04 12:00", sentiment=-0.6, topic="logistics"),
    item(
        "P1_POINTS",
        "social",
        "2026-01-20 12:00",
        customer="C_TOP",
        sentiment=-0.9,
        topic="product_quality",
    ),
    item(
        "CRITICAL",
        "ecommerce_review",
        "2026-03-07 22:30",
        customer="C03",
        rating=2,
        sentiment=-0.4,
        text="用了之后过敏了，脸上全是疹子",
        topic="product_quality",
    ),
    item("CES_HARD", "survey", "2026-03-10 09:00", customer="C07", survey=("ces", 3)),
    # Repeat complaints: 9 days apart count, 33 days apart do not.
    item("REP_1", "ecommerce_review", "2026-02-01 10:00", customer="C_REP", rating=2),
    item("REP_2", "survey", "2026-02-10 10:00", customer="C_REP", survey=("csat", 1)),
    item("REP_3", "survey", "2026-03-15 10:00", customer="C_REP", survey=("nps", 5)),
    # Not follow-up candidates.
    item("FAKE", "ecommerce_review", "2026-03-02 10:00", rating=1, fake=True),
    item("TICKET_ITEM", "support_ticket", "2026-03-02 10:00", sentiment=-0.95),
    item("HAPPY", "survey", "2026-03-02 10:00", customer="C08", survey=("nps", 9)),
    item("MILD", "social", "2026-03-02 10:00", sentiment=-0.3),
    item("CSAT_OK", "survey", "2026-03-02 10:00", customer="C09", survey=("csat", 3)),
    # Routing.
    item(
        "CARD",
        "store_card",
        "2026-03-11 10:00",
        rating=1,
        store="S01",
        topic="store_environment",
    ),
    item(
        "STORE_SURVEY",
        "survey",
        "2026-03-11 10:00",
        customer="C10",
        survey=("nps", 4),
        store="S02",
        touchpoint="store",
        topic="product_quality",
    ),
    item(
        "UNKNOWN_TOPIC",
        "app_review",
        "2026-03-12 10:00",
        rating=2,
        topic="warranty",
    ),
    # Weekend start of a working-hours clock.
    item(
        "SUNDAY",
        "survey",
        "2026-03-08 10:00",
        customer="C06",
        survey=("nps", 6),
        topic="price",
    ),
    # Closing the loop.
    item(
        "REPLY",
        "ecommerce_review",
        "2026-03-02 09:00",
        customer="C04",
        rating=1,
        topic="process",
    ),
    item(
        "LATE_REPLY",
        "app_review",
        "2026-03-02 09:00",
        rating=1,
        topic="app_experience",
    ),
    item(
        "TICKET",
        "survey",
        "2026-03-02 09:00",
        customer="C_TICKET",
        survey=("nps", 3),
        topic="service_attitude",
    ),
    item(
        "TICKET_TOO_LATE",
        "survey",
        "2026-03-02 09:00",
        customer="C_T2",
        survey=("nps", 5),
        topic="service_attitude",
    ),
    item("RECOVER", "survey", "2026-03-02 09:00", customer="C_SURV", survey=("nps", 4)),
    item("RECOVER_NEXT", "survey", "2026-03-20 09:00", customer="C_SURV", survey=("nps", 9)),
    item(
        "OPEN",
        "survey",
        "2026-03-31 10:00",
        customer="C05",
        survey=("nps", 5),
        topic="price",
    ),
]

SOCIAL_REACH = [("REACH", 20_000, 0, 0), ("P1_POINTS", 50, 150, 0), ("MILD", 90_000, 0, 0)]
REPLIES = {
    "ecommerce_review": [("REPLY", "2026-03-02 14:00")],
    "app_review": [("LATE_REPLY", "2026-03-09 09:00")],
}
TICKETS = [
    ("TK1", "C_TICKET", "2026-03-03 09:00", "2026-03-03 10:00", "2026-03-04 10:00"),
    ("TK2", "C_T2", "2026-03-12 09:00", "2026-03-12 09:10", "2026-03-12 12:00"),
]


def _customers() -> list[tuple[str, float, float]]:
    """(customer_id, predicted_value_12m, churn_risk): C_TOP is the only top-10% customer of
    the ones above (the filler F* customers hold the other top ranks), C_CHURN the only churn
    risk."""
    named = {c["customer_id"] for c in ITEMS if c["customer_id"]} | {"C_CHURN"}
    rows = [(c, 1.0, 0.1) for c in sorted(named - {"C_TOP", "C_CHURN"})]
    rows += [("C_TOP", 10_000.0, 0.1), ("C_CHURN", 1.0, 0.7)]
    rows += [(f"F{i:02d}", 100.0 + i, 0.1) for i in range(20)]
    return rows


def _build(path: Path) -> None:
    columns = list(ITEMS[0])
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts; create schema staging; create schema intermediate")
        con.execute(
            """create table marts.fct_feedback (
                feedback_id varchar, source varchar, source_record_id varchar,
                platform varchar, customer_id varchar, store_id varchar,
                created_at timestamp, day date, survey_type varchar, survey_score integer,
                rating_5 integer, sentiment_score double, text_clean varchar,
                primary_topic varchar, touchpoint varchar, is_suspected_fake boolean)"""
        )
        con.executemany(
            f"insert into marts.fct_feedback values ({', '.join('?' * len(columns))})",
            [[row[c] for c in columns] for row in ITEMS],
        )
        con.execute(
            """create table intermediate.int_feedback_unioned as
               select feedback_id, source, source_record_id, customer_id, created_at,
                   survey_type, survey_score
               from marts.fct_feedback"""
        )
        con.execute(
            f"create table intermediate.int_data_horizon as select date '{AS_OF}' as as_of_date"
        )
        con.execute(
            "create table marts.dim_customer "
            "(customer_id varchar, predicted_value_12m double, churn_risk double)"
        )
        con.executemany("insert into marts.dim_customer values (?, ?, ?)", _customers())
        con.execute(
            "create table staging.stg_social "
            "(post_id varchar, author_followers integer, reposts integer, likes integer)"
        )
        con.executemany("insert into staging.stg_social values (?, ?, ?, ?)", SOCIAL_REACH)
        for source, replies in REPLIES.items():
            table = "stg_ecommerce_review" if source == "ecommerce_review" else "stg_app_review"
            con.execute(f"create table staging.{table} (review_id varchar, replied_at timestamp)")
            con.executemany(
                f"insert into staging.{table} values (?, ?)",
                [(review, utc(at)) for review, at in replies],
            )
        con.execute(
            """create table staging.stg_support_ticket (ticket_id varchar, customer_id varchar,
                opened_at timestamp, first_response_at timestamp, resolved_at timestamp)"""
        )
        con.executemany(
            "insert into staging.stg_support_ticket values (?, ?, ?, ?, ?)",
            [(t, c, utc(o), utc(f), utc(r)) for t, c, o, f, r in TICKETS],
        )


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("followup_rules")
    path = root / "warehouse.duckdb"
    _build(path)
    run_dbt(
        "build",
        "--select",
        "followup_topic_owners followup_critical_words int_followup_contacts "
        "fct_followup mart_followup_daily",
        target_path=root / "target",
        duckdb_path=path,
    )
    return path


@pytest.fixture(scope="module")
def followups(warehouse: Path) -> dict[str, dict]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute("select * from marts.fct_followup").df().to_dict("records")
    return {row["feedback_id"]: row for row in rows}


def _reasons(row: dict) -> list[str]:
    return list(row["priority_reasons"])


@pytest.mark.parametrize(
    ("feedback_id", "priority", "reasons"),
    [
        ("NPS_BASE", "P4", ["nps_detractor"]),
        ("NPS_WORST", "P3", ["nps_detractor", "worst_score"]),
        ("TOP_WORST", "P2", ["nps_detractor", "worst_score", "top_customer_value"]),
        ("CHURN", "P2", ["csat_low", "worst_score", "churn_risk"]),
        ("REACH", "P3", ["negative_text", "wide_reach"]),
        (
            "P1_POINTS",
            "P1",
            ["negative_text", "severe_text", "top_customer_value", "wide_reach"],
        ),
        ("CES_HARD", "P4", ["ces_hard"]),
        ("REP_1", "P4", ["low_rating"]),
        ("REP_2", "P2", ["csat_low", "worst_score", "repeat_complaint"]),
        ("REP_3", "P4", ["nps_detractor"]),
        ("CARD", "P3", ["low_rating", "worst_score"]),
    ],
)
def test_each_priority_rule_raises_the_priority_and_names_its_reason(
    followups: dict[str, dict], feedback_id: str, priority: str, reasons: list[str]
) -> None:
    row = followups[feedback_id]
    assert (row["priority"], _reasons(row)) == (priority, reasons)


def test_a_critical_word_forces_p1_whatever_the_points(followups: dict[str, dict]) -> None:
    row = followups["CRITICAL"]
    assert row["priority_points"] == 0  # a 2-star review with mild sentiment: P4 by points
    assert row["priority"] == "P1"
    assert _reasons(row) == ["low_rating", "critical_word:过敏"]


def test_items_that_need_no_answer_are_not_queued(followups: dict[str, dict]) -> None:
    for feedback_id in ("FAKE", "TICKET_ITEM", "HAPPY", "MILD", "CSAT_OK", "RECOVER_NEXT"):
        assert feedback_id not in followups, feedback_id
    assert len(followups) == len(ITEMS) - 6


def test_routing_covers_every_topic_store_items_and_unknown_topics(
    followups: dict[str, dict],
) -> None:
    with (DBT_PROJECT_DIR / "seeds" / "followup_topic_owners.csv").open(encoding="utf-8") as f:
        owners = {row["topic"]: row["owner_team"] for row in csv.DictReader(f)}
    assert set(TOPICS) <= set(owners)
    for row in followups.values():
        if row["store_id"]:
            continue
        expected = owners.get(row["topic"], "客户体验")
        assert row["owner_team"] == expected, row["feedback_id"]
    assert followups["NPS_WORST"]["owner_team"] == "物流"
    assert (followups["NPS_BASE"]["topic"], followups["NPS_BASE"]["owner_team"]) == (
        "other",
        "客户体验",
    )
    assert followups["UNKNOWN_TOPIC"]["owner_team"] == "客户体验"  # the fallback team
    assert followups["CARD"]["owner_team"] == "门店-S01"
    assert followups["STORE_SURVEY"]["owner_team"] == "门店-S02"


@pytest.mark.parametrize(
    ("feedback_id", "due_local"),
    [
        # P1, calendar: Saturday 22:30 -> Sunday 22:30, across midnight and the weekend.
        ("CRITICAL", "2026-03-08 22:30"),
        # P2, calendar: Thursday 23:00 -> Saturday 23:00.
        ("TOP_WORST", "2026-03-07 23:00"),
        # P3, working hours: Friday 20:00 + 4 h Friday + 24 Monday + 24 Tuesday + 20 Wednesday.
        ("NPS_WORST", "2026-03-11 20:00"),
        # P4, working hours: Monday 10:00 + 120 h (five working days) -> next Monday 10:00.
        ("NPS_BASE", "2026-03-09 10:00"),
        # P4 that arrives on a Sunday: its clock starts on Monday 00:00.
        ("SUNDAY", "2026-03-14 00:00"),
    ],
)
def test_deadlines_follow_each_priority_clock_in_asia_shanghai(
    followups: dict[str, dict], feedback_id: str, due_local: str
) -> None:
    assert followups[feedback_id]["due_at"].to_pydatetime() == utc(due_local)


def test_a_reply_on_the_review_answers_it(followups: dict[str, dict]) -> None:
    row = followups["REPLY"]
    assert (row["status"], row["response_channel"]) == ("responded", "review_reply")
    assert row["hours_to_response"] == pytest.approx(5.0)
    assert row["responded_within_sla"]
    late = followups["LATE_REPLY"]
    assert (late["status"], late["hours_to_response"]) == ("responded", pytest.approx(168.0))
    assert not late["responded_within_sla"]


def test_a_ticket_of_the_customer_answers_and_resolves_it(followups: dict[str, dict]) -> None:
    row = followups["TICKET"]
    assert (row["status"], row["response_channel"], row["followup_ticket_id"]) == (
        "resolved",
        "support_ticket",
        "TK1",
    )
    assert row["hours_to_response"] == pytest.approx(25.0)
    assert row["responded_within_sla"]
    # A ticket opened ten days later is not this item's follow-up (window: 7 days).
    late = followups["TICKET_TOO_LATE"]
    assert pd.isna(late["followup_ticket_id"])
    assert late["status"] == "overdue"
    assert not late["responded_within_sla"]


def test_a_later_survey_says_whether_the_customer_recovered(followups: dict[str, dict]) -> None:
    recovered = followups["RECOVER"]
    assert (recovered["recovered"], recovered["status"]) == (True, "resolved")
    assert pd.isna(recovered["first_response_at"])
    # REP_1's next answer is CSAT 1, REP_2's is NPS 5: both still low.
    assert not followups["REP_1"]["recovered"]
    assert not followups["REP_2"]["recovered"]
    assert followups["REP_2"]["status"] == "overdue"


def test_an_item_not_yet_due_is_open(followups: dict[str, dict]) -> None:
    row = followups["OPEN"]
    assert row["status"] == "open"
    assert pd.isna(row["responded_within_sla"])


def test_the_daily_mart_counts_new_items_responses_and_the_overdue_backlog(
    warehouse: Path, followups: dict[str, dict]
) -> None:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        daily = con.execute("select * from marts.mart_followup_daily").df()
    assert daily["new_items"].sum() == len(followups)
    reply_day = daily[
        (daily["day"] == "2026-03-02")
        & (daily["owner_team"] == "售后")
        & (daily["priority"] == "P3")
    ].iloc[0]
    assert (reply_day["new_items"], reply_day["responded"], reply_day["responded_in_sla"]) == (
        1,
        1,
        1,
    )
    assert reply_day["median_hours_to_response"] == pytest.approx(5.0)
    # LATE_REPLY (App产品, P3) was due Thursday 09:00 and answered the Monday after: in the
    # overdue backlog at the end of Thursday to Sunday, not on the day of the answer.
    late = daily[(daily["owner_team"] == "App产品") & (daily["priority"] == "P3")]
    backlog = {
        str(day)[:10]: n for day, n in zip(late["day"], late["overdue_backlog"], strict=True) if n
    }
    assert backlog == {d: 1 for d in ("2026-03-05", "2026-03-06", "2026-03-07", "2026-03-08")}
    # TICKET_TOO_LATE (客服, P4) never answered: overdue from its deadline's day, Monday
    # 2026-03-09, to the data's last day.
    never = daily[(daily["owner_team"] == "客服") & (daily["priority"] == "P4")]
    overdue_days = [
        str(day)[:10] for day, n in zip(never["day"], never["overdue_backlog"], strict=True) if n
    ]
    first, last = date(2026, 3, 9), AS_OF
    assert sorted(overdue_days) == [
        str(first + timedelta(days=i)) for i in range((last - first).days + 1)
    ]


def test_items_whose_answer_the_data_cannot_show_are_marked(followups: dict[str, dict]) -> None:
    traceable = {k for k, row in followups.items() if row["response_traceable"]}
    # Social posts and store cards without a customer: no reply field, no tickets to find.
    assert {"REACH", "CARD"}.isdisjoint(traceable)
    # Reviews carry their reply; a known customer's tickets are found.
    assert {"REPLY", "LATE_REPLY", "UNKNOWN_TOPIC", "TICKET", "P1_POINTS"} <= traceable
