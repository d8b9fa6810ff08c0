"""The follow-up queue recomputed from the landing files, with pandas and no SQL.

A second, independent reading of the rules of block "Follow-up queue" of
``dbt_project/dbt_project.yml`` and of ``models/marts/followup`` (``fct_followup`` and
``mart_followup_daily``), for the end-to-end tests to hold those marts against. The landing
rows are read by ``independent_metrics.Landing`` (defects and the rejected and duplicated file
dropped, the latest delivery of a key wins). The thresholds are read from the vars of
``dbt_project.yml`` and the routing and critical words from the seed CSV files, so a change of
a value moves both sides; the rules themselves (which scores are low, which are the worst,
which answer is recovered, how points add up, how a working clock runs) are written out here
again from their descriptions.

Read from the landing files: survey type and score, touchpoint and store; review and store
card ratings; customer ids; every timestamp (naive ones are Asia/Shanghai local time, a
store card's visit day is midnight there); replies on reviews (``replied_at``); support
tickets (customer, opened, first response, resolved); social reach (followers, reposts,
likes); each customer's predicted 12-month value (``independent_insights.customer_value``:
from orders, CRM closures and churn); the data horizon (``Landing.data_horizon``).

Read from the warehouse, because no landing file holds them (model outputs):

* per feedback item, keyed by ``source`` + ``source_record_id``, from ``marts.fct_feedback``:
  the text model's ``sentiment_score``, ``primary_topic`` and ``text_clean`` (the masked text
  the critical words are matched in), and ``is_suspected_fake`` (the fake-review rules and
  model);
* per customer, from ``marts.dim_customer``: ``churn_risk`` (a model score).

Conventions of this reading, where the rules leave a choice:

* Timestamps are compared as instants; the outputs are naive UTC, like the warehouse's.
* A working clock (``followup_sla_clock: working``) counts Monday 00:00 to Saturday 00:00 in
  the business time zone; an item that comes at the weekend starts on Monday 00:00. The
  deadline is the first instant by which the hours have run: hours that run out exactly at
  the end of a Friday give Saturday 00:00, not the Monday after.
* The follow-up ticket is the customer's earliest opened ticket in the window (ticket id
  breaks a tie); its own first response and resolution count, never another ticket's.
* Status and every figure derived from a response are judged as of the end of the data's last
  business day: a reply, first response or resolution stamped later has not happened yet.
"""

from __future__ import annotations

import csv
import math
from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

import duckdb
import pandas as pd
import yaml

from tests.e2e.independent_insights import customer_value
from tests.e2e.independent_metrics import (
    BUSINESS_TZ,
    Landing,
    business_day,
    calendar_date,
    code,
    instant,
    text,
    whole,
)

DBT_PROJECT = Path(__file__).resolve().parents[2] / "dbt_project"

#: The feedback sources whose items may need a follow-up (support tickets are cases already).
ITEM_SOURCES = ("survey", "app_review", "ecommerce_review", "social", "store_card")
#: Sources whose items carry a 1-5 star rating.
RATED_SOURCES = ("app_review", "ecommerce_review", "store_card")
#: Sources whose items can get a reply on the platform.
REPLIED_SOURCES = ("app_review", "ecommerce_review")

#: Survey answers that are low (need an answer), by survey type: NPS 0-6, CSAT 1-2, CES 1-3.
LOW_SURVEY_MAX = {"nps": 6, "csat": 2, "ces": 3}
#: The trigger named for a low answer of each survey type.
SURVEY_TRIGGER = {"nps": "nps_detractor", "csat": "csat_low", "ces": "ces_hard"}
#: The worst answers: NPS 0-3, CSAT 1, CES 1 (and 1 star for ratings).
WORST_SURVEY_MAX = {"nps": 3, "csat": 1, "ces": 1}
LOW_RATING_MAX = 2
WORST_RATING = 1
#: Points of each priority rule, in the order priority_reasons names them (vars comment).
RULE_POINTS = {
    "worst_score": 2,
    "severe_text": 1,
    "top_customer_value": 1,
    "churn_risk": 1,
    "wide_reach": 2,
    "repeat_complaint": 1,
}
PRIORITIES = ("P1", "P2", "P3", "P4")

