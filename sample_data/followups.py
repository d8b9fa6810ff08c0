"""Follow-ups of unhappy feedback: the company calls customers back, some fast, some late.

Closed-loop VoC practice: a low survey score or a 1-2 star review of a known customer lands in
a callback queue; an agent phones the customer and logs the call as an outbound
``support_ticket`` (channel ``phone``, category ``CALLBACK_CATEGORY``) that restates the
complaint in an agent's words. Worse scores are called back more often and sooner; once the
improvement action that promises callbacks (its title names 回访) is live, more often and
sooner still. Some calls come days late, some after the follow-up mart's 7-day window (they
never count as its answer), many never come. After some callbacks the customer is surveyed,
and the answer reflects how well the callback went, so the mart's "recovered" varies with the
follow-up's quality.

Every draw comes from ``Random(f"{seed}:followups")``: the day factory's helpers (times, texts,
surveys) are lent this stream while follow-ups are made, so every regular row is the one a run
without follow-ups writes. ``run.py`` writes the added rows after each day's regular ones:
callback tickets numbered after the day's regular tickets (regular ticket ids unchanged);
surveys after callbacks take the next survey numbers, so later surveys' ids move up.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from random import Random

from sample_data.actions import ImprovementAction
from sample_data.channels_service import (
    RESOLUTIONS,
    TICKET_CATEGORIES,
    process_category,
)
from sample_data.factory_base import TOPIC_MIX, TOUCHPOINT_MIX
from sample_data.items import FeedbackTruth, Item, Schedule, weighted
from sample_data.phrases import NEGATIVE
from sample_data.sources import DayFactory
from sample_data.template import compile_pool
from sample_data.texts import Aspect, TextComposer, overall_polarity

#: ``category`` of a callback ticket (a free-text column of the contract).
CALLBACK_CATEGORY = "回访"
#: How an agent opens the note of a callback (the rest is the usual case note).
CALLBACK_INTROS = (
    "回访客户，客户反映",
    "电话回访，客户称",
    "回访：客户表示",
    "致电客户回访，客户再次反映",
    "回访客户",
    "针对差评回访客户，客户称",
)
#: Scores at or below (worst, low) per survey type: as ``marts.fct_followup`` reads them
#: (NPS 0-6 detractors, 0-3 the worst; CSAT 1-2; CES 1-3, 7 = easy).
LOW_SCORES = {"nps": (3, 6), "csat": (1, 2), "ces": (1, 3)}
#: Calls are made from 09:00 to 21:00, every day (the service desk works weekends).
OFFICE_OPENS, OFFICE_CLOSES = 9, 21
P_SURVEY_AFTER_CALLBACK = 0.5
#: Mood shift of the survey after a callback: prompt and resolved, in time, late or unresolved.
MOOD_AFTER = {"good": 2.0, "fair": 0.5, "poor": -1.5}


@dataclass(frozen=True)
class Policy:
    """How the desk follows up one severity of unhappy item."""

    call_p: float  # chance of a callback at all
    median_hours: float  # delay of a prompt callback (lognormal median)
    prompt_share: float  # share of callbacks that are prompt; the rest come days late


POLICIES = {
    "worst": Policy(0.72, 2.5, 0.78),  # NPS 0-3, CSAT 1, CES 1, 1 star
    "low": Policy(0.52, 5.0, 0.70),  # the other low scores, 2 stars
    "text": Policy(0.30, 8.0, 0.55),  # negative words with a score that is not low
}
#: Before / after the callback action: multiplier of ``call_p``, shift of ``prompt_share``,
#: multiplier of the prompt delay.
BEFORE_ACTION = (0.9, -0.08, 1.0)
AFTER_ACTION = (1.1, 0.08, 0.7)


def severity(item: Item) -> str | None:
    """``worst``, ``low`` or ``text`` for an unhappy item (a key of ``POLICIES``), else None."""
    values, truth = item.values, item.truth
    if truth is None or truth.is_fake:
        return None
    if item.source == "survey":
        score, kind = values.get("score"), values.get("survey_type")
        if score is not None and kind in LOW_SCORES:
            worst, low = LOW_SCORES[kind]
            if score <= worst:
                return "worst"
            if score <= low:
                return "low"
    elif isinstance(values.get("rating"), int) and values["rating"] <= 2:
        return "worst" if values["rating"] == 1 else "low"
    if truth.has_text and truth.sentiment == NEGATIVE:
        return "text"
    return None


class CallbackComposer(TextComposer):
    """The run's text machinery, plus the opening words of a callback note.

    A callback is composed as a ``support_ticket`` whose ``contact_channel`` slot is
    ``callback``, so only its first words differ from a case the customer opened.
    """

    def __init__(self) -> None:
        super().__init__()
        self.ticket_intros = {**self.ticket_intros, "callback": compile_pool(CALLBACK_INTROS)}


class FollowUps:
    """Decides the callbacks of each day's unhappy items and makes their rows."""

    def __init__(self, seed: int, factory: DayFactory, actions: list[ImprovementAction]):
        self.rng = Random(f"{seed}:followups")
        self.factory = factory
        w = factory.w
        self.window = w.window
        self.end = w.window.at(w.window.days * 86400 - 1)
        self.composer = CallbackComposer()
        self.customers = {c.customer_id: c for c in w.customers}
        self.products = {p.sku: p for p in w.products}
        self.stores = {s.store_id: s for s in w.stores}
        self.action_day = next((a.launch_day for a in actions if "回访" in a.title), None)
        self._calls: dict[int, list[Item]] = {}
        self._surveys: dict[int, list[tuple]] = {}
        self._next_call: dict[str, datetime] = {}  # customer -> latest callback planned

    @contextmanager
    def _lent(self) -> Iterator[None]:
        """Let the factory's helpers draw from the follow-up stream and compose callbacks."""
        f = self.factory
        saved = f.rng, f.schedule, f.w.composer
        f.rng, f.w.composer = self.rng, self.composer
        try:
            yield
        finally:
            f.rng, f.schedule, f.w.composer = saved

    # -- the day loop ------------------------------------------------------------------

    def surveys(self, day: int, campaign: bool) -> list[Item]:
        """Surveys sent after earlier callbacks, answered on ``day``."""
        entries = self._surveys.pop(day, [])
        if not entries:
            return []
        with self._lent():
            self.factory.schedule = Schedule(surveys={day: entries})
            items = self.factory.surveys(day, campaign)
        for item in items:
            item.protect = True  # clean, as the callbacks: no planted defect
        return items

    def plan(self, day: int, items: Iterable[Item]) -> None:
        """Decide the callbacks of ``day``'s delivered items; hold each for its own day."""
        with self._lent():
            for item in items:
                level = severity(item)
                customer_id = item.values.get("customer_id")
                if level is None or not customer_id or customer_id not in self.customers:
                    continue
                covered = self._next_call.get(customer_id)
                if covered is not None and covered >= item.when:
                    continue  # a callback already planned will hear this one too
                call = self._callback(item, level, day)
                if call is not None:
                    self._next_call[customer_id] = call.when
                    call_day = (call.when - self.window.start_dt).days
                    self._calls.setdefault(call_day, []).append(call)

    def tickets(self, day: int) -> list[Item]:
        """The callback tickets of ``day`` (decided on that day or before)."""
        return self._calls.pop(day, [])

    # -- one callback ------------------------------------------------------------------

    def _callback(self, item: Item, level: str, day: int) -> Item | None:
        rng = self.rng
        policy = POLICIES[level]
        after = self.action_day is not None and day >= self.action_day
        call_x, prompt_shift, delay_x = AFTER_ACTION if after else BEFORE_ACTION
        if rng.random() >= policy.call_p * call_x:
            return None
        if rng.random() < policy.prompt_share + prompt_shift:
            hours = max(0.2, math.exp(rng.gauss(math.log(policy.median_hours * delay_x), 0.8)))
        elif rng.random() < 0.8:
            hours = rng.uniform(30, 120)
        else:
            hours = rng.uniform(7.5 * 24, 14 * 24)  # after the mart's 7-day window
        opened = self._office_hours(item.when + timedelta(hours=hours))
        customer = self.customers[item.values["customer_id"]]
        if opened > self.end or (customer.closed_at is not None and customer.closed_at <= opened):
            return None
        call_day = (opened - self.window.start_dt).days
        aspects = self._complaint(item)
        values = item.values
        store = self.stores.get(values.get("store_id") or "")
        product = self.products.get(values.get("sku") or "") or rng.choice(self.factory.w.products)
        f = self.factory
        ctx = f._ctx(product, store, store.platform if store else None, call_day, customer.city)
        if values.get("order_id"):
            ctx = replace(ctx, order_no=values["order_id"])
        text, composed, planted, script = f._text(
            "support_ticket",
            aspects,
            ctx,
            call_day,
            product.sku,
            extra={"contact_channel": "callback"},
            region=customer.region,
        )
        main = next((a for a in composed.aspects if a.polarity == NEGATIVE), composed.aspects[0])
        complaint = (
            TICKET_CATEGORIES.get((main.topic, None))
            or TICKET_CATEGORIES.get((main.topic, main.polarity))
            or process_category(composed.text)
        )
        lifecycle, quality = self._lifecycle(opened, item.when, level, complaint)
        lifecycle.update(
            {
                "ticket_id": None,
                "contact_channel": "phone",
                "opened_at": opened,
                "category": CALLBACK_CATEGORY,
                "description": text,
                "customer_id": customer.customer_id,
            }
        )
        if rng.random() < P_SURVEY_AFTER_CALLBACK:
            done = lifecycle["resolved_at"] or opened + timedelta(days=3)
            survey_day = (done - self.window.start_dt).days + rng.randint(1, 3)
            if survey_day < self.window.days:
                entry = ("callback", customer.idx, MOOD_AFTER[quality])
                self._surveys.setdefault(survey_day, []).append(entry)
        truth = FeedbackTruth(composed.sentiment, composed.aspects, script, True)
        # Clean rows: the follow-up figures are exactly what was planted.
        return Item(
            "support_ticket",
            opened,
            lifecycle,
            truth,
            planted,
            store.store_id if store else None,
            protect=True,
        )

    def _office_hours(self, when: datetime) -> datetime:
        """The call time: a call due outside office hours is made the next morning."""
        if OFFICE_OPENS <= when.hour < OFFICE_CLOSES:
            return when
        morning = when.replace(hour=OFFICE_OPENS, minute=0, second=0, microsecond=0)
        if when.hour >= OFFICE_CLOSES:
            morning += timedelta(days=1)
        return morning + timedelta(seconds=self.rng.randint(0, 7200))

    def _complaint(self, item: Item) -> list[Aspect]:
        """What the customer tells the agent: the item's complaint, negative first.

        An item without a topic (a bare score, "差评") gets one from its channel's mix: on
        the phone the customer says what went wrong.
        """
        truth = item.truth
        aspects = [a for a in truth.aspects if a.topic != "other"] if truth else []
        if not aspects:
            if item.source == "survey":
                mix = TOUCHPOINT_MIX[item.values.get("touchpoint") or "purchase"]
            else:
                mix = TOPIC_MIX.get(item.source, TOPIC_MIX["support_ticket"])
            topic = weighted(self.rng, tuple((t, w) for t, w in mix if t != "other"))
            return [Aspect(topic, NEGATIVE)]
        if overall_polarity(aspects) != NEGATIVE:
            negative = [a for a in aspects if a.polarity == NEGATIVE]
            if negative:
                aspects = negative + [a for a in aspects if a.polarity != NEGATIVE]
            else:
                aspects[0] = Aspect(aspects[0].topic, NEGATIVE)
        return aspects

    def _lifecycle(
        self, opened: datetime, created: datetime, level: str, complaint: str
    ) -> tuple[dict, str]:
        """Response, resolution and satisfaction of one callback; and how well it went."""
        rng = self.rng
        first = min(opened + timedelta(seconds=rng.randint(0, 240)), self.end)
        contacts = 1 if rng.random() < 0.8 else rng.choice((2, 2, 3))
        handle = int(math.exp(rng.gauss(math.log(420), 0.5)) * contacts)
        priority = rng.choice(
            {
                "worst": ("high", "high", "urgent", "medium"),
                "low": ("medium", "medium", "high", "low"),
                "text": ("medium", "low"),
            }[level]
        )
        roll = rng.random()
        resolved: datetime | None = None
        if roll < 0.78:
            resolved = first + timedelta(hours=math.exp(rng.gauss(math.log(4), 1.0)))
        elif roll < 0.92:
            resolved = first + timedelta(hours=rng.uniform(24, 120))  # a visit, a replacement
        if resolved is not None and resolved > self.end:
            resolved = None
        waited = opened - created
        if resolved is None or waited > timedelta(hours=72):
            quality = "poor"
        elif waited <= timedelta(hours=24) and resolved - first <= timedelta(hours=48):
            quality = "good"
        else:
            quality = "fair"
        values: dict = {
            "first_response_at": first,
            "priority": priority,
            "contact_count": contacts,
            "handle_seconds": handle,
        }
        if resolved is None:
            values.update(
                resolved_at=None, status=rng.choice(("open", "pending")), resolution="", csat=None
            )
        else:
            csat = None
            if rng.random() < 0.35:
                csat = rng.choice(
                    {"good": (4, 5, 5), "fair": (3, 4), "poor": (1, 2, 2, 3)}[quality]
                )
            values.update(
                resolved_at=resolved,
                status=rng.choice(("resolved", "resolved", "closed")),
                resolution=rng.choice(RESOLUTIONS.get(complaint, ("已处理",))),
                csat=csat,
            )
        return values, quality
