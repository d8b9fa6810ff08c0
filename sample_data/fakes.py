"""Fake-review campaigns planted among the marketplace reviews.

Patterns (the ``pattern`` column of ``fake_reviews.csv``):

* ``identical_text`` - one text posted by many brand-new accounts over a few days;
* ``near_duplicate`` - one text with small edits (punctuation, emoji, a swapped adverb);
* ``burst`` - dozens of 5-star reviews on one shop and SKU within a day or two;
* ``velocity`` - one reviewer posting many reviews within a couple of hours;
* ``new_account_attack`` - new accounts leaving 1-star reviews on one SKU (a competitor);
* ``rating_text_mismatch`` - 5 stars with a complaint, or 1 star with praise;
* ``generic_template`` - stock praise ("好评好评", "东西不错，物流快") from throwaway accounts.

The schedule is drawn up front (it is small) and keyed by day.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from random import Random

from sample_data.entities import Product, Store, Window
from sample_data.phrases import NEGATIVE, POSITIVE
from sample_data.styles import GENERIC_PRAISE
from sample_data.texts import Aspect, Composed, TextComposer, TextContext

REVIEWER_PREFIX = {"tmall": "tb", "jd": "jd", "pinduoduo": "pdd", "douyin_shop": "dy"}
PROVINCES = (
    "广东",
    "浙江",
    "江苏",
    "上海",
    "北京",
    "山东",
    "河南",
    "四川",
    "湖北",
    "福建",
    "湖南",
    "安徽",
    "河北",
    "陕西",
    "重庆",
    "天津",
    "辽宁",
    "江西",
    "广西",
    "云南",
)


@dataclass(frozen=True)
class FakeReview:
    """One planted fake review."""

    t: int  # seconds after the window's first midnight
    store: int
    sku: int
    reviewer_id: str
    reviewer_registered: datetime
    rating: int
    composed: Composed
    campaign_id: str
    pattern: str
    ip_region: str


def reviewer_id(rng: Random, platform: str) -> str:
    return f"{REVIEWER_PREFIX.get(platform, 'u')}_{rng.getrandbits(32):08x}"


def generic_praise(rng: Random) -> Composed:
    text, topics = rng.choice(GENERIC_PRAISE)
    aspects = tuple(Aspect(t, POSITIVE) for t in topics) or (Aspect("other", POSITIVE),)
    return Composed(text, POSITIVE, aspects)


def perturb(rng: Random, text: str) -> str:
    """A near-copy: a few small edits that keep the meaning."""
    edits = (
        lambda s: s.replace("，", ",", 1),
        lambda s: s.replace("！", "!"),
        lambda s: s.rstrip("。！!～~") + rng.choice(("！", "!!", "～", "。", "")),
        lambda s: s + rng.choice(("👍", "😊", "❤️", "✨")),
        lambda s: s.replace("很", rng.choice(("非常", "超", "特别")), 1),
        lambda s: s.replace("非常", "很", 1),
        lambda s: rng.choice(("真的", "确实", "")) + s,
        lambda s: s.replace("好评", "好评！", 1),
        lambda s: s + rng.choice(("，推荐", "，五星", " 好评")),
    )
    out = text
    for _ in range(rng.randint(1, 3)):
        out = rng.choice(edits)(out)
    return out if out != text else text + "！"


class FakeReviewPlanner:
    """Draws the fake-review schedule for one run."""

    def __init__(
        self,
        rng: Random,
        window: Window,
        stores: list[Store],
        products: list[Product],
        composer: TextComposer,
        expected_reviews: float,
    ):
        self.rng = rng
        self.window = window
        self.shops = [i for i, s in enumerate(stores) if s.region == "online"]
        self.stores = stores
        self.products = products
        self.composer = composer
        self.scale = expected_reviews / 26_000
        self.size_factor = min(1.0, math.sqrt(max(self.scale, 1e-9)))
        self.by_day: dict[int, list[FakeReview]] = {}
        self._campaigns = 0

    def _ctx(self, store: int, sku: int) -> TextContext:
        p, s = self.products[sku], self.stores[store]
        return TextContext(
            p.name,
            p.category,
            f"¥{p.price}",
            s.name,
            "上海",
            "天猫",
            "3.4.0",
            "",
            self.window.start,
        )

    def _compose(self, store: int, sku: int, aspects: list[Aspect]) -> Composed:
        return self.composer.compose(self.rng, "ecommerce_review", aspects, self._ctx(store, sku))

    def _size(self, low: int, high: int, minimum: int = 3) -> int:
        return max(minimum, round(self.rng.randint(low, high) * self.size_factor))

    def _count(self, base: float, minimum: int = 1) -> int:
        return max(minimum, round(base * self.scale))

    def _new_campaign(self) -> str:
        self._campaigns += 1
        return f"FK{self._campaigns:02d}"

    def _start_second(self, span_days: int) -> int:
        last = max(0, self.window.days - span_days)
        return self.rng.randint(0, last) * 86400

    def _registered(self, t: int, new: bool) -> datetime:
        at = self.window.at(t)
        if new:
            return at - timedelta(seconds=self.rng.randint(3600, 3 * 86400))
        return at - timedelta(days=self.rng.randint(200, 2500), seconds=self.rng.randint(0, 86399))

    def _add(
        self,
        t: int,
        store: int,
        sku: int,
        rid: str,
        registered: datetime,
        rating: int,
        composed: Composed,
        campaign: str,
        pattern: str,
        region: str,
    ) -> None:
        t = min(t, self.window.days * 86400 - 1)
        review = FakeReview(
            t, store, sku, rid, registered, rating, composed, campaign, pattern, region
        )
        self.by_day.setdefault(t // 86400, []).append(review)

    def _platform(self, store: int) -> str:
        return self.stores[store].platform or "tmall"

    def plan(self) -> dict[int, list[FakeReview]]:
        rng = self.rng
        for _ in range(self._count(2)):
            self._copies("identical_text", perturbed=False)
        for _ in range(self._count(2)):
            self._copies("near_duplicate", perturbed=True)
        for _ in range(self._count(2)):
            self._burst()
        for _ in range(self._count(3)):
            self._velocity()
        for _ in range(self._count(1)):
            self._attack()
        campaign = self._new_campaign()
        for _ in range(self._count(40, 2)):
            store, sku = rng.choice(self.shops), rng.randrange(len(self.products))
            t = self._start_second(1) + rng.randint(0, 86399)
            if rng.random() < 0.7:
                composed = self._compose(store, sku, [Aspect("product_quality", NEGATIVE)])
                rating = 5
            else:
                composed = self._compose(store, sku, [Aspect("product_quality", POSITIVE)])
                rating = 1
            self._add(
                t,
                store,
                sku,
                reviewer_id(rng, self._platform(store)),
                self._registered(t, rng.random() < 0.5),
                rating,
                composed,
                campaign,
                "rating_text_mismatch",
                rng.choice(PROVINCES),
            )
        campaign = self._new_campaign()
        for _ in range(self._count(80, 2)):
            store, sku = rng.choice(self.shops), rng.randrange(len(self.products))
            t = self._start_second(1) + rng.randint(0, 86399)
            self._add(
                t,
                store,
                sku,
                reviewer_id(rng, self._platform(store)),
                self._registered(t, rng.random() < 0.6),
                5,
                generic_praise(rng),
                campaign,
                "generic_template",
                rng.choice(PROVINCES),
            )
        return self.by_day

    def _copies(self, pattern: str, perturbed: bool) -> None:
        rng = self.rng
        campaign = self._new_campaign()
        store, sku = rng.choice(self.shops), rng.randrange(len(self.products))
        base = self._compose(
            store, sku, [Aspect("product_quality", POSITIVE), Aspect("logistics", POSITIVE)]
        )
        span = rng.randint(3, 6)
        start = self._start_second(span)
        regions = rng.sample(PROVINCES, 2)
        for _ in range(self._size(12, 20)):
            t = start + rng.randint(0, span * 86400 - 1)
            text = perturb(rng, base.text) if perturbed else base.text
            composed = Composed(text, base.sentiment, base.aspects)
            self._add(
                t,
                store,
                sku,
                reviewer_id(rng, self._platform(store)),
                self._registered(t, True),
                5,
                composed,
                campaign,
                pattern,
                rng.choice(regions),
            )

    def _burst(self) -> None:
        rng = self.rng
        campaign = self._new_campaign()
        store, sku = rng.choice(self.shops), rng.randrange(len(self.products))
        start = self._start_second(2) + rng.randint(0, 12 * 3600)
        for _ in range(self._size(25, 40, 4)):
            t = start + rng.randint(0, 36 * 3600)
            composed = (
                generic_praise(rng)
                if rng.random() < 0.6
                else self._compose(store, sku, [Aspect("product_quality", POSITIVE)])
            )
            self._add(
                t,
                store,
                sku,
                reviewer_id(rng, self._platform(store)),
                self._registered(t, rng.random() < 0.7),
                5,
                composed,
                campaign,
                "burst",
                rng.choice(PROVINCES),
            )

    def _velocity(self) -> None:
        rng = self.rng
        campaign = self._new_campaign()
        store = rng.choice(self.shops)
        rid = reviewer_id(rng, self._platform(store))
        start = self._start_second(1) + rng.randint(8 * 3600, 20 * 3600)
        registered = self._registered(start, rng.random() < 0.5)
        for _ in range(self._size(10, 16, 4)):
            t = start + rng.randint(0, 2 * 3600)
            sku = rng.randrange(len(self.products))
            composed = (
                generic_praise(rng)
                if rng.random() < 0.5
                else self._compose(store, sku, [Aspect("product_quality", POSITIVE)])
            )
            self._add(t, store, sku, rid, registered, 5, composed, campaign, "velocity", "广东")

    def _attack(self) -> None:
        rng = self.rng
        campaign = self._new_campaign()
        store, sku = rng.choice(self.shops), rng.randrange(len(self.products))
        span = rng.randint(5, 7)
        start = self._start_second(span)
        for _ in range(self._size(20, 30)):
            t = start + rng.randint(0, span * 86400 - 1)
            aspects = [Aspect("product_quality", NEGATIVE)]
            if rng.random() < 0.4:
                aspects.append(Aspect("service_attitude", NEGATIVE))
            composed = self._compose(store, sku, aspects)
            self._add(
                t,
                store,
                sku,
                reviewer_id(rng, self._platform(store)),
                self._registered(t, True),
                1,
                composed,
                campaign,
                "new_account_attack",
                rng.choice(PROVINCES),
            )