#: The counts of mart_followup_daily.
DAILY_COUNTS = [
    "new_items",
    "responded",
    "responded_in_sla",
    "overdue_backlog",
    "closed_loop",
    "resolved",
    "with_later_answer",
    "recovered",
]


# ---------------------------------------------------------------- configuration


@dataclass(frozen=True)
class Rules:
    """The follow-up queue's thresholds (dbt vars) and its two seeds."""

    negative_sentiment: float
    severe_sentiment: float
    priority_points: dict[str, int]
    top_value_share: float
    churn_risk: float
    reach: dict[str, int]
    repeat_days: int
    sla_hours: dict[str, float]
    sla_clock: dict[str, str]
    store_team_prefix: str
    fallback_team: str
    ticket_window_days: int
    recovery_days: int
    topic_owners: dict[str, str]
    critical_words: tuple[str, ...]

    @classmethod
    def load(cls, project: Path = DBT_PROJECT) -> Rules:
        """Read the vars of ``project``'s ``dbt_project.yml`` and its follow-up seeds."""
        config = yaml.safe_load((project / "dbt_project.yml").read_text(encoding="utf-8"))
        v = config["vars"]
        return cls(
            negative_sentiment=float(v["followup_negative_sentiment"]),
            severe_sentiment=float(v["followup_severe_sentiment"]),
            priority_points={k: int(n) for k, n in v["followup_priority_points"].items()},
            top_value_share=float(v["followup_top_value_share"]),
            churn_risk=float(v["followup_churn_risk"]),
            reach={k: int(n) for k, n in v["followup_reach"].items()},
            repeat_days=int(v["followup_repeat_days"]),
            sla_hours={k: float(h) for k, h in v["followup_sla_hours"].items()},
            sla_clock=dict(v["followup_sla_clock"]),
            store_team_prefix=str(v["followup_store_team_prefix"]),
            fallback_team=str(v["followup_fallback_team"]),
            ticket_window_days=int(v["followup_ticket_window_days"]),
            recovery_days=int(v["followup_recovery_days"]),
            topic_owners={
                r["topic"].strip(): r["owner_team"].strip()
                for r in _seed(project, "followup_topic_owners")
            },
            critical_words=tuple(
                r["word"].strip() for r in _seed(project, "followup_critical_words")
            ),
        )


def _seed(project: Path, name: str) -> list[dict[str, str]]:
    with (project / "seeds" / f"{name}.csv").open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


@dataclass(frozen=True)
class ModelOutputs:
    """What only the warehouse knows: the text and fake-review models' outputs per item
    (by ``source``, ``source_record_id``) and each customer's churn risk."""

    feedback: dict[tuple[str, str], dict[str, object]]
    churn_risk: dict[str, float]

    @classmethod
    def read(cls, warehouse: Path) -> ModelOutputs:
        """Read them from ``marts.fct_feedback`` and ``marts.dim_customer``, read-only."""
        with duckdb.connect(str(warehouse), read_only=True) as con:
            feedback = con.execute(
                """
                select source, source_record_id, sentiment_score, primary_topic, text_clean,
                    is_suspected_fake
                from marts.fct_feedback
                """
            ).df()
            customers = con.execute(
                "select customer_id, churn_risk from marts.dim_customer"
                " where customer_id is not null and churn_risk is not null"
            ).fetchall()
        feedback = feedback.astype(object).where(feedback.notna(), None)
        outputs = {
            (r.pop("source"), r.pop("source_record_id")): r
            | {"is_suspected_fake": bool(r["is_suspected_fake"])}
            for r in feedback.to_dict("records")
        }
        return cls(feedback=outputs, churn_risk={cid: float(risk) for cid, risk in customers})


# ---------------------------------------------------------------- time


def naive_utc(moment: datetime | None) -> datetime | None:
    """An aware instant as naive UTC (the warehouse's convention); None stays None."""
    return None if moment is None else moment.astimezone(timezone.utc).replace(tzinfo=None)


def local_midnight(day: date) -> datetime:
    """Midnight starting ``day`` in the business time zone, as an aware datetime."""
    return datetime.combine(day, time(0), tzinfo=BUSINESS_TZ)


def as_of(landing: Landing) -> datetime:
    """The end of the data's last business day (UTC)."""
    end = local_midnight(landing.data_horizon + timedelta(days=1))
    return end.astimezone(timezone.utc)


