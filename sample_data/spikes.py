"""Negative spikes planted for the alerts mart (``marts.mart_alerts``) to find.

Two incidents, each a wave of extra complaints on top of the usual reviews for a few days,
so that the complaints' count and their share of the scope's feedback both jump:

* ``logistics_region``: a carrier fails in one province; for ``LOGISTICS_DAYS`` days buyers
  whose marketplace reviews come from that province (``ip_region``) complain about delivery.
* ``app_release``: the app version released after the improvement action's evaluation window
  (3.6.0) crashes on one platform; app reviews on that platform complain about the app for
  ``RELEASE_DAYS`` days from its release day.

Both start after the first ``MIN_BASELINE_DAYS`` days (the alert rule compares a day with the
scope's trailing 28 days) and away from the improvement actions' before/after windows of the
same topic and channel, so the actions' figures keep their meaning. Every random choice comes
from ``Random(f"{seed}:spikes")``; the channel code draws the extra items through
``SpikePlan.app_reviews`` and ``SpikePlan.ecommerce_reviews`` and leaves its own random
stream untouched. The spikes are written to ``ground_truth/alert_spikes.csv``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from random import Random
from typing import TYPE_CHECKING

from sample_data.entities import ONLINE_HOUR_CDF
from sample_data.fakes import REVIEWER_PREFIX
from sample_data.items import FeedbackTruth, Item, poisson, weighted
from sample_data.phrases import NEGATIVE
from sample_data.styles import APP_REPLIES
from sample_data.texts import Aspect

if TYPE_CHECKING:
    from sample_data.channels_reviews import ReviewChannels

#: The rule's trailing baseline is 28 days; a spike needs that much history before it.
MIN_BASELINE_DAYS = 28
LOGISTICS_DAYS = 3
RELEASE_DAYS = 4
#: Provinces with enough marketplace buyers for a carrier's failure to matter (not the
#: largest, so that the province's own baseline is modest).
LOGISTICS_PROVINCES = ("湖北", "四川", "河南", "湖南")
#: Where the logistics failure starts, as a share of the period (after action A01's window).
LOGISTICS_START_SHARE = 0.8
#: Platforms a bad build can break.
RELEASE_PLATFORMS = ("android", "huawei")
#: The version that breaks: the second release after the app action's launch (3.5.0), so the
#: action's 28-day after-window is over.
BAD_VERSION = "3.6.0"
#: Extra complaints per day per 20,000 customers, and at least this many at any scale (a
#: demo of 2,500 customers still gets a wave a person would notice).
EXTRA_PER_20K = {"logistics_region": 24.0, "app_release": 30.0}
EXTRA_MIN = 16
GT_COLUMNS = ("spike_id", "scope_type", "scope_value", "topic", "first_day", "last_day")


@dataclass(frozen=True)
class Spike:
    """One planted incident: extra negative feedback on ``topic`` in one scope."""

    spike_id: str
    source: str
    scope_type: str  # as marts.mart_alerts names it
    scope_value: str
    topic: str
    first_day: int  # index of the first day in the window
    last_day: int
    extra_per_day: tuple[int, ...]  # extra complaints on each day of the spike

    def extra_on(self, day: int) -> int:
        if self.first_day <= day <= self.last_day:
            return self.extra_per_day[day - self.first_day]
        return 0


def plan_spikes(
    rng: Random, days: int, customer_scale: float, versions: list[tuple[int, str]]
) -> list[Spike]:
    """The incidents that fit in a period of ``days`` days (none in a short one)."""

    def counts(kind: str, n: int) -> tuple[int, ...]:
        lam = EXTRA_PER_20K[kind] * customer_scale
        # The first day is the worst; the wave ebbs as the incident is handled.
        return tuple(max(EXTRA_MIN, poisson(rng, lam * (1.0 - 0.15 * i))) for i in range(n))

    spikes = []
    province = rng.choice(LOGISTICS_PROVINCES)
    first = round(LOGISTICS_START_SHARE * days)
    if first >= MIN_BASELINE_DAYS and first + LOGISTICS_DAYS <= days:
        spikes.append(
            Spike(
                "SPIKE01",
                "ecommerce_review",
                "region+topic",
                province,
                "logistics",
                first,
                first + LOGISTICS_DAYS - 1,
                counts("logistics_region", LOGISTICS_DAYS),
            )
        )
    platform = rng.choice(RELEASE_PLATFORMS)
    release = next((d for d, v in versions if v == BAD_VERSION), None)
    if release is not None and release >= MIN_BASELINE_DAYS and release + RELEASE_DAYS <= days:
        spikes.append(
            Spike(
                "SPIKE02",
                "app_review",
                "platform+topic",
                platform,
                "app_experience",
                release,
                release + RELEASE_DAYS - 1,
                counts("app_release", RELEASE_DAYS),
            )
        )
    return spikes


class SpikePlan:
    """The planned spikes and the extra items they add to a day of reviews."""

    def __init__(self, seed: int, days: int, customer_scale: float, versions):
        self.spikes = plan_spikes(Random(f"{seed}:spikes"), days, customer_scale, versions)
        self.rng = Random(f"{seed}:spike_items")

    def _active(self, source: str, day: int) -> list[Spike]:
        return [s for s in self.spikes if s.source == source and s.extra_on(day)]

    def app_reviews(self, factory: ReviewChannels, day: int) -> list[Item]:
        """Extra complaints about a broken release on its platform."""
        items = []
        rng = self.rng
        end = factory.w.window.at(factory.w.window.days * 86400 - 1)
        with factory.drawing_from(rng):
            for spike in self._active("app_review", day):
                for _ in range(spike.extra_on(day)):
                    when = factory._when(day, ONLINE_HOUR_CDF)
                    aspects = [Aspect(spike.topic, NEGATIVE)]
                    product = rng.choice(factory.w.products)
                    ctx = factory._ctx(product, None, None, day)
                    text, composed, planted, script = factory._text(
                        "app_review", aspects, ctx, day, product.sku
                    )
                    values: dict = {
                        "review_id": None,
                        "platform": spike.scope_value,
                        "rating": factory._rating(rng, composed.sentiment),
                        "content": text,
                        "created_at": when,
                        "app_version": factory.version_at(day),
                        "device_id": f"{rng.getrandbits(64):016x}",
                    }
                    # Replies as to any negative app review.
                    if rng.random() < 0.3:
                        replied = when + timedelta(hours=rng.uniform(2, 72))
                        if replied <= end:
                            values["reply_content"] = rng.choice(APP_REPLIES)
                            values["replied_at"] = replied
                    truth = FeedbackTruth(composed.sentiment, composed.aspects, script, True)
                    items.append(Item("app_review", when, values, truth, planted))
        return items

    def ecommerce_reviews(
        self, factory: ReviewChannels, day: int, sentiment_tag: bool
    ) -> list[Item]:
        """Extra complaints about deliveries from buyers in the failing province."""
        items = []
        rng, w = self.rng, factory.w
        with factory.drawing_from(rng):
            for spike in self._active("ecommerce_review", day):
                for _ in range(spike.extra_on(day)):
                    when = factory._when(day, ONLINE_HOUR_CDF)
                    platform = weighted(
                        rng,
                        (("tmall", 0.35), ("jd", 0.30), ("pinduoduo", 0.20), ("douyin_shop", 0.15)),
                    )
                    store = w.stores[rng.choice(factory.by_platform[platform])]
                    product = w.products[rng.randrange(len(w.products))]
                    anon = rng.randrange(factory._anon_reviewers)
                    rid = f"{REVIEWER_PREFIX[platform]}_{(anon * 40503 + 7919) % 2**32:08x}"
                    registered = datetime(2015, 1, 1) + timedelta(
                        seconds=(anon * 7_777_777)
                        % ((w.window.start_dt - datetime(2015, 1, 1)).days * 86400)
                    )
                    aspects = [Aspect(spike.topic, NEGATIVE)]
                    ctx = factory._ctx(product, store, platform, day)
                    text, composed, planted, script = factory._text(
                        "ecommerce_review", aspects, ctx, day, product.sku
                    )
                    values: dict = {
                        "review_id": None,
                        "platform": platform,
                        "store_id": store.store_id,
                        "sku": product.sku,
                        "reviewer_id": rid,
                        "rating": factory._rating(rng, composed.sentiment),
                        "content": text,
                        "created_at": when,
                    }
                    factory._ecommerce_optional(
                        values,
                        when,
                        registered,
                        composed.sentiment,
                        spike.scope_value,
                        None,
                        None,
                        False,
                        sentiment_tag,
                    )
                    truth = FeedbackTruth(composed.sentiment, composed.aspects, script, True)
                    items.append(
                        Item("ecommerce_review", when, values, truth, planted, store.store_id)
                    )
        return items

    def truth_rows(self, start) -> list[tuple[str, ...]]:
        """Rows of ``alert_spikes.csv``: the alert scope and the business days of each spike."""
        return [
            (
                s.spike_id,
                s.scope_type,
                s.scope_value,
                s.topic,
                (start + timedelta(days=s.first_day)).isoformat(),
                (start + timedelta(days=s.last_day)).isoformat(),
            )
            for s in self.spikes
        ]
