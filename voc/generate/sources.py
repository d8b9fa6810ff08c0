"""Rows of every landing source, one day at a time.

``DayFactory`` turns the world (customers, orders, stores, actions) into the day's items for
each source: who wrote, about what, how they felt, and the text that says it. Items carry
Python values (datetimes for timestamps); ``run.py`` renders them into files, assigns ids
and plants defects. Cross-source causality lives here: orders trigger reviews and surveys,
tickets trigger surveys and sour the customer's mood, so their later scores drop.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from random import Random

from voc.generate.actions import ExperienceModel, ImprovementAction
from voc.generate.entities import (
    ONLINE_HOUR_CDF,
    PLATFORM_NAMES,
    STATUS_NAMES,
    STORE_HOUR_CDF,
    Customer,
    OrderBook,
    Product,
    Store,
    Window,
    mainland_mobile,
    second_of_day,
)
from voc.generate.fakes import PROVINCES, REVIEWER_PREFIX, FakeReview, reviewer_id
from voc.generate.messiness import PlantedData, Scripts, TextNoise, mobile_tw, script_of
from voc.generate.phrases import NEGATIVE, NEUTRAL, POSITIVE
from voc.generate.styles import APP_REPLIES, ECOMMERCE_DEFAULT_TEXTS
from voc.generate.texts import Aspect, Composed, TextComposer, TextContext, overall_polarity

# Daily volumes per 20,000 customers (feedback not triggered by an order or a ticket).
DAILY_PER_20K = {"app_review": 80.0, "social": 70.0, "support_ticket": 45.0, "store_card": 36.0,
                 "ecommerce_review": 88.0}
P_REVIEW_AFTER_ORDER = 0.40
P_FOLLOWUP = 0.04
P_SURVEY_AFTER_ORDER = 0.50
P_SURVEY_AFTER_TICKET = 0.55

TOPIC_MIX = {
    "app_review": (("app_experience", 0.78), ("process", 0.08), ("logistics", 0.05),
                   ("service_attitude", 0.05), ("other", 0.04)),
    "ecommerce_review": (("product_quality", 0.45), ("logistics", 0.25), ("price", 0.12),
                         ("service_attitude", 0.08), ("process", 0.07), ("other", 0.03)),
    "social": (("product_quality", 0.25), ("service_attitude", 0.15), ("logistics", 0.12),
               ("process", 0.12), ("price", 0.12), ("app_experience", 0.07),
               ("store_environment", 0.09), ("other", 0.08)),
    "dianping": (("store_environment", 0.45), ("service_attitude", 0.35), ("price", 0.1),
                 ("product_quality", 0.1)),
    "support_ticket": (("process", 0.30), ("product_quality", 0.25), ("logistics", 0.18),
                       ("service_attitude", 0.10), ("app_experience", 0.07), ("price", 0.04),
                       ("store_environment", 0.03), ("other", 0.03)),
    "store_card": (("store_environment", 0.40), ("service_attitude", 0.40),
                   ("product_quality", 0.08), ("process", 0.08), ("price", 0.04)),
}
TOUCHPOINT_MIX = {
    "purchase": (("product_quality", 0.40), ("price", 0.25), ("process", 0.20),
                 ("service_attitude", 0.15)),
    "delivery": (("logistics", 0.80), ("product_quality", 0.20)),
    "store": (("service_attitude", 0.55), ("store_environment", 0.30), ("price", 0.15)),
    "app": (("app_experience", 0.80), ("process", 0.20)),
    "support": (("service_attitude", 0.60), ("process", 0.40)),
}
EXTRA_ASPECTS = {"app_review": (0.70, 0.95), "ecommerce_review": (0.45, 0.85),
                 "social": (0.50, 0.85), "support_ticket": (0.70, 1.0), "store_card": (0.70, 1.0),
                 "survey": (0.65, 1.0)}

#: Noise per channel: (html, personal data, look-alikes, url, traditional-script share).
NOISE = {
    "survey": (0.0, 0.01, 0.02, 0.0, 0.04),
    "app_review": (0.05, 0.02, 0.12, 0.01, 0.10),
    "ecommerce_review": (0.04, 0.01, 0.06, 0.01, 0.09),
    "social": (0.02, 0.03, 0.05, 0.08, 0.15),
    "support_ticket": (0.0, 0.35, 0.45, 0.02, 0.04),
    "store_card": (0.0, 0.03, 0.02, 0.0, 0.03),
}

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
PROCESS_CATEGORIES = ("退换货", "退款", "安装预约", "维修")
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
}
CITY_PROVINCE = {"广州": "广东", "深圳": "广东", "东莞": "广东", "佛山": "广东", "杭州": "浙江",
                 "宁波": "浙江", "南京": "江苏", "苏州": "江苏", "无锡": "江苏", "成都": "四川",
                 "武汉": "湖北", "西安": "陕西", "长沙": "湖南", "郑州": "河南", "青岛": "山东",
                 "济南": "山东", "厦门": "福建", "福州": "福建", "沈阳": "辽宁", "大连": "辽宁",
                 "合肥": "安徽", "昆明": "云南", "石家庄": "河北", "台北": "台湾", "台中": "台湾",
                 "高雄": "台湾", "香港": "香港"}
HUB_CITIES = ("上海", "广州", "武汉", "郑州", "杭州", "北京", "成都", "嘉兴", "廊坊")


def poisson(rng: Random, lam: float) -> int:
    """A Poisson draw (Knuth for small means, a rounded normal for large ones)."""
    if lam <= 0:
        return 0
    if lam > 40:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def weighted(rng: Random, options: tuple[tuple[str, float], ...]) -> str:
    roll = rng.random() * sum(w for _, w in options)
    for name, weight in options:
        roll -= weight
        if roll <= 0:
            return name
    return options[-1][0]


@dataclass
class FeedbackTruth:
    """What a feedback item really says (written to ``feedback.csv``)."""

    sentiment: str
    aspects: tuple[Aspect, ...]
    script: str
    has_text: bool
    is_fake: bool = False
    fake_campaign: str | None = None
    fake_pattern: str | None = None
    score: tuple[str, int] | None = None  # survey (type, score), for action tallies


@dataclass
class Item:
    """One row to deliver, before rendering."""

    source: str
    when: datetime
    values: dict
    truth: FeedbackTruth | None = None
    planted: list[PlantedData] = field(default_factory=list)
    store_id: str | None = None
    stream: str = "main"
    protect: bool = False  # never plant a defect in this row
    iso_mode: str | None = None  # JSON timestamp layout for this row, else the file's


@dataclass
class Schedule:
    """Things decided before their day comes: reviews and surveys after orders and tickets."""

    reviews: dict[int, list[tuple[int, bool]]] = field(default_factory=dict)  # (order, followup)
    surveys: dict[int, list[tuple]] = field(default_factory=dict)

    def add_review(self, day: int, order: int, followup: bool) -> None:
        self.reviews.setdefault(day, []).append((order, followup))

    def add_survey(self, day: int, entry: tuple) -> None:
        self.surveys.setdefault(day, []).append(entry)


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


@dataclass
class World:
    """Everything the day factory draws from."""

    window: Window
    stores: list[Store]
    products: list[Product]
    customers: list[Customer]
    orders: OrderBook
    actions: list[ImprovementAction]
    model: ExperienceModel
    composer: TextComposer
    noise: TextNoise
    scripts: Scripts
    fakes: dict[int, list[FakeReview]]
    customer_scale: float  # customers / 20,000


class DayFactory:
    """Builds each day's items for every source."""

    def __init__(self, world: World, rng: Random):
        self.w = world
        self.rng = rng
        self.schedule = Schedule()
        app_launch = next((a.launch_day for a in world.actions if a.topic == "app_experience"),
                          world.window.days // 2)
        self.versions = app_versions(world.window.days, app_launch)
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
        current = self.versions[0][1]
        for release_day, version in self.versions:
            if release_day <= day:
                current = version
        return current

    def _when(self, day: int, cdf: list[float]) -> datetime:
        return self.w.window.at(day * 86400 + second_of_day(self.rng, cdf))

    def _aspects(self, source: str, mix: tuple, day: int, store_id: str | None,
                 mood: float, model_source: str | None = None) -> list[Aspect]:
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

    def _ctx(self, product: Product, store: Store | None, platform: str | None, day: int,
             city: str | None = None) -> TextContext:
        rng = self.rng
        return TextContext(
            product_name=product.name,
            product_category=product.category,
            price=self._price_text(product.price),
            store_name=store.name if store and store.region != "online" else rng.choice(
                ("徐家汇店", "三里屯店", "天河店", "春熙路店", "西湖店")),
            city=city or rng.choice(HUB_CITIES),
            platform_name=PLATFORM_NAMES.get(platform or "", rng.choice(("天猫", "京东", "官方商城"))),
            app_version=rng.choice((f"v{self.version_at(day)}", f"{self.version_at(day)}版本",
                                    self.version_at(day))),
            order_no=f"{self.w.window.day(day):%Y%m%d}{rng.randint(0, 10**12 - 1):012d}",
        )

    def _text(self, source: str, aspects: list[Aspect], ctx: TextContext, day: int, sku: str, *,
              extra: dict | None = None, region: str = "cn", big5: str | None = None,
              force_hant: str | None = None) -> tuple[str, Composed, list[PlantedData], str]:
        """Compose, add noise, convert script; return text, composition, planted data, script."""
        rng, w = self.rng, self.w
        composed = w.composer.compose(rng, source, aspects, ctx, extra)
        html_p, pii_p, look_p, url_p, hant_p = NOISE[source]
        text, planted = w.noise.apply(
            rng, composed.text, html_p=html_p, pii_p=pii_p, look_p=look_p, url_p=url_p,
            when=w.window.day(day), sku=sku, price=ctx.price, version=ctx.app_version,
            region=region, voice="agent" if source == "support_ticket" else "customer",
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
            items.append(Item("order", w.window.at(int(ob.t[i])), {
                "order_id": ob.order_id(i, w.window),
                "customer_id": w.customers[int(ob.cust[i])].customer_id,
                "ordered_at": w.window.at(int(ob.t[i])),
                "amount": f"{cents // 100}.{cents % 100:02d}",
                "status": STATUS_NAMES[int(ob.status[i])],
                "store_id": store.store_id,
                "sku": w.products[int(ob.sku[i])].sku,
                "channel": "online" if store.region == "online" else "store",
            }))
        return items

    # -- support tickets ---------------------------------------------------------------

    def tickets(self, day: int) -> list[Item]:
        rng, w = self.rng, self.w
        weekday = w.window.day(day).weekday()
        lam = DAILY_PER_20K["support_ticket"] * w.customer_scale * (1.2 if weekday == 0 else
                                                                     0.8 if weekday >= 5 else 1.0)
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
            product = w.products[int(ob.sku[order])] if order is not None else rng.choice(w.products)
            store = w.stores[int(ob.store[order])] if order is not None else None
            mood = self._mood(customer, day)
            aspects = self._aspects("support_ticket", TOPIC_MIX["support_ticket"], day,
                                    store.store_id if store else None, mood)
            if aspects[0].topic == "other":
                aspects = [Aspect("other", NEUTRAL)]
            overall = overall_polarity(aspects)
            channel = weighted(rng, (("phone", 0.42), ("online_chat", 0.30), ("app", 0.12),
                                     ("email", 0.08), ("store", 0.06)))
            if rng.random() < 0.005:
                channel = rng.choice(("wechat", "weibo_dm", "400_hotline"))
            ctx = self._ctx(product, store, store.platform if store else None, day,
                            customer.city if customer else None)
            if order is not None:
                ctx = replace(ctx, order_no=ob.order_id(order, w.window))
            text, composed, planted, script = self._text(
                "support_ticket", aspects, ctx, day, product.sku,
                extra={"contact_channel": channel if channel in ("phone", "online_chat", "email",
                                                                 "app", "store") else "phone"},
                region=customer.region if customer else "cn",
            )
            main = composed.aspects[0]
            category = TICKET_CATEGORIES.get((main.topic, None)) or TICKET_CATEGORIES.get(
                (main.topic, main.polarity)) or rng.choice(PROCESS_CATEGORIES)
            values, bad = self._ticket_lifecycle(rng, channel, opened, overall, category, end)
            values.update({
                "ticket_id": None, "contact_channel": channel, "opened_at": opened,
                "category": category, "description": text,
                "customer_id": customer.customer_id if customer else "",
            })
            truth = FeedbackTruth(composed.sentiment, composed.aspects, script, True)
            items.append(Item("support_ticket", opened, values, truth, planted,
                              store.store_id if store else None))
            if customer is not None:
                if bad:
                    customer.penalty = max(0.5 * bad, customer.penalty if
                                           customer.penalty_until >= day else 0.0)
                    customer.penalty_until = day + 30
                if rng.random() < P_SURVEY_AFTER_TICKET:
                    after = values.get("resolved_at") or opened + timedelta(days=3)
                    survey_day = (after - w.window.start_dt).days + rng.randint(1, 3)
                    if survey_day < w.window.days:
                        self.schedule.add_survey(survey_day, ("ticket", customer.idx, bad))
        return items

    @staticmethod
    def _ticket_lifecycle(rng: Random, channel: str, opened: datetime, overall: str,
                          category: str, end: datetime) -> tuple[dict, int]:
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
        contacts = 1 if rng.random() < (0.62 if overall == NEGATIVE else 0.82) else (
            2 if rng.random() < 0.6 else rng.randint(3, 6))
        resolve_hours = math.exp(rng.gauss(math.log(18), 1.0)) * (1 + 0.6 * (contacts - 1))
        resolved = first + timedelta(hours=resolve_hours)
        base_seconds = {"phone": 360, "online_chat": 540, "email": 900, "app": 600,
                        "store": 420}.get(channel, 500)
        handle = int(math.exp(rng.gauss(math.log(base_seconds), 0.5)) * contacts)
        priority = rng.choice(("low", "medium", "medium", "high")) if overall != NEGATIVE else (
            rng.choice(("medium", "high", "high", "urgent")))
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
            values.update(resolved_at=None, status=rng.choice(("open", "pending")),
                          resolution="", csat=None)
            bad += 1
        else:
            satisfied = overall != NEGATIVE and contacts == 1
            csat = None
            if rng.random() < 0.45:
                csat = (rng.choice((4, 5, 5)) if satisfied else
                        rng.choice((1, 2, 2, 3)) if overall == NEGATIVE else rng.choice((3, 4)))
            values.update(resolved_at=resolved, status=rng.choice(("resolved", "resolved",
                                                                    "closed")),
                          resolution=rng.choice(RESOLUTIONS.get(category, ("已处理",))), csat=csat)
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
                    touchpoint = weighted(rng, (("purchase", 0.4), ("delivery", 0.45),
                                                ("app", 0.15)))
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
                kind = weighted(rng, (("ces", 0.35), ("csat", 0.40), ("nps", 0.25)))
            else:
                kind = weighted(rng, (("nps", 0.45), ("csat", 0.40), ("ces", 0.15)))
            store_id = store.store_id if store else None
            aspects = self._aspects("survey", TOUCHPOINT_MIX[touchpoint], day, store_id,
                                    self._mood(customer, day))
            overall = overall_polarity(aspects)
            score: int | None = survey_score(rng, kind, overall)
            answered = rng.random() >= 0.03
            if not answered:
                score = None
            comment_p = {NEGATIVE: 0.7, NEUTRAL: 0.35, POSITIVE: 0.5}[overall] if answered else 0.1
            comment, script, planted = "", "none", []
            truth_aspects: tuple[Aspect, ...] = ()
            sentiment = overall
            language = {"tw": "zh-TW", "hk": "zh-HK"}.get(customer.region, "zh-CN")
            if rng.random() < comment_p:
                ctx = self._ctx(product, store, None, day, customer.city)
                force = {"tw": "s2tw", "hk": "s2hk"}.get(customer.region)
                comment, composed, planted, script = self._text(
                    "survey", aspects, ctx, day, product.sku, region=customer.region,
                    force_hant=force)
                truth_aspects, sentiment = composed.aspects, composed.sentiment
            values = {
                "response_id": None, "customer_id": customer.customer_id, "survey_type": kind,
                "score": score, "submitted_at": when, "touchpoint": touchpoint,
                "comment": comment, "store_id": store_id or "",
                "language": language if rng.random() > 0.1 else "",
            }
            if campaign:
                values["campaign_id"] = (f"CMP{when:%y}Q{(when.month - 1) // 3 + 1}-"
                                         f"{rng.randint(1, 6):02d}" if rng.random() < 0.6 else "")
            truth = FeedbackTruth(sentiment, truth_aspects, script, bool(comment),
                                  score=(kind, score) if score is not None else None)
            items.append(Item("survey", when, values, truth, planted, store_id))
        return items

    # -- app reviews -------------------------------------------------------------------

    def app_reviews(self, day: int) -> list[Item]:
        rng, w = self.rng, self.w
        end = w.window.at(w.window.days * 86400 - 1)
        items = []
        for _ in range(poisson(rng, DAILY_PER_20K["app_review"] * w.customer_scale)):
            when = self._when(day, ONLINE_HOUR_CDF)
            platform = weighted(rng, (("ios", 0.35), ("android", 0.25), ("huawei", 0.22),
                                      ("xiaomi", 0.15), ("other", 0.03)))
            if platform == "other":
                platform = rng.choice(("oppo", "vivo", "honor", "harmonyos"))
            customer = self._random_customer(when, digital=True) if rng.random() < 0.4 else None
            aspects = self._aspects("app_review", TOPIC_MIX["app_review"], day, None,
                                    self._mood(customer, day))
            product = rng.choice(self.w.products)
            ctx = self._ctx(product, None, None, day)
            if rng.random() < 0.01:
                polarity = overall_polarity(aspects)
                text, composed, planted, script = "", Composed("", polarity, ()), [], "none"
            else:
                text, composed, planted, script = self._text(
                    "app_review", aspects, ctx, day, product.sku)
            rating = self._rating(rng, composed.sentiment)
            version = self.version_at(day) if rng.random() < 0.8 else self.version_at(day - 25)
            values: dict = {
                "review_id": None, "platform": platform, "rating": rating, "content": text,
                "created_at": when, "app_version": version,
            }
            if customer is not None:
                values["customer_id"] = customer.customer_id
            values["device_id"] = f"{rng.getrandbits(64):016x}"
            if platform == "ios" and rng.random() < 0.8:
                values["title"] = w.composer.app_title(rng, composed.sentiment)
            if rng.random() < (0.3 if composed.sentiment == NEGATIVE else 0.08):
                replied = when + timedelta(hours=rng.uniform(2, 72))
                if replied <= end:
                    values["reply_content"] = rng.choice(APP_REPLIES)
                    values["replied_at"] = replied
            truth = FeedbackTruth(composed.sentiment, composed.aspects, script, bool(text))
            iso = "z" if platform == "ios" and rng.random() < 0.7 else None
            items.append(Item("app_review", when, values, truth, planted, iso_mode=iso))
        return items

    # -- marketplace reviews -----------------------------------------------------------

    def ecommerce_reviews(self, day: int, sentiment_tag: bool) -> list[Item]:
        rng, w, ob = self.rng, self.w, self.w.orders
        items = []
        linked = self.schedule.reviews.pop(day, [])
        anonymous = poisson(rng, DAILY_PER_20K["ecommerce_review"] * w.customer_scale)
        for n in range(len(linked) + anonymous):
            when = self._when(day, ONLINE_HOUR_CDF)
            values: dict = {"review_id": None}
            if n < len(linked):
                i, followup = linked[n]
                customer = w.customers[int(ob.cust[i])]
                store = w.stores[int(ob.store[i])]
                product = w.products[int(ob.sku[i])]
                platform = store.platform or "tmall"
                rid = f"{REVIEWER_PREFIX[platform]}_{(customer.idx * 2654435761 + 97) % 2**32:08x}"
                registered = min(customer.registered, when - timedelta(days=1))
                region = CITY_PROVINCE.get(customer.city, customer.city)
                mood = self._mood(customer, day)
                order_id = ob.order_id(i, w.window) if rng.random() < 0.9 else None
            else:
                followup = False
                customer = None
                platform = weighted(rng, (("tmall", 0.35), ("jd", 0.30), ("pinduoduo", 0.20),
                                          ("douyin_shop", 0.15)))
                store = w.stores[rng.choice(self.by_platform[platform])]
                product = w.products[min(len(w.products) - 1,
                                         int(rng.random() ** 1.6 * len(w.products)))]
                anon = rng.randrange(self._anon_reviewers)
                rid = f"{REVIEWER_PREFIX[platform]}_{(anon * 40503 + 7919) % 2**32:08x}"
                registered = datetime(2015, 1, 1) + timedelta(seconds=(anon * 7_777_777) % (
                    (w.window.start_dt - datetime(2015, 1, 1)).days * 86400))
                region = rng.choice(PROVINCES)
                mood = 0.0
                order_id = None
            delivered_platform = platform if rng.random() > 0.01 else rng.choice(
                ("kuaishou_shop", "vipshop", "xiaohongshu_shop"))
            aspects = self._aspects("ecommerce_review", TOPIC_MIX["ecommerce_review"], day,
                                    store.store_id, mood)
            ctx = self._ctx(product, store, platform, day)
            if not followup and rng.random() < 0.03:
                text, planted, script = rng.choice(ECOMMERCE_DEFAULT_TEXTS), [], "hans"
                composed = Composed(text, NEUTRAL, (Aspect("other", NEUTRAL),))
                rating = 5
            else:
                text, composed, planted, script = self._text(
                    "ecommerce_review", aspects, ctx, day, product.sku)
                if followup:
                    text = w.composer.followup_prefix(rng) + text
                rating = self._rating(rng, composed.sentiment)
            values.update({
                "platform": delivered_platform, "store_id": store.store_id, "sku": product.sku,
                "reviewer_id": rid, "rating": rating, "content": text, "created_at": when,
            })
            self._ecommerce_optional(values, when, registered, composed.sentiment, region,
                                     order_id, customer, followup, sentiment_tag)
            truth = FeedbackTruth(composed.sentiment, composed.aspects, script, True)
            iso = "ms" if platform == "douyin_shop" else ("z" if rng.random() < 0.03 else None)
            items.append(Item("ecommerce_review", when, values, truth, planted, store.store_id,
                              iso_mode=iso))
        for fake in self.w.fakes.get(day, []):
            items.append(self._fake_item(fake, sentiment_tag))
        return items

    def _ecommerce_optional(self, values: dict, when: datetime, registered: datetime,
                            sentiment: str, region: str, order_id: str | None,
                            customer: Customer | None, followup: bool, sentiment_tag: bool) -> None:
        rng = self.rng
        end = self.w.window.at(self.w.window.days * 86400 - 1)
        if order_id:
            values["order_id"] = order_id
        if customer is not None and rng.random() < 0.6:
            values["customer_id"] = customer.customer_id
        values["reviewer_registered_at"] = registered
        if rng.random() < 0.25:
            values["images"] = [f"https://img.example-cdn.com/review/{rng.getrandbits(40):010x}.jpg"
                                for _ in range(rng.randint(1, 4))]
        values["is_followup"] = followup
        if rng.random() < (0.35 if sentiment == NEGATIVE else 0.12):
            replied = when + timedelta(hours=rng.uniform(1, 48))
            if replied <= end:
                values["reply_content"] = rng.choice((
                    "亲，感谢您的支持，期待您的再次光临~",
                    "非常抱歉给您带来不好的体验，已安排专属客服联系您处理，请保持电话畅通。",
                    "感谢亲的好评，您的满意是我们最大的动力！",
                    "亲，关于您反馈的问题，麻烦联系在线客服提供订单号，我们会尽快处理。",
                ))
                values["replied_at"] = replied
        values["ip_region"] = region
        if sentiment_tag:
            rating = values["rating"]
            values["sentiment_tag"] = "好评" if rating >= 4 else ("中评" if rating == 3 else "差评")

    def _fake_item(self, fake: FakeReview, sentiment_tag: bool) -> Item:
        w = self.w
        store = w.stores[fake.store]
        when = w.window.at(fake.t)
        values: dict = {
            "review_id": None, "platform": store.platform, "store_id": store.store_id,
            "sku": w.products[fake.sku].sku, "reviewer_id": fake.reviewer_id,
            "rating": fake.rating, "content": fake.composed.text, "created_at": when,
            "reviewer_registered_at": fake.reviewer_registered, "is_followup": False,
            "ip_region": fake.ip_region,
        }
        if sentiment_tag:
            values["sentiment_tag"] = "好评" if fake.rating >= 4 else (
                "中评" if fake.rating == 3 else "差评")
        truth = FeedbackTruth(fake.composed.sentiment, fake.composed.aspects, "hans", True,
                              is_fake=True, fake_campaign=fake.campaign_id,
                              fake_pattern=fake.pattern)
        return Item("ecommerce_review", when, values, truth, [], store.store_id, protect=True)

    # -- social ------------------------------------------------------------------------

    def social(self, day: int) -> list[Item]:
        rng, w = self.rng, self.w
        weekday = w.window.day(day).weekday()
        lam = DAILY_PER_20K["social"] * w.customer_scale * (1.25 if weekday >= 5 else 1.0)
        items = []
        for _ in range(poisson(rng, lam)):
            when = self._when(day, ONLINE_HOUR_CDF)
            platform = weighted(rng, (("weibo", 0.30), ("xiaohongshu", 0.25), ("douyin", 0.18),
                                      ("wechat", 0.12), ("dianping", 0.12), ("other", 0.03)))
            store = None
            if platform == "other":
                platform = rng.choice(("bilibili", "zhihu", "kuaishou"))
            if platform == "dianping":
                store = w.stores[rng.choice(self.mainland)]
                mix = TOPIC_MIX["dianping"]
            else:
                mix = TOPIC_MIX["social"]
            aspects = self._aspects("social", mix, day, store.store_id if store else None, 0.0)
            product = rng.choice(w.products)
            ctx = self._ctx(product, store, None, day, store.city if store else None)
            text, composed, planted, script = self._text("social", aspects, ctx, day, product.sku)
            author = rng.randrange(self._authors)
            prefix = {"weibo": "wb", "xiaohongshu": "xhs", "douyin": "dy", "wechat": "wx",
                      "dianping": "dp"}.get(platform, platform[:3])
            followers = int(math.exp(rng.gauss(5.5, 1.8)))
            likes = int(followers * rng.random() * 0.05) + rng.randint(0, 20)
            values: dict = {
                "post_id": None, "platform": platform,
                "author_id": f"{prefix}_{(author * 2246822519 + 13) % 2**32:08x}",
                "content": text, "created_at": when, "author_followers": followers,
                "likes": likes, "reposts": int(likes * rng.random() * 0.3),
                "comments": int(likes * rng.random() * 0.4),
            }
            if self.recent_posts and rng.random() < 0.25:
                values["parent_post_id"] = rng.choice(self.recent_posts)
            truth = FeedbackTruth(composed.sentiment, composed.aspects, script, True)
            items.append(Item("social", when, values, truth, planted,
                              store.store_id if store else None,
                              iso_mode="ms" if platform == "douyin" else None))
        return items

    def remember_posts(self, post_ids: list[str]) -> None:
        """Posts that later comments may answer (kept short: replies are to recent posts)."""
        self.recent_posts = (self.recent_posts + post_ids)[-400:]

    @staticmethod
    def post_url(platform: str, post_id: str) -> str | None:
        base = {"weibo": "https://weibo.com/detail/", "xiaohongshu": "https://www.xiaohongshu.com/explore/",
                "douyin": "https://www.douyin.com/video/", "dianping": "https://www.dianping.com/review/"}
        return base[platform] + post_id.lower() if platform in base else None

    # -- store cards -------------------------------------------------------------------

    def store_cards(self, day: int, forced: tuple[int, int] | None = None) -> list[Item]:
        """Comment cards; ``forced`` = (store index, count) adds cards for one store."""
        rng, w = self.rng, self.w
        weekday = w.window.day(day).weekday()
        lam = DAILY_PER_20K["store_card"] * w.customer_scale * (1.4 if weekday >= 5 else 0.85)
        picks = [rng.choice(self.physical) for _ in range(poisson(rng, lam))]
        if w.window.day(day).day in (1, 15) or day == 0:
            # Taiwan and Hong Kong stores send cards every month (the Big5 exports).
            picks += [rng.choice(self.overseas) for _ in range(2)]
        stream_of: list[str] = ["main"] * len(picks)
        if forced:
            picks += [forced[0]] * forced[1]
            stream_of += ["manual"] * forced[1]
        items = []
        for store_idx, stream in zip(picks, stream_of, strict=True):
            store = w.stores[store_idx]
            when = self._when(day, STORE_HOUR_CDF)
            aspects = self._aspects("store_card", TOPIC_MIX["store_card"], day, store.store_id, 0.0)
            product = rng.choice(w.products)
            ctx = self._ctx(product, store, None, day, store.city)
            big5 = {"tw": "s2tw", "hk": "s2hk"}.get(store.region)
            if big5 and stream == "main":
                stream = "twhk"
            if rng.random() < 0.25:
                comment, script, planted = "", "none", []
                composed = Composed("", overall_polarity(aspects), ())
            else:
                comment, composed, planted, script = self._text(
                    "store_card", aspects, ctx, day, product.sku, region=store.region, big5=big5)
            contact = ""
            if rng.random() < 0.35:
                contact = mobile_tw(rng) if store.region == "tw" else (
                    f"+852 {rng.randint(5000, 9999)} {rng.randint(0, 9999):04d}"
                    if store.region == "hk" else mainland_mobile(rng))
                planted = [*planted, PlantedData("contact_phone", contact, True)]
            values = {"card_id": None, "store_id": store.store_id, "visit_date": when.date(),
                      "rating": self._rating(rng, composed.sentiment), "comment": comment,
                      "contact": contact}
            truth = FeedbackTruth(composed.sentiment, composed.aspects, script, bool(comment))
            items.append(Item("store_card", when, values, truth, planted, store.store_id,
                              stream=stream, protect=stream == "manual"))
        return items


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


def crm_snapshot_dates(window: Window) -> list[date]:
    """The first of each month inside the window, then the day after the window."""
    out = []
    d = date(window.start.year, window.start.month, 1)
    while True:
        d = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
        if d > window.end:
            break
        out.append(d)
    after = window.end + timedelta(days=1)
    if not out or out[-1] != after:
        out.append(after)
    return out