def working_hours_after(start: datetime, hours: float) -> datetime:
    """The UTC instant ``hours`` working hours after ``start``.

    Working time runs from Monday 00:00 to Saturday 00:00 in the business time zone; the clock
    of an item that comes at the weekend starts on Monday 00:00. The first instant by which
    ``hours`` have run: hours that run out exactly at the end of a Friday give Saturday 00:00.
    """
    remaining = timedelta(hours=hours)
    moment = start.astimezone(BUSINESS_TZ)
    while True:
        monday = local_midnight(moment.date() - timedelta(days=moment.weekday()))
        saturday = local_midnight(monday.date() + timedelta(days=5))
        next_monday = local_midnight(monday.date() + timedelta(days=7))
        if moment >= saturday:
            moment = next_monday
            continue
        left = saturday - moment
        if remaining <= left:
            return (moment + remaining).astimezone(timezone.utc)
        remaining -= left
        moment = next_monday


def deadline(created: datetime, priority: str, rules: Rules) -> datetime:
    """When the first response to an item of ``priority`` created at ``created`` is due."""
    hours = rules.sla_hours[priority]
    clock = rules.sla_clock[priority]
    if clock == "calendar":
        return (created + timedelta(hours=hours)).astimezone(timezone.utc)
    if clock == "working":
        return working_hours_after(created, hours)
    raise ValueError(f"unknown SLA clock {clock!r} for {priority}")


# ---------------------------------------------------------------- landing items


def feedback_items(landing: Landing) -> pd.DataFrame:
    """One row per item of the sources that can need a follow-up, from the landing files.

    Columns: source, source_record_id, customer_id, store_id, touchpoint, created_at (aware
    UTC), survey_type, survey_score, rating, replied_at (aware UTC or None).
    """
    frames = []
    for source in ITEM_SOURCES:
        rows = landing.rows(source)
        n = len(rows)

        def column(name: str, rows: pd.DataFrame = rows) -> list[object]:
            return list(rows[name]) if name in rows.columns else [None] * len(rows)

        if source == "store_card":
            created = [local_midnight(calendar_date(v)) for v in rows.visit_date]
            created = [c.astimezone(timezone.utc) for c in created]
        else:
            stamp = "submitted_at" if source == "survey" else "created_at"
            created = [instant(v) for v in rows[stamp]]
        survey = source == "survey"
        frame = pd.DataFrame(
            {
                "source": [source] * n,
                "source_record_id": list(rows._key),
                "customer_id": [text(v) for v in column("customer_id")],
                "store_id": [text(v) for v in column("store_id")],
                "touchpoint": (
                    [code(v) for v in column("touchpoint")]
                    if survey
                    else ["store" if source == "store_card" else None] * n
                ),
                "created_at": created,
                "survey_type": [code(v) for v in column("survey_type")] if survey else [None] * n,
                "survey_score": [whole(v) for v in column("score")] if survey else [None] * n,
                "rating": (
                    [whole(v) for v in column("rating")] if source in RATED_SOURCES else [None] * n
                ),
                "replied_at": (
                    [instant(v) for v in column("replied_at")]
                    if source in REPLIED_SOURCES
                    else [None] * n
                ),
            }
        )
        # Social posts and store cards name no customer of ours.
        if source in ("social", "store_card"):
            frame["customer_id"] = None
        frames.append(frame)
    out = pd.concat(frames, ignore_index=True)
    return out.astype(object).where(out.notna(), None)


def known_customers(landing: Landing) -> set[str]:
    """Every customer id the data names: the CRM, orders, and feedback of any source."""
    ids = {text(v) for v in landing.rows("crm_customer")._key}
    ids |= {text(v) for v in landing.rows("order").customer_id}
    for source in ("survey", "app_review", "ecommerce_review", "support_ticket"):
        rows = landing.rows(source)
        if "customer_id" in rows.columns:
            ids |= {text(v) for v in rows.customer_id}
    ids.discard(None)
    return ids


