"""App-store and marketplace reviews, genuine and fake.

Marketplace reviews come from customers' online orders (with order and customer ids) and
from anonymous marketplace buyers; the planned fake reviews (``fakes.py``) are mixed in.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sample_data.competitors import CompetitorPlan
from sample_data.entities import (
    ONLINE_HOUR_CDF,
    Customer,
)
from sample_data.factory_base import DAILY_PER_20K, TOPIC_MIX, FactoryBase
from sample_data.fakes import PROVINCES, REVIEWER_PREFIX, FakeReview
from sample_data.items import FeedbackTruth, Item, poisson, weighted
from sample_data.phrases import NEGATIVE, NEUTRAL
from sample_data.spikes import SpikePlan
from sample_data.styles import APP_REPLIES, ECOMMERCE_DEFAULT_TEXTS
from sample_data.texts import Aspect, Composed, overall_polarity

CITY_PROVINCE = {
    "广州": "广东",
    "深圳": "广东",
    "东莞": "广东",
    "佛山": "广东",
    "杭州": "浙江",
    "宁波": "浙江",
    "南京": "江苏",
    "苏州": "江苏",
    "无锡": "江苏",
    "成都": "四川",
    "武汉": "湖北",
    "西安": "陕西",
    "长沙": "湖南",
    "郑州": "河南",
    "青岛": "山东",
    "济南": "山东",
    "厦门": "福建",
    "福州": "福建",
    "沈阳": "辽宁",
    "大连": "辽宁",
    "合肥": "安徽",
    "昆明": "云南",
    "石家庄": "河北",
    "台北": "台湾",
    "台中": "台湾",
    "高雄": "台湾",
    "香港": "香港",
}


class ReviewChannels(FactoryBase):
    """``app_review`` and ``ecommerce_review`` rows."""

    #: Planted negative spikes (``spikes.py``), set by ``run.py``; none when unset.
    spikes: SpikePlan | None = None
    #: Planted competitor mentions (``competitors.py``), set by ``run.py``; none when unset.
    competitors: CompetitorPlan | None = None

    # -- app reviews -------------------------------------------------------------------

    def app_reviews(self, day: int) -> list[Item]:
        rng, w = self.rng, self.w
        end = w.window.at(w.window.days * 86400 - 1)
        items = []
        for _ in range(poisson(rng, DAILY_PER_20K["app_review"] * w.customer_scale)):
            when = self._when(day, ONLINE_HOUR_CDF)
            platform = weighted(
                rng,
                (
                    ("ios", 0.35),
                    ("android", 0.25),
                    ("huawei", 0.22),
                    ("xiaomi", 0.15),
                    ("other", 0.03),
                ),
            )
            if platform == "other":
                platform = rng.choice(("oppo", "vivo", "honor", "harmonyos"))
            customer = self._random_customer(when, digital=True) if rng.random() < 0.4 else None
            aspects = self._aspects(
                "app_review", TOPIC_MIX["app_review"], day, None, self._mood(customer, day)
            )
            product = rng.choice(self.w.products)
            ctx = self._ctx(product, None, None, day)
            if rng.random() < 0.01:
                polarity = overall_polarity(aspects)
                text, composed, planted, script = "", Composed("", polarity, ()), [], "none"
            else:
                text, composed, planted, script = self._text(
                    "app_review", aspects, ctx, day, product.sku
                )
            brands: tuple = ()
            if self.competitors is not None:
                text, brands = self.competitors.remark(self, "app_review", text, script)
            rating = self._rating(rng, composed.sentiment)
            version = self.version_at(day) if rng.random() < 0.8 else self.version_at(day - 25)
            values: dict = {
                "review_id": None,
                "platform": platform,
                "rating": rating,
                "content": text,
                "created_at": when,
                "app_version": version,
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
            truth = FeedbackTruth(
                composed.sentiment, composed.aspects, script, bool(text), brand_mentions=brands
            )
            # App Store data comes in UTC; one Android store sends naive local times.
            iso = None
            if platform == "ios" and rng.random() < 0.7:
                iso = "z"
            elif platform == "xiaomi" and rng.random() < 0.3:
                iso = "naive"
            items.append(Item("app_review", when, values, truth, planted, iso_mode=iso))
        if self.spikes is not None:
            items.extend(self.spikes.app_reviews(self, day))
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
                platform = weighted(
                    rng, (("tmall", 0.35), ("jd", 0.30), ("pinduoduo", 0.20), ("douyin_shop", 0.15))
                )
                store = w.stores[rng.choice(self.by_platform[platform])]
                product = w.products[
                    min(len(w.products) - 1, int(rng.random() ** 1.6 * len(w.products)))
                ]
                anon = rng.randrange(self._anon_reviewers)
                rid = f"{REVIEWER_PREFIX[platform]}_{(anon * 40503 + 7919) % 2**32:08x}"
                registered = datetime(2015, 1, 1) + timedelta(
                    seconds=(anon * 7_777_777)
                    % ((w.window.start_dt - datetime(2015, 1, 1)).days * 86400)
                )
                region = rng.choice(PROVINCES)
                mood = 0.0
                order_id = None
            delivered_platform = (
                platform
                if rng.random() > 0.01
                else rng.choice(("kuaishou_shop", "vipshop", "xiaohongshu_shop"))
            )
            aspects = self._aspects(
                "ecommerce_review", TOPIC_MIX["ecommerce_review"], day, store.store_id, mood
            )
            ctx = self._ctx(product, store, platform, day)
            brands: tuple = ()
            if not followup and rng.random() < 0.03:
                text, planted, script = rng.choice(ECOMMERCE_DEFAULT_TEXTS), [], "hans"
                composed = Composed(text, NEUTRAL, (Aspect("other", NEUTRAL),))
                rating = 5
            else:
                text, composed, planted, script = self._text(
                    "ecommerce_review", aspects, ctx, day, product.sku
                )
                if self.competitors is not None:
                    text, brands = self.competitors.remark(self, "ecommerce_review", text, script)
                if followup:
                    text = w.composer.followup_prefix(rng) + text
                rating = self._rating(rng, composed.sentiment)
            values.update(
                {
                    "platform": delivered_platform,
                    "store_id": store.store_id,
                    "sku": product.sku,
                    "reviewer_id": rid,
                    "rating": rating,
                    "content": text,
                    "created_at": when,
                }
            )
            self._ecommerce_optional(
                values,
                when,
                registered,
                composed.sentiment,
                region,
                order_id,
                customer,
                followup,
                sentiment_tag,
            )
            truth = FeedbackTruth(
                composed.sentiment, composed.aspects, script, True, brand_mentions=brands
            )
            iso = "ms" if platform == "douyin_shop" else ("z" if rng.random() < 0.03 else None)
            items.append(
                Item("ecommerce_review", when, values, truth, planted, store.store_id, iso_mode=iso)
            )
        for fake in self.w.fakes.get(day, []):
            items.append(self._fake_item(fake, sentiment_tag))
        if self.spikes is not None:
            items.extend(self.spikes.ecommerce_reviews(self, day, sentiment_tag))
        return items

    def _ecommerce_optional(
        self,
        values: dict,
        when: datetime,
        registered: datetime,
        sentiment: str,
        region: str,
        order_id: str | None,
        customer: Customer | None,
        followup: bool,
        sentiment_tag: bool,
    ) -> None:
        rng = self.rng
        end = self.w.window.at(self.w.window.days * 86400 - 1)
        if order_id:
            values["order_id"] = order_id
        if customer is not None and rng.random() < 0.6:
            values["customer_id"] = customer.customer_id
        values["reviewer_registered_at"] = registered
        if rng.random() < 0.25:
            values["images"] = [
                f"https://img.example-cdn.com/review/{rng.getrandbits(40):010x}.jpg"
                for _ in range(rng.randint(1, 4))
            ]
        values["is_followup"] = followup
        if rng.random() < (0.35 if sentiment == NEGATIVE else 0.12):
            replied = when + timedelta(hours=rng.uniform(1, 48))
            if replied <= end:
                values["reply_content"] = rng.choice(
                    (
                        "亲，感谢您的支持，期待您的再次光临~",
                        "非常抱歉给您带来不好的体验，已安排专属客服联系您处理，请保持电话畅通。",
                        "感谢亲的好评，您的满意是我们最大的动力！",
                        "亲，关于您反馈的问题，麻烦联系在线客服提供订单号，我们会尽快处理。",
                    )
                )
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
            "review_id": None,
            "platform": store.platform,
            "store_id": store.store_id,
            "sku": w.products[fake.sku].sku,
            "reviewer_id": fake.reviewer_id,
            "rating": fake.rating,
            "content": fake.composed.text,
            "created_at": when,
            "reviewer_registered_at": fake.reviewer_registered,
            "is_followup": False,
            "ip_region": fake.ip_region,
        }
        if sentiment_tag:
            values["sentiment_tag"] = (
                "好评" if fake.rating >= 4 else ("中评" if fake.rating == 3 else "差评")
            )
        truth = FeedbackTruth(
            fake.composed.sentiment,
            fake.composed.aspects,
            "hans",
            True,
            is_fake=True,
            fake_campaign=fake.campaign_id,
            fake_pattern=fake.pattern,
        )
        return Item("ecommerce_review", when, values, truth, [], store.store_id, protect=True)
