"""The day factory's core: volumes, topic mixes, and the helpers every channel uses.

``FactoryBase`` holds the world and the schedule of things decided before their day (reviews
and surveys after orders), draws aspects (topic + polarity) through the experience model,
and turns aspects into noisy, sometimes traditional-script text.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from random import Random

from sample_data.entities import (
    PLATFORM_NAMES,
    STATUS_NAMES,
    Customer,
    Product,
    Store,
    second_of_day,
)
from sample_data.items import Item, Schedule, World, weighted
from sample_data.messiness import PlantedData, script_of
from sample_data.phrases import NEUTRAL, POSITIVE
from sample_data.texts import Aspect, Composed, TextContext

# Daily volumes per 20,000 customers (feedback not triggered by an order or a ticket).
DAILY_PER_20K = {
    "app_review": 80.0,
    "social": 70.0,
    "support_ticket": 45.0,
    "store_card": 36.0,
    "ecommerce_review": 88.0,
}
P_REVIEW_AFTER_ORDER = 0.40
P_FOLLOWUP = 0.04
P_SURVEY_AFTER_ORDER = 0.50
P_SURVEY_AFTER_TICKET = 0.70

TOPIC_MIX = {
    "app_review": (
        ("app_experience", 0.78),
        ("process", 0.08),
        ("logistics", 0.05),
        ("service_attitude", 0.05),
        ("other", 0.04),
    ),
    "ecommerce_review": (
        ("product_quality", 0.45),
        ("logistics", 0.25),
        ("price", 0.12),
        ("service_attitude", 0.08),
        ("process", 0.07),
        ("other", 0.03),
    ),
    "social": (
        ("product_quality", 0.25),
        ("service_attitude", 0.15),
        ("logistics", 0.12),
        ("process", 0.12),
        ("price", 0.12),
        ("app_experience", 0.07),
        ("store_environment", 0.09),
        ("other", 0.08),
    ),
    "dianping": (
        ("store_environment", 0.45),
        ("service_attitude", 0.35),
        ("price", 0.1),
        ("product_quality", 0.1),
    ),
    "support_ticket": (
        ("process", 0.36),
        ("product_quality", 0.22),
        ("logistics", 0.16),
        ("service_attitude", 0.09),
        ("app_experience", 0.07),
        ("price", 0.04),
        ("store_environment", 0.03),
        ("other", 0.03),
    ),
    "store_card": (
        ("store_environment", 0.40),
        ("service_attitude", 0.40),
        ("product_quality", 0.08),
        ("process", 0.08),
        ("price", 0.04),
    ),
}
TOUCHPOINT_MIX = {
    "purchase": (
        ("product_quality", 0.40),
        ("price", 0.25),
        ("process", 0.20),
        ("service_attitude", 0.15),
    ),
    "delivery": (("logistics", 0.80), ("product_quality", 0.20)),
    "store": (("service_attitude", 0.60), ("store_environment", 0.28), ("price", 0.12)),
    "app": (("app_experience", 0.80), ("process", 0.20)),
    "support": (("service_attitude", 0.60), ("process", 0.40)),
}
EXTRA_ASPECTS = {
    "app_review": (0.70, 0.95),
    "ecommerce_review": (0.45, 0.85),
    "social": (0.50, 0.85),
    "support_ticket": (0.70, 1.0),
    "store_card": (0.70, 1.0),
    "survey": (0.65, 1.0),
}

#: Noise per channel: (html, personal data, look-alikes, url, traditional-script share).
NOISE = {
    "survey": (0.0, 0.01, 0.02, 0.0, 0.04),
    "app_review": (0.05, 0.02, 0.12, 0.01, 0.10),
    "ecommerce_review": (0.04, 0.01, 0.06, 0.01, 0.09),
    "social": (0.02, 0.03, 0.05, 0.08, 0.15),
    "support_ticket": (0.0, 0.35, 0.35, 0.02, 0.04),
    "store_card": (0.0, 0.03, 0.02, 0.0, 0.03),
}

HUB_CITIES = ("上海", "广州", "武汉", "郑州", "杭州", "北京", "成都", "嘉兴", "廊坊")


def app_versions(days: int, launch_day: int) -> list[tuple[int, str]]:
    """Release days of the app; version 3.5.0 ships on the app action's launch day."""
    before = ("3.2.1", "3.3.0", "3.3.1", "3.4.0", "3.4.2")
    after = ("3.5.1", "3.6.0", "3.6.1")
    releases = [(-30, "3.2.0")]
    for i, v in enumerate(before, start=1):
        releases.append((launch_day * i // (len(before) + 1), v))
    releases.append((launch_day, "3.5.0"))
    for i, v in enumerate(after, start=1):
        releases.append((launch_day + (days - launch_day) * i // (len(after) + 1), v))
    return releases


class FactoryBase:
    """State and helpers shared by the channel generators."""

    def __init__(self, world: World, rng: Random):
        self.w = world
        self.rng = rng
        self.schedule = Schedule()
        app_launch = next(
            (a.launch_day for a in world.actions if a.topic == "app_experience"),
            world.window.days // 2,
        )
        self.versions = app_versions(world.window.days, app_launch)
        self._version_by_day = [self._version_scan(d) for d in range(world.window.days)]
        self.physical = [i for i, s in enumerate(world.stores) if s.region != "online"]
        self.mainland = [i for i, s in enumerate(world.stores) if s.region == "cn"]
        self.overseas = [i for i, s in enumerate(world.stores) if s.region in ("tw", "hk")]
        self.by_platform: dict[str, list[int]] = {}
        for i, s in enumerate(world.stores):
            if s.platform:
                self.by_platform.setdefault(s.platform, []).append(i)
        self.recent_posts: list[str] = []
        self._anon_reviewers = max(20, int(world.customer_scale * 9000))
        self._authors = max(20, int(world.customer_scale * 8000))
        self._schedule_from_orders()

    # -- helpers -----------------------------------------------------------------------

    @contextmanager
    def drawing_from(self, rng: Random) -> Iterator[None]:
        """Let the helpers (times, texts, ratings) draw from ``rng`` for a while: planted
        extras use streams of their own, so adding one leaves every other draw unchanged."""
        saved = self.rng
        self.rng = rng
        try:
            yield
        finally:
            self.rng = saved

    def _schedule_from_orders(self) -> None:
        rng, orders, days = self.rng, self.w.orders, self.w.window.days
        stores = self.w.stores
        for i in range(len(orders)):
            day = int(orders.t[i]) // 86400
            if orders.status[i] == 2:
                continue
            online = stores[int(orders.store[i])].region == "online"
            if online and orders.status[i] == 0 and rng.random() < P_REVIEW_AFTER_ORDER:
                review_day = day + rng.randint(2, 15)
                if review_day < days:
                    self.schedule.add_review(review_day, i, False)
                if rng.random() < P_FOLLOWUP:
                    later = day + rng.randint(20, 60)
                    if later < days:
                        self.schedule.add_review(later, i, True)
            if rng.random() < P_SURVEY_AFTER_ORDER:
                survey_day = day + rng.randint(1, 7)
                if survey_day < days:
                    self.schedule.add_survey(survey_day, ("order", i))

    def version_at(self, day: int) -> str:
        """The app version current on ``day``."""
        if 0 <= day < len(self._version_by_day):
            return self._version_by_day[day]
        return self._version_scan(day)

    def _version_scan(self, day: int) -> str:
        current = self.versions[0][1]
        for release_day, version in self.versions:
            if release_day <= day:
                current = version
        return current

    def _when(self, day: int, cdf: list[float]) -> datetime:
        return self.w.window.at(day * 86400 + second_of_day(self.rng, cdf))

    def _aspects(
        self,
        source: str,
        mix: tuple,
        day: int,
        store_id: str | None,
        mood: float,
        model_source: str | None = None,
    ) -> list[Aspect]:
        rng = self.rng
        main = weighted(rng, mix)
        topics = [main]
        if main != "other":
            one, two = EXTRA_ASPECTS[source]
            roll = rng.random()
            extra = 0 if roll < one else (1 if roll < two else 2)
            pool = tuple((t, w) for t, w in mix if t != "other")
            for _ in range(extra):
                candidate = weighted(rng, pool)
                if candidate not in topics:
                    topics.append(candidate)
        src = model_source or source
        return [Aspect(t, self.w.model.polarity(rng, src, t, day, store_id, mood)) for t in topics]

    def _price_text(self, price: int) -> str:
        roll = self.rng.random()
        if roll < 0.4:
            return f"¥{price}"
        if roll < 0.7:
            return f"{price}元"
        if roll < 0.85:
            return f"{price}块"
        return f"{price // 100 * 100}多" if price >= 200 else f"{price}块钱"

    def _ctx(
        self,
        product: Product,
        store: Store | None,
        platform: str | None,
        day: int,
        city: str | None = None,
    ) -> TextContext:
        rng = self.rng
        version = self.version_at(day)
        return TextContext(
            product_name=product.name,
            product_category=product.category,
            price=self._price_text(product.price),
            store_name=store.name
            if store and store.region != "online"
            else rng.choice(("徐家汇店", "三里屯店", "天河店", "春熙路店", "西湖店")),
            city=city or rng.choice(HUB_CITIES),
            platform_name=PLATFORM_NAMES.get(
                platform or "", rng.choice(("天猫", "京东", "官方商城"))
            ),
            app_version=rng.choice((f"v{version}", f"{version}版本", version)),
            order_no="",
            day=self.w.window.day(day),
        )

    def _text(
        self,
        source: str,
        aspects: list[Aspect],
        ctx: TextContext,
        day: int,
        sku: str,
        *,
        extra: dict | None = None,
        region: str = "cn",
        big5: str | None = None,
        force_hant: str | None = None,
    ) -> tuple[str, Composed, list[PlantedData], str]:
        """Compose, add noise, convert script; return text, composition, planted data, script."""
        rng, w = self.rng, self.w
        composed = w.composer.compose(rng, source, aspects, ctx, extra)
        html_p, pii_p, look_p, url_p, hant_p = NOISE[source]
        text, planted = w.noise.apply(
            rng,
            composed.text,
            html_p=html_p,
            pii_p=pii_p,
            look_p=look_p,
            url_p=url_p,
            when=w.window.day(day),
            sku=sku,
            price=ctx.price,
            version=ctx.app_version,
            region=region,
            voice="agent" if source == "support_ticket" else "customer",
            prepend_p=0.0 if source == "support_ticket" else 0.25,
        )
        original = text
        converted = False
        if big5:
            text = w.scripts.big5_safe(w.scripts.traditional(text, big5))
            converted = True
        elif force_hant or rng.random() < hant_p:
            variant = force_hant or rng.choice(("s2t", "s2tw", "s2hk"))
            text = w.scripts.traditional(text, variant)
            converted = True
        if converted:
            planted = [p for p in planted if p.value in text]
        return text, composed, planted, script_of(original, text, converted)

    @staticmethod
    def _rating(rng: Random, polarity: str) -> int:
        roll = rng.random()
        if polarity == POSITIVE:
            return 5 if roll < 0.68 else 4
        if polarity == NEUTRAL:
            return 3 if roll < 0.6 else (4 if roll < 0.85 else 2)
        return 1 if roll < 0.55 else (2 if roll < 0.9 else 3)

    @staticmethod
    def _mood(customer: Customer | None, day: int) -> float:
        """Latent mood: a trait, lowered for 30 days after a support case that went badly."""
        if customer is None:
            return 0.0
        return customer.mood - (customer.penalty if day <= customer.penalty_until else 0.0)

    def _random_customer(self, when: datetime, digital: bool = False) -> Customer | None:
        rng, customers = self.rng, self.w.customers
        for _ in range(6):
            c = customers[rng.randrange(len(customers))]
            if c.registered > when or (c.closed_at is not None and c.closed_at <= when):
                continue
            if digital and rng.random() > c.digital:
                continue
            return c
        return None

    # -- orders ------------------------------------------------------------------------

    def orders(self, day: int) -> list[Item]:
        w, ob = self.w, self.w.orders
        items = []
        for i in range(int(ob.day_index[day]), int(ob.day_index[day + 1])):
            store = w.stores[int(ob.store[i])]
            cents = int(ob.amount_cents[i])
            items.append(
                Item(
                    "order",
                    w.window.at(int(ob.t[i])),
                    {
                        "order_id": ob.order_id(i, w.window),
                        "customer_id": w.customers[int(ob.cust[i])].customer_id,
                        "ordered_at": w.window.at(int(ob.t[i])),
                        "amount": f"{cents // 100}.{cents % 100:02d}",
                        "status": STATUS_NAMES[int(ob.status[i])],
                        "store_id": store.store_id,
                        "sku": w.products[int(ob.sku[i])].sku,
                        "channel": "online" if store.region == "online" else "store",
                    },
                )
            )
        return items