def top_value_customers(landing: Landing, share: float) -> set[str]:
    """Customers whose predicted 12-month value ranks in the top ``share`` of all known ones.

    The value is ``independent_insights.customer_value`` (the run-rate projection; no order
    is 0). The rank is the share of the other customers with strictly less value (ties share
    a rank); the top ``share`` is a rank of at least 1 - share.
    """
    value = customer_value(landing).set_index("customer_id").predicted_value_12m.to_dict()
    customers = known_customers(landing) | set(value)
    values = sorted(value.get(c, 0.0) for c in customers)
    n = len(values)
    if n < 2:
        return set()
    top = set()
    for cid in customers:
        below = bisect_left(values, value.get(cid, 0.0))
        if below / (n - 1) >= 1 - share:
            top.add(cid)
    return top


@dataclass(frozen=True)
class Ticket:
    """A support ticket as a follow-up: who opened it, when, and what came of it."""

    ticket_id: str
    opened_at: datetime
    first_response_at: datetime | None
    resolved_at: datetime | None


def tickets_by_customer(landing: Landing) -> dict[str, list[Ticket]]:
    """Each customer's support tickets, earliest opened first (ticket id breaks ties)."""
    rows = landing.rows("support_ticket")
    out: dict[str, list[Ticket]] = defaultdict(list)
    customers = rows.customer_id if "customer_id" in rows.columns else [None] * len(rows)
    for key, cid, opened, responded, resolved in zip(
        rows._key,
        customers,
        rows.opened_at,
        rows.first_response_at,
        rows.resolved_at,
        strict=True,
    ):
        cid = text(cid)
        if cid is None:
            continue
        out[cid].append(Ticket(key, instant(opened), instant(responded), instant(resolved)))
    for tickets in out.values():
        tickets.sort(key=lambda t: (t.opened_at, t.ticket_id))
    return dict(out)


def answered_surveys(items: pd.DataFrame) -> dict[str, list[tuple[datetime, str, int]]]:
    """Each customer's answered surveys (created_at, type, score), earliest first; answers
    given at the same moment in the order of their response id."""
    keyed: dict[str, list[tuple[datetime, str, str, int]]] = defaultdict(list)
    surveys = items[(items.source == "survey") & items.survey_score.notna()]
    for cid, created, record_id, kind, score in zip(
        surveys.customer_id,
        surveys.created_at,
        surveys.source_record_id,
        surveys.survey_type,
        surveys.survey_score,
        strict=True,
    ):
        if cid is not None:
            keyed[cid].append((created, record_id, kind, score))
    return {
        cid: [(created, kind, score) for created, _, kind, score in sorted(answers)]
        for cid, answers in keyed.items()
    }


def is_recovered(survey_type: str | None, score: int | None) -> bool | None:
    """Whether a later answer is no longer low; None when its type has no low range."""
    if survey_type not in LOW_SURVEY_MAX or score is None:
        return None
    return score > LOW_SURVEY_MAX[survey_type]


# ---------------------------------------------------------------- the queue


def trigger(item: dict[str, object], sentiment: float | None, rules: Rules) -> str | None:
    """Why an item needs a follow-up (the first rule that holds), None when it does not.

    Support tickets never reach here: they are cases already."""
    kind, score, rating = item["survey_type"], item["survey_score"], item["rating"]
    if kind in LOW_SURVEY_MAX and score is not None and score <= LOW_SURVEY_MAX[kind]:
        return SURVEY_TRIGGER[kind]
    if item["source"] in RATED_SOURCES and rating is not None and rating <= LOW_RATING_MAX:
        return "low_rating"
    if sentiment is not None and sentiment <= rules.negative_sentiment:
        return "negative_text"
    return None


def is_worst(item: dict[str, object]) -> bool:
    """The worst answer of its scale: NPS 0-3, CSAT 1, CES 1, or 1 star."""
    kind, score = item["survey_type"], item["survey_score"]
    if kind in WORST_SURVEY_MAX and score is not None and score <= WORST_SURVEY_MAX[kind]:
        return True
    return item["source"] in RATED_SOURCES and item["rating"] == WORST_RATING


def priority_of(points: int, rules: Rules) -> str:
    """The most urgent priority whose minimum points are reached; the last one otherwise."""
    for priority in PRIORITIES:
        minimum = rules.priority_points.get(priority)
        if minimum is not None and points >= minimum:
            return priority
    return PRIORITIES[-1]


