"""Support tickets and surveys: the service desk and what customers answer afterwards.

A ticket's lifecycle (response time, contacts, resolution, csat) decides how badly it went;
a bad case lowers the customer's mood for a month and often triggers a survey, so survey
scores after bad tickets are lower.
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import datetime, timedelta
from functools import partial
from random import Random

from sample_data import drivers
from sample_data.entities import (
    ONLINE_HOUR_CDF,
    STORE_HOUR_CDF,
    Store,
)
from sample_data.factory_base import (
    DAILY_PER_20K,
    P_SURVEY_AFTER_TICKET,
    TOPIC_MIX,
    TOUCHPOINT_MIX,
    FactoryBase,
)
from sample_data.items import FeedbackTruth, Item, poisson, weighted
from sample_data.phrases import NEGATIVE, NEUTRAL, POSITIVE
from sample_data.texts import Aspect, overall_polarity

TICKET_CATEGORIES = {
    ("logistics", None): "物流问题",
    ("product_quality", None): "产品质量",
    ("app_experience", None): "APP问题",
    ("price", None): "价格/价保",
    ("store_environment", None): "门店问题",
    ("other", None): "咨询",
    ("service_attitude", NEGATIVE): "服务投诉",
    ("service_attitude", POSITIVE): "表扬",
    ("service_attitude", NEUTRAL): "服务咨询",
}
#: Process cases are filed by what the note is about (the agent reads before filing).
PROCESS_CATEGORIES = (
    ("退款", "退款"),
    ("安装", "安装预约"),
    ("预约", "安装预约"),
    ("维修", "维修"),
    ("保修", "维修"),
    ("换货", "退换货"),
    ("退货", "退换货"),
    ("发票", "发票"),
)


def process_category(text: str) -> str:
    """The desk's category for a process case, from the words of its note."""
    return next((cat for word, cat in PROCESS_CATEGORIES if word in text), "售后流程")


RESOLUTIONS = {
    "物流问题": ("已催促物流", "已补发", "已联系快递核实", "已解释说明"),
    "产品质量": ("已换货", "已安排上门维修", "已退货退款", "已转技术支持"),
    "APP问题": ("已转技术支持", "已指导重新安装", "已解释说明"),
    "价格/价保": ("已补差价", "已补偿优惠券", "已解释说明"),
    "门店问题": ("已转门店处理", "已致歉", "已解释说明"),
    "咨询": ("已解答",),
    "服务投诉": ("已致歉", "已补偿优惠券", "已升级主管"),
    "表扬": ("已记录",),
    "服务咨询": ("已解答",),
    "退换货": ("已换货", "已退货退款", "已安排取件"),
    "退款": ("已退款", "已加急退款", "已解释说明"),
    "安装预约": ("已改约", "已安排上门"),
    "维修": ("已安排上门维修", "已寄修"),
    "发票": ("已重开发票", "已解释说明"),
    "售后流程": ("已解释说明", "已加急处理", "已登记"),
}


