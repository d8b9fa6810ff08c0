"""The journey, customer-value and segment-value marts recomputed with pandas, no SQL.

A second, independent reading of ``mart_journey_monthly``, the customer-value columns of
``dim_customer`` and ``mart_segment_value`` (their descriptions in
``dbt_project/models/marts/insights/_insights__models.yml`` and the block "Customer value" of
``dbt_project.yml``), for the end-to-end tests to hold those marts against. Landing rows are read
by ``independent_metrics.Landing`` (defects and the rejected and duplicated file dropped, the
latest delivery of a key wins); the channel-to-touchpoint mapping from the seed CSV.

Read from the landing files: survey type, score and touchpoint; every item's date and
customer; orders (status, amount, time); CRM closures; the data horizon.

Read from the warehouse, because no landing file holds them (model outputs and rule-based
labels tested elsewhere): per feedback item (``source`` + ``source_record_id``) the text
model's ``sentiment_label``, ``primary_topic`` and whether ``text_clean`` is non-empty, and
``is_suspected_fake``; its topics with their own sentiment label (``fct_feedback_topic``); per
customer ``segment`` and ``churn_risk`` (``dim_customer``).
"""

from __future__ import annotations

import csv
import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pandas as pd

from tests.e2e import independent_metrics as im

DBT_PROJECT = Path(__file__).resolve().parents[2] / "dbt_project"
VALUE_HORIZON_DAYS = 365
VALUE_MIN_TENURE_DAYS = 90
Z = 1.96


@dataclass(frozen=True)
class ModelOutputs:
    """What only the warehouse knows, read-only."""

    items: dict[tuple[str, str], dict[str, object]]
    negative_topics: dict[tuple[str, str], list[str]]
    segment: dict[str, str]
    churn_risk: dict[str, float]

    @classmethod
    def read(cls, warehouse: Path) -> ModelOutputs:
        with duckdb.connect(str(warehouse), read_only=True) as con:
            items = con.execute(
                """select source, source_record_id, sentiment_label, primary_topic,
                       coalesce(trim(text_clean), '') != '' as has_clean_text,
                       is_suspected_fake
                   from marts.fct_feedback"""
            ).fetchall()
            topics = con.execute(
                """select f.source, f.source_record_id, t.topic
                   from marts.fct_feedback_topic as t
                   join marts.fct_feedback as f using (feedback_id)
                   where t.topic_sentiment_label = 'negative'"""
            ).fetchall()
            customers = con.execute(
                "select customer_id, segment, churn_risk from marts.dim_customer"
            ).fetchall()
        negative: dict[tuple[str, str], list[str]] = defaultdict(list)
        for source, record, topic in topics:
            negative[(source, record)].append(topic)
        return cls(
            items={
                (s, r): {
                    "sentiment_label": label,
                    "primary_topic": topic,
                    "has_clean_text": bool(has_text),
                    "is_suspected_fake": bool(fake),
                }
                for s, r, label, topic, has_text, fake in items
            },
            negative_topics=dict(negative),
            segment={c: s for c, s, _ in customers},
            churn_risk={c: float(r) for c, _, r in customers},
        )


# ---------------------------------------------------------------- intervals


def nps_interval(promoters: int, detractors: int, n: int) -> tuple[float, float]:
    return im.nps_interval(promoters, detractors, n)


def wilson(successes: int, n: int) -> tuple[float, float]:
    """95% Wilson score interval of successes / n, in percent."""
    if n == 0:
        return math.nan, math.nan
    p = successes / n
    centre = p + Z * Z / (2 * n)
    half = Z * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n))
    return 100 * (centre - half) / (1 + Z * Z / n), 100 * (centre + half) / (1 + Z * Z / n)


def mean_interval(scores: list[int]) -> tuple[float, float]:
    """Mean -/+ 1.96 sample standard deviations of the mean; NaN below 2 scores."""
    n = len(scores)
    if n < 2:
        return math.nan, math.nan
    mean = sum(scores) / n
    sd = math.sqrt(sum((s - mean) ** 2 for s in scores) / (n - 1))
    return mean - Z * sd / math.sqrt(n), mean + Z * sd / math.sqrt(n)


# ---------------------------------------------------------------- journey


def channel_touchpoints(project: Path = DBT_PROJECT) -> dict[tuple[str, str], str]:
    path = project / "seeds" / "channel_touchpoints.csv"
    with path.open(encoding="utf-8-sig", newline="") as f:
        return {(r["source"], r["topic"]): r["touchpoint"] for r in csv.DictReader(f)}


def _item_day(source: str, value: object) -> date:
    if source == "store_card":
        return im.calendar_date(value)
    return im.business_day(im.instant(value))