def wide_reach(post: pd.Series | None, reach: dict[str, int]) -> bool:
    """A social post at or above any of the reach thresholds."""
    if post is None:
        return False
    counts = {
        "followers": whole(post.get("author_followers")),
        "reposts": whole(post.get("reposts")),
        "likes": whole(post.get("likes")),
    }
    return any(counts[k] is not None and counts[k] >= limit for k, limit in reach.items())


def followups(landing: Landing, outputs: ModelOutputs, rules: Rules | None = None) -> pd.DataFrame:
    """``fct_followup`` recomputed: one row per item needing a follow-up.

    Columns as the mart's (created_at and every other timestamp naive UTC): source,
    source_record_id, customer_id, store_id, created_at, day, topic, owner_team, priority,
    priority_points, priority_reasons, due_at, first_response_at, response_channel,
    followup_ticket_id, resolved_at, status, hours_to_response, responded_within_sla,
    recovered, next_survey_at.
    """
    rules = rules or Rules.load()
    cutoff = as_of(landing)
    items = feedback_items(landing)

    # Which items need a follow-up: genuine (not suspected fake) and triggered.
    needing = []
    for item in items.to_dict("records"):
        key = (item["source"], item["source_record_id"])
        if key not in outputs.feedback:
            raise KeyError(f"no fct_feedback row for landing item {key}")
        model = outputs.feedback[key]
        if model["is_suspected_fake"]:
            continue
        reason = trigger(item, model["sentiment_score"], rules)
        if reason is not None:
            needing.append(item | model | {"trigger": reason})

    # Repeat complaints: another item of the customer needing follow-up in the window before
    # (the same instant included).
    times: dict[str, list[datetime]] = defaultdict(list)
    for item in needing:
        if item["customer_id"] is not None:
            times[item["customer_id"]].append(item["created_at"])
    for values in times.values():
        values.sort()
    window = timedelta(days=rules.repeat_days)

    def repeats(cid: str | None, created: datetime) -> bool:
        if cid is None:
            return False
        t = times[cid]
        return bisect_right(t, created) - bisect_left(t, created - window) >= 2

    top = top_value_customers(landing, rules.top_value_share)
    posts = landing.rows("social")
    tickets = tickets_by_customer(landing)
    surveys = answered_surveys(items)

    rows = []
    for item in needing:
        cid = item["customer_id"]
        created: datetime = item["created_at"]
        words = sorted(
            w for w in set(rules.critical_words) if item["text_clean"] and w in item["text_clean"]
        )
        post = posts.loc[item["source_record_id"]] if item["source"] == "social" else None
        flags = {
            "worst_score": is_worst(item),
            "severe_text": item["sentiment_score"] is not None
            and item["sentiment_score"] <= rules.severe_sentiment,
            "top_customer_value": cid in top,
            "churn_risk": cid is not None
            and outputs.churn_risk.get(cid, -math.inf) >= rules.churn_risk,
            "wide_reach": wide_reach(post, rules.reach),
            "repeat_complaint": repeats(cid, created),
        }
        points = sum(RULE_POINTS[name] for name, hit in flags.items() if hit)
        # A critical word makes it P1 whatever the points.
        priority = PRIORITIES[0] if words else priority_of(points, rules)
        reasons = [item["trigger"], *(f"critical_word:{w}" for w in words)]
        reasons += [name for name, hit in flags.items() if hit]

        topic = item["primary_topic"] or "other"
        store_scoped = item["source"] == "store_card" or item["touchpoint"] == "store"
        if item["store_id"] is not None and store_scoped:
            team = rules.store_team_prefix + item["store_id"]
        else:
            team = rules.topic_owners.get(topic, rules.fallback_team)

        due = deadline(created, priority, rules)

        # What happened since, as far as it had happened by the cutoff.
        def seen(moment: datetime | None) -> datetime | None:
            return moment if moment is not None and moment <= cutoff else None

        reply = seen(item["replied_at"])
        ticket = next(
            (
                t
                for t in tickets.get(cid, [])
                if created <= t.opened_at < created + timedelta(days=rules.ticket_window_days)
            ),
            None,
        )
        ticket_response = None if ticket is None else seen(ticket.first_response_at)
        resolved = None if ticket is None else seen(ticket.resolved_at)
        later = [
            s
            for s in surveys.get(cid, [])
            if created < s[0] <= created + timedelta(days=rules.recovery_days)
        ]
        next_survey = later[0] if later else None
        recovered = None if next_survey is None else is_recovered(next_survey[1], next_survey[2])

        responses = [m for m in (reply, ticket_response) if m is not None]
        first_response = min(responses) if responses else None
        if reply is not None and (ticket_response is None or reply <= ticket_response):
            channel = "review_reply"
        elif ticket_response is not None:
            channel = "support_ticket"
        else:
            channel = None

        if resolved is not None or recovered:
            status = "resolved"
        elif first_response is not None:
            status = "responded"
        elif due < cutoff:
            status = "overdue"
        else:
            status = "open"
        if first_response is not None:
            within = first_response <= due
        elif due < cutoff:
            within = False
        else:
            within = None

        rows.append(
            {
                "source": item["source"],
                "source_record_id": item["source_record_id"],
                "customer_id": cid,
                "store_id": item["store_id"],
                "created_at": naive_utc(created),
                "day": business_day(created),
                "topic": topic,
                "owner_team": team,
                "priority": priority,
                "priority_points": points,
                "priority_reasons": reasons,
                "due_at": naive_utc(due),
                "due_day": business_day(due),
                "first_response_at": naive_utc(first_response),
                "response_day": business_day(first_response),
                "response_channel": channel,
                "followup_ticket_id": None if ticket is None else ticket.ticket_id,
                "resolved_at": naive_utc(resolved),
                "status": status,
                "hours_to_response": (
                    None
                    if first_response is None
                    else (first_response - created).total_seconds() / 3600
                ),
                "responded_within_sla": within,
                "recovered": recovered,
                "next_survey_at": None if next_survey is None else naive_utc(next_survey[0]),
            }
        )
    out = pd.DataFrame(rows)
    return out.astype(object).where(out.notna(), None)