class ServiceChannels(FactoryBase):
    """``support_ticket`` and ``survey`` rows."""

    # -- support tickets ---------------------------------------------------------------

    def tickets(self, day: int) -> list[Item]:
        rng, w = self.rng, self.w
        weekday = w.window.day(day).weekday()
        lam = (
            DAILY_PER_20K["support_ticket"]
            * w.customer_scale
            * (1.2 if weekday == 0 else 0.8 if weekday >= 5 else 1.0)
        )
        end = w.window.at(w.window.days * 86400 - 1)
        items = []
        ob = w.orders
        for _ in range(poisson(rng, lam)):
            opened = self._when(day, STORE_HOUR_CDF if rng.random() < 0.7 else ONLINE_HOUR_CDF)
            customer, order = None, None
            roll = rng.random()
            lo, hi = int(ob.day_index[max(0, day - 30)]), int(ob.day_index[day])
            if roll < 0.75 and hi > lo:
                order = rng.randrange(lo, hi)
                customer = w.customers[int(ob.cust[order])]
            elif roll < 0.95:
                customer = self._random_customer(opened)
            product = (
                w.products[int(ob.sku[order])] if order is not None else rng.choice(w.products)
            )
            store = w.stores[int(ob.store[order])] if order is not None else None
            mood = self._mood(customer, day)
            aspects = self._aspects(
                "support_ticket",
                TOPIC_MIX["support_ticket"],
                day,
                store.store_id if store else None,
                mood,
            )
            if aspects[0].topic == "other":
                aspects = [Aspect("other", NEUTRAL)]
            overall = overall_polarity(aspects)
            channel = weighted(
                rng,
                (
                    ("phone", 0.42),
                    ("online_chat", 0.30),
                    ("app", 0.12),
                    ("email", 0.08),
                    ("store", 0.06),
                ),
            )
            if rng.random() < 0.005:
                channel = rng.choice(("wechat", "weibo_dm", "400_hotline"))
            ctx = self._ctx(
                product,
                store,
                store.platform if store else None,
                day,
                customer.city if customer else None,
            )
            if order is not None:
                ctx = replace(ctx, order_no=ob.order_id(order, w.window))
            text, composed, planted, script = self._text(
                "support_ticket",
                aspects,
                ctx,
                day,
                product.sku,
                extra={
                    "contact_channel": channel
                    if channel in ("phone", "online_chat", "email", "app", "store")
                    else "phone"
                },
                region=customer.region if customer else "cn",
            )
            main = composed.aspects[0]
            category = (
                TICKET_CATEGORIES.get((main.topic, None))
                or TICKET_CATEGORIES.get((main.topic, main.polarity))
                or process_category(composed.text)
            )
            values, bad = self._ticket_lifecycle(rng, channel, opened, overall, category, end)
            values.update(
                {
                    "ticket_id": None,
                    "contact_channel": channel,
                    "opened_at": opened,
                    "category": category,
                    "description": text,
                    "customer_id": customer.customer_id if customer else "",
                }
            )
            truth = FeedbackTruth(composed.sentiment, composed.aspects, script, True)
            items.append(
                Item(
                    "support_ticket",
                    opened,
                    values,
                    truth,
                    planted,
                    store.store_id if store else None,
                )
            )
            if customer is not None:
                if bad:
                    customer.penalty = max(
                        0.5 * bad, customer.penalty if customer.penalty_until >= day else 0.0
                    )
                    customer.penalty_until = day + 30
                if rng.random() < P_SURVEY_AFTER_TICKET:
                    after = values.get("resolved_at") or opened + timedelta(days=3)
                    survey_day = (after - w.window.start_dt).days + rng.randint(1, 3)
                    if survey_day < w.window.days:
                        self.schedule.add_survey(survey_day, ("ticket", customer.idx, bad))
        return items

    @staticmethod
    def _ticket_lifecycle(
        rng: Random, channel: str, opened: datetime, overall: str, category: str, end: datetime
    ) -> tuple[dict, int]:
        """Response, resolution, effort and satisfaction of one case; also how bad it went."""
        if channel in ("phone", "store", "400_hotline"):
            first = opened + timedelta(seconds=rng.randint(20, 300))
        elif channel == "online_chat":
            first = opened + timedelta(seconds=rng.randint(30, 1500))
        else:
            hours = math.exp(rng.gauss(math.log(4), 1.2))
            if rng.random() < 0.05:
                hours = rng.uniform(24, 40)
            elif rng.random() < 0.03:
                hours = rng.uniform(48, 96)
            first = opened + timedelta(hours=hours)
        contacts = (
            1
            if rng.random() < (0.62 if overall == NEGATIVE else 0.82)
            else (2 if rng.random() < 0.6 else rng.randint(3, 6))
        )
        resolve_hours = math.exp(rng.gauss(math.log(18), 1.0)) * (1 + 0.6 * (contacts - 1))
        resolved = first + timedelta(hours=resolve_hours)
        base_seconds = {
            "phone": 360,
            "online_chat": 540,
            "email": 900,
            "app": 600,
            "store": 420,
        }.get(channel, 500)
        handle = int(math.exp(rng.gauss(math.log(base_seconds), 0.5)) * contacts)
        priority = (
            rng.choice(("low", "medium", "medium", "high"))
            if overall != NEGATIVE
            else (rng.choice(("medium", "high", "high", "urgent")))
        )
        if first > end:
            first_value: datetime | None = None
        else:
            first_value = first if rng.random() > 0.02 else None
        bad = int(contacts > 1) + int(first - opened > timedelta(hours=24))
        values: dict = {
            "first_response_at": first_value,
            "priority": priority,
            "contact_count": contacts,
            "handle_seconds": handle,
        }
        if resolved > end:
            values.update(
                resolved_at=None, status=rng.choice(("open", "pending")), resolution="", csat=None
            )
            bad += 1
        else:
            satisfied = overall != NEGATIVE and contacts == 1
            csat = None
            if rng.random() < 0.45:
                csat = (
                    rng.choice((4, 5, 5))
                    if satisfied
                    else rng.choice((1, 2, 2, 3))
                    if overall == NEGATIVE
                    else rng.choice((3, 4))
                )
            values.update(
                resolved_at=resolved,
                status=rng.choice(("resolved", "resolved", "closed")),
                resolution=rng.choice(RESOLUTIONS.get(category, ("已处理",))),
                csat=csat,
            )
            if csat is not None and csat <= 2:
                bad += 1
        return values, bad

    # -- surveys -----------------------------------------------------------------------

    def surveys(self, day: int, campaign: bool) -> list[Item]:
        rng, w, ob = self.rng, self.w, self.w.orders
        items = []
        for entry in self.schedule.surveys.pop(day, []):
            store: Store | None = None
            if entry[0] == "order":
                i = entry[1]
                customer = w.customers[int(ob.cust[i])]
                product = w.products[int(ob.sku[i])]
                order_store = w.stores[int(ob.store[i])]
                if order_store.region == "online":
                    touchpoint = weighted(
                        rng, (("purchase", 0.4), ("delivery", 0.45), ("app", 0.15))
                    )
                else:
                    touchpoint = "store" if rng.random() < 0.8 else "purchase"
                    store = order_store
            else:
                customer = w.customers[entry[1]]
                product = rng.choice(w.products)
                touchpoint = "support"
            when = self._when(day, ONLINE_HOUR_CDF)
            if customer.closed_at is not None and customer.closed_at <= when:
                continue
            if touchpoint in ("support", "app"):
                kind = weighted(rng, (("ces", 0.30), ("csat", 0.45), ("nps", 0.25)))
            else:
                kind = weighted(rng, (("nps", 0.45), ("csat", 0.40), ("ces", 0.15)))
            store_id = store.store_id if store else None
            mood = self._mood(customer, day)
            callback_shift = entry[2] if entry[0] == "callback" else 0.0
            mood += callback_shift  # how well the callback went (``followups.py``)
            aspects = self._aspects("survey", TOUCHPOINT_MIX[touchpoint], day, store_id, mood)
            overall = overall_polarity(aspects)
            answered = rng.random() >= 0.03
            comment_p = {NEGATIVE: 0.7, NEUTRAL: 0.35, POSITIVE: 0.5}[overall] if answered else 0.1
            latent = drivers.base_satisfaction(rng, callback_shift)
            comment, script, planted = "", "none", []
            truth_aspects: tuple[Aspect, ...] = ()
            sentiment = overall
            language = {"tw": "zh-TW", "hk": "zh-HK"}.get(customer.region, "zh-CN")
            if rng.random() < comment_p:
                ctx = self._ctx(product, store, None, day, customer.city)
                force = {"tw": "s2tw", "hk": "s2hk"}.get(customer.region)

                write = partial(
                    self._text,
                    "survey",
                    ctx=ctx,
                    day=day,
                    sku=product.sku,
                    region=customer.region,
                    force_hant=force,
                )
                comment, composed, planted, script = write(aspects)
                latent += drivers.topic_effect(composed.aspects)
                if kind != "ces":
                    # The comment explains the score: lead with an aspect that agrees with it.
                    wanted = drivers.score_class(kind, self._latent_score(kind, latent))
                    agreeing = [a for a in composed.aspects if a.polarity == wanted]
                    if wanted and composed.sentiment != wanted and agreeing:
                        order = agreeing[:1] + [a for a in composed.aspects if a != agreeing[0]]
                        again = write(order)
                        if drivers.topic_effect(again[1].aspects) == drivers.topic_effect(
                            composed.aspects
                        ):
                            comment, composed, planted, script = again
                truth_aspects, sentiment = composed.aspects, composed.sentiment
            score: int | None = (
                survey_score(rng, kind, sentiment)
                if kind == "ces"
                else self._latent_score(kind, latent)
            )
            if not answered:
                score = None
            values = {
                "response_id": None,
                "customer_id": customer.customer_id,
                "survey_type": kind,
                "score": score,
                "submitted_at": when,
                "touchpoint": touchpoint,
                "comment": comment,
                "store_id": store_id or "",
                "language": language if rng.random() > 0.1 else "",
            }
            if campaign:
                values["campaign_id"] = (
                    f"CMP{when:%y}Q{(when.month - 1) // 3 + 1}-{rng.randint(1, 6):02d}"
                    if rng.random() < 0.6
                    else ""
                )
            truth = FeedbackTruth(
                sentiment,
                truth_aspects,
                script,
                bool(comment),
                score=(kind, score) if score is not None else None,
            )
            items.append(Item("survey", when, values, truth, planted, store_id))
        return items

    @staticmethod
    def _latent_score(kind: str, latent: float) -> int:
        return drivers.nps_score(latent) if kind == "nps" else drivers.csat_score(latent)


def survey_score(rng: Random, kind: str, polarity: str) -> int:
    """A score on the survey's scale that agrees with how the respondent feels."""
    if kind == "nps":
        if polarity == POSITIVE:
            return 10 if rng.random() < 0.45 else (9 if rng.random() < 0.82 else 8)
        if polarity == NEUTRAL:
            return rng.choice((8, 8, 7, 7, 6))
        return rng.choices(range(7), weights=(3, 2, 3, 4, 5, 6, 5))[0]
    if kind == "csat":
        if polarity == POSITIVE:
            return 5 if rng.random() < 0.6 else 4
        if polarity == NEUTRAL:
            return rng.choice((3, 3, 3, 3, 3, 3, 3, 4, 4, 2))
        return rng.choice((1, 1, 1, 2, 2, 2, 3))
    if polarity == POSITIVE:
        return rng.choice((7, 7, 6, 6, 6, 5))
    if polarity == NEUTRAL:
        return rng.choice((4, 4, 4, 5, 3))
    return rng.choice((1, 2, 2, 3, 3))