def journey_items(landing: im.Landing, outputs: ModelOutputs) -> pd.DataFrame:
    """One row per feedback item not suspected fake, with its month, touchpoint, segment."""
    mapping = channel_touchpoints()
    rows = []
    for source, stamp in im.FEEDBACK_DATES.items():
        frame = landing.rows(source)
        has_customer = source not in ("social", "store_card") and "customer_id" in frame
        for key, record in frame.iterrows():
            model = outputs.items[(source, key)]
            if model["is_suspected_fake"]:
                continue
            if source == "survey":
                touchpoint = im.code(record["touchpoint"]) or "unknown"
            else:
                topic = model["primary_topic"]
                touchpoint = mapping.get((source, topic), mapping.get((source, "*"), "unknown"))
            customer = im.text(record["customer_id"]) if has_customer else None
            rows.append(
                {
                    "source": source,
                    "record": key,
                    "month_start": im.month_of(_item_day(source, record[stamp])),
                    "touchpoint": touchpoint,
                    "segment": outputs.segment.get(customer, "unknown"),
                    "survey_type": im.code(record["survey_type"]) if source == "survey" else None,
                    "score": im.whole(record["score"]) if source == "survey" else None,
                    "has_text": model["has_clean_text"] and model["sentiment_label"] is not None,
                    "negative": model["sentiment_label"] == "negative",
                }
            )
    return pd.DataFrame(rows)


def journey_monthly(landing: im.Landing, outputs: ModelOutputs) -> pd.DataFrame:
    items = journey_items(landing, outputs)
    both = pd.concat([items, items.assign(segment="all")], ignore_index=True)
    out = []
    for (month, touchpoint, segment), g in both.groupby(["month_start", "touchpoint", "segment"]):
        nps = [s for t, s in zip(g.survey_type, g.score, strict=True) if t == "nps" and s == s]
        csat = [s for t, s in zip(g.survey_type, g.score, strict=True) if t == "csat" and s == s]
        ces = [s for t, s in zip(g.survey_type, g.score, strict=True) if t == "ces" and s == s]
        nps = [int(s) for s in nps if s is not None]
        csat = [int(s) for s in csat if s is not None]
        ces = [int(s) for s in ces if s is not None]
        promoters = sum(s >= 9 for s in nps)
        detractors = sum(s <= 6 for s in nps)
        satisfied = sum(s >= 4 for s in csat)
        texts = g[g.has_text]
        counts: dict[str, int] = defaultdict(int)
        for source, record in zip(texts.source, texts.record, strict=True):
            for topic in outputs.negative_topics.get((source, record), []):
                counts[topic] += 1
        top = min(counts, key=lambda t: (-counts[t], t)) if counts else None
        nps_low, nps_high = nps_interval(promoters, detractors, len(nps))
        csat_low, csat_high = wilson(satisfied, len(csat))
        ces_low, ces_high = mean_interval(ces)
        out.append(
            {
                "month_start": month,
                "touchpoint": touchpoint,
                "segment": segment,
                "nps_responses": len(nps),
                "promoters": promoters,
                "detractors": detractors,
                "nps": 100 * (promoters - detractors) / len(nps) if nps else math.nan,
                "nps_ci_low": nps_low,
                "nps_ci_high": nps_high,
                "low_sample": len(nps) < im.LOW_SAMPLE_BELOW,
                "csat_responses": len(csat),
                "csat_pct": 100 * satisfied / len(csat) if csat else math.nan,
                "csat_pct_ci_low": csat_low,
                "csat_pct_ci_high": csat_high,
                "ces_responses": len(ces),
                "ces_mean": sum(ces) / len(ces) if ces else math.nan,
                "ces_mean_ci_low": ces_low,
                "ces_mean_ci_high": ces_high,
                "text_items": len(texts),
                "negative_text_items": int(texts.negative.sum()),
                "negative_share": texts.negative.mean() if len(texts) else math.nan,
                "top_negative_topic": top,
                "top_negative_topic_mentions": counts[top] if top else 0,
            }
        )
    return pd.DataFrame(out)


# ---------------------------------------------------------------- customer value


def predicted_value(historic: float, tenure_days: int | None, alive: bool) -> float:
    """The run-rate projection, written out again from its description."""
    if not alive or historic <= 0 or tenure_days is None:
        return 0.0
    return historic * VALUE_HORIZON_DAYS / max(tenure_days, VALUE_MIN_TENURE_DAYS)