# ---------------------------------------------------------------- the daily mart


def followup_daily(queue: pd.DataFrame, horizon: date) -> pd.DataFrame:
    """``mart_followup_daily`` recomputed from ``followups(...)`` and the data horizon.

    One row per business day x owner team x priority with items created that day or an
    overdue backlog at its end. Rates are unrounded (the mart rounds to 2 decimals).
    """
    groups: dict[tuple[date, str, str], dict[str, object]] = {}

    def group(key: tuple[date, str, str]) -> dict[str, object]:
        return groups.setdefault(key, {c: 0 for c in DAILY_COUNTS} | {"hours": []})

    for item in queue.to_dict("records"):
        g = group((item["day"], item["owner_team"], item["priority"]))
        g["new_items"] += 1
        if item["first_response_at"] is not None:
            g["responded"] += 1
            g["hours"].append(item["hours_to_response"])
        g["responded_in_sla"] += item["responded_within_sla"] is True
        g["closed_loop"] += item["status"] in ("responded", "resolved")
        g["resolved"] += item["status"] == "resolved"
        g["with_later_answer"] += item["recovered"] is not None
        g["recovered"] += item["recovered"] is True

    # Overdue backlog at the end of each day: past due by then (its deadline's day or later)
    # and no response by then (before the response's day), up to the data's last day.
    for item in queue.to_dict("records"):
        day = item["due_day"]
        last = horizon
        if item["response_day"] is not None:
            last = min(last, item["response_day"] - timedelta(days=1))
        while day <= last:
            group((day, item["owner_team"], item["priority"]))["overdue_backlog"] += 1
            day += timedelta(days=1)

    rows = []
    for (day, team, priority), g in groups.items():
        hours = g.pop("hours")
        rows.append(
            {"day": day, "owner_team": team, "priority": priority}
            | {c: g[c] for c in DAILY_COUNTS}
            | {
                "responded_in_sla_pct": _pct(g["responded_in_sla"], g["new_items"]),
                "median_hours_to_response": (
                    float(pd.Series(hours, dtype=float).median()) if hours else math.nan
                ),
                "closed_loop_pct": _pct(g["closed_loop"], g["new_items"]),
                "recovery_pct": _pct(g["recovered"], g["with_later_answer"]),
            }
        )
    return pd.DataFrame(rows).sort_values(["day", "owner_team", "priority"], ignore_index=True)


def _pct(numerator: int, denominator: int) -> float:
    return 100.0 * numerator / denominator if denominator else math.nan
