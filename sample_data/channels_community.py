"""Social posts and in-store comment cards.

Posts are chatty, tagged and sometimes replies to earlier posts; comment cards are short
notes typed in by staff, Big5 for the Taiwan and Hong Kong stores.
"""

from __future__ import annotations

import math

from sample_data.competitors import CompetitorPlan
from sample_data.entities import (
    ONLINE_HOUR_CDF,
    STORE_HOUR_CDF,
    mainland_mobile,
)
from sample_data.factory_base import DAILY_PER_20K, TOPIC_MIX, FactoryBase
from sample_data.items import FeedbackTruth, Item, poisson, weighted
from sample_data.messiness import PlantedData, mobile_tw
from sample_data.texts import Composed, overall_polarity


class CommunityChannels(FactoryBase):
    """``social`` and ``store_card`` rows."""

    #: Planted competitor mentions (``competitors.py``), set by ``run.py``; none when unset.
    competitors: CompetitorPlan | None = None

    # -- social ------------------------------------------------------------------------

    def social(self, day: int) -> list[Item]:
        rng, w = self.rng, self.w
        weekday = w.window.day(day).weekday()
        lam = DAILY_PER_20K["social"] * w.customer_scale * (1.25 if weekday >= 5 else 1.0)
        items = []
        for _ in range(poisson(rng, lam)):
            when = self._when(day, ONLINE_HOUR_CDF)
            platform = weighted(
                rng,
                (
                    ("weibo", 0.30),
                    ("xiaohongshu", 0.25),
                    ("douyin", 0.18),
                    ("wechat", 0.12),
                    ("dianping", 0.12),
                    ("other", 0.03),
                ),
            )
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
            brands: tuple = ()
            if self.competitors is not None:
                text, brands = self.competitors.remark(self, "social", text, script)
            author = rng.randrange(self._authors)
            prefix = {
                "weibo": "wb",
                "xiaohongshu": "xhs",
                "douyin": "dy",
                "wechat": "wx",
                "dianping": "dp",
            }.get(platform, platform[:3])
            followers = int(math.exp(rng.gauss(5.5, 1.8)))
            likes = int(followers * rng.random() * 0.05) + rng.randint(0, 20)
            values: dict = {
                "post_id": None,
                "platform": platform,
                "author_id": f"{prefix}_{(author * 2246822519 + 13) % 2**32:08x}",
                "content": text,
                "created_at": when,
                "author_followers": followers,
                "likes": likes,
                "reposts": int(likes * rng.random() * 0.3),
                "comments": int(likes * rng.random() * 0.4),
            }
            if self.recent_posts and rng.random() < 0.25:
                values["parent_post_id"] = rng.choice(self.recent_posts)
            truth = FeedbackTruth(
                composed.sentiment, composed.aspects, script, True, brand_mentions=brands
            )
            items.append(
                Item(
                    "social",
                    when,
                    values,
                    truth,
                    planted,
                    store.store_id if store else None,
                    iso_mode="ms" if platform == "douyin" else None,
                )
            )
        if self.competitors is not None:
            items.extend(self.competitors.social(self, day))
        return items

    def remember_posts(self, post_ids: list[str]) -> None:
        """Posts that later comments may answer (kept short: replies are to recent posts)."""
        self.recent_posts = (self.recent_posts + post_ids)[-400:]

    @staticmethod
    def post_url(platform: str, post_id: str) -> str | None:
        base = {
            "weibo": "https://weibo.com/detail/",
            "xiaohongshu": "https://www.xiaohongshu.com/explore/",
            "douyin": "https://www.douyin.com/video/",
            "dianping": "https://www.dianping.com/review/",
        }
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
                    "store_card", aspects, ctx, day, product.sku, region=store.region, big5=big5
                )
            contact = ""
            if rng.random() < 0.35:
                contact = (
                    mobile_tw(rng)
                    if store.region == "tw"
                    else (
                        f"+852 {rng.randint(5000, 9999)} {rng.randint(0, 9999):04d}"
                        if store.region == "hk"
                        else mainland_mobile(rng)
                    )
                )
                planted = [*planted, PlantedData("contact_phone", contact, True)]
            values = {
                "card_id": None,
                "store_id": store.store_id,
                "visit_date": when.date(),
                "rating": self._rating(rng, composed.sentiment),
                "comment": comment,
                "contact": contact,
            }
            truth = FeedbackTruth(composed.sentiment, composed.aspects, script, bool(comment))
            items.append(
                Item(
                    "store_card",
                    when,
                    values,
                    truth,
                    planted,
                    store.store_id,
                    stream=stream,
                    protect=stream == "manual",
                )
            )
        return items