def customer_value(landing: im.Landing) -> pd.DataFrame:
    """historic_value and predicted_value_12m of every customer with an order.

    Net value = amounts of orders ever paid (status paid or refunded) minus refunded amounts;
    tenure from the first such order's business day to the horizon, both counted. Alive = no
    CRM closure and not churned (the latest churn event after the last paid order day).
    """
    orders = landing.rows("order")
    cents: dict[str, int] = defaultdict(int)
    first: dict[str, date] = {}
    for cid, status, ordered, amount in zip(
        orders.customer_id, orders.status, orders.ordered_at, orders.amount, strict=True
    ):
        cid, status = im.text(cid), im.code(status)
        if status not in ("paid", "refunded"):
            continue
        value = round(float(im.text(amount)) * 100)
        cents[cid] += value - (value if status == "refunded" else 0)
        day = im.business_day(im.instant(ordered))
        first[cid] = min(first.get(cid, day), day)
    closed = set(im.closures(landing))
    last_order = {cid: days[-1] for cid, days in im.paid_order_days(landing).items()}
    events = im.churn_events(landing)
    last_churn = events.groupby("customer_id").churn_date.max().to_dict()
    horizon = landing.data_horizon
    rows = []
    for cid in cents:
        churned = cid in last_churn and last_churn[cid] > last_order[cid]
        alive = cid not in closed and not churned
        tenure = (horizon - first[cid]).days + 1
        historic = cents[cid] / 100
        rows.append(
            {
                "customer_id": cid,
                "historic_value": historic,
                "value_tenure_days": tenure,
                "predicted_value_12m": predicted_value(historic, tenure, alive),
            }
        )
    return pd.DataFrame(rows)


# ---------------------------------------------------------------- segment value


def segment_value(landing: im.Landing, outputs: ModelOutputs) -> pd.DataFrame:
    segment = outputs.segment
    segments = sorted(set(segment.values()))
    window = timedelta(days=im.CHURN_WINDOW_DAYS)
    order_days = im.paid_order_days(landing)
    closed_day = {cid: im.business_day(m) for cid, m in im.closures(landing).items()}
    events = im.churn_events(landing)

    orders = landing.rows("order")
    month_orders: dict[tuple[date, str], list[tuple[str, int]]] = defaultdict(list)
    for cid, status, ordered, amount in zip(
        orders.customer_id, orders.status, orders.ordered_at, orders.amount, strict=True
    ):
        if im.code(status) != "paid":
            continue
        cid = im.text(cid)
        month = im.month_of(im.business_day(im.instant(ordered)))
        for s in (segment[cid], "all"):
            month_orders[(month, s)].append((cid, round(float(im.text(amount)) * 100)))

    surveys = landing.rows("survey")
    answers: dict[tuple[date, str], list[int]] = defaultdict(list)
    for key, cid, kind, score, stamp in zip(
        surveys._key,
        surveys.customer_id,
        surveys.survey_type,
        surveys.score,
        surveys.submitted_at,
        strict=True,
    ):
        score = im.whole(score)
        if im.code(kind) != "nps" or score is None:
            continue
        if outputs.items[("survey", key)]["is_suspected_fake"]:
            continue
        month = im.month_of(im.business_day(im.instant(stamp)))
        for s in (segment.get(im.text(cid), "unknown"), "all"):
            answers[(month, s)].append(score)

    value = customer_value(landing).set_index("customer_id").predicted_value_12m.to_dict()
    predicted: dict[str, float] = defaultdict(float)
    at_risk: dict[str, float] = defaultdict(float)
    for cid, s in segment.items():
        v = value.get(cid, 0.0)
        for name in (s, "all"):
            predicted[name] += v
            at_risk[name] += v * outputs.churn_risk[cid]

    churn = im.churn_monthly(landing)
    rows = []
    for month in churn.month_start:
        eve = month - timedelta(days=1)
        base = {
            cid
            for cid, days in order_days.items()
            if any(eve - window <= d <= eve for d in days)
            and (closed_day.get(cid) is None or closed_day[cid] >= month)
        }
        churners = set(events[events.churn_date.map(im.month_of) == month].customer_id) & base
        for s in [*segments, "all"]:
            members = base if s == "all" else {c for c in base if segment[c] == s}
            bought = month_orders.get((month, s), [])
            scores = answers.get((month, s), [])
            detractors = sum(x <= 6 for x in scores)
            churned = len(churners & members)
            rows.append(
                {
                    "month_start": month,
                    "segment": s,
                    "customers": len({c for c, _ in bought}),
                    "revenue": sum(a for _, a in bought) / 100,
                    "nps_responses": len(scores),
                    "detractors": detractors,
                    "detractor_share": detractors / len(scores) if scores else math.nan,
                    "active_at_start": len(members),
                    "churned": churned,
                    "churn_rate": churned / len(members) if members else math.nan,
                    "predicted_value_12m": predicted[s],
                    "value_at_risk": at_risk[s],
                }
            )
    return pd.DataFrame(rows)
