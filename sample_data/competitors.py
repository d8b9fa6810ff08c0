"""Competitor mentions planted for the brand mart (``marts.mart_brand_weekly``) to find.

Two made-up competitors, each with its own strengths and weaknesses:

* 长青 (Changqing, Evergreen): cheap but slow to deliver - positive on ``price``, negative on
  ``logistics``;
* 小麦 (Xiaomai, Wheatfield): a good product but poor service - positive on
  ``product_quality``, negative on ``service_attitude``. Its share of voice rises for one
  calendar month (``SURGE_FACTOR`` times the posts): the month containing the day at
  ``SURGE_AT_SHARE`` of the period (month 4 of the 180-day demo).

Three kinds of planted text:

* ``competitor_only``: social posts about a competitor alone (the post's text, topics and
  sentiment are about the competitor; its truth in ``feedback.csv`` is what the text says);
* ``comparison``: a few of our own social posts and reviews open with a neutral remark naming
  a competitor ("之前一直用长青，"), which changes neither their topics nor their sentiment;
* ``lookalike``: a few of our social posts open with a remark holding a word that contains a
  competitor's name without naming it (小麦粉, 小麦色, 万古长青, 长青藤): they must not count.

The competitor's name is written in simplified script, pinyin or English; texts the channel
turns into traditional script carry the traditional form (長青, 小麥). Every random choice
comes from ``Random(f"{seed}:competitors")``: the channels' own random stream is untouched, and
``run.py`` renders the competitor posts from a stream of their own (no defects) and keeps them
out of the posts later posts reply to, so the other rows come out as in a run without them.
Each planted mention is a row of ``ground_truth/competitor_mentions.csv``; the plan (brands,
surge month) is ``ground_truth/competitor_plan.json``.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from random import Random
from typing import TYPE_CHECKING

from sample_data.entities import ONLINE_HOUR_CDF
from sample_data.items import FeedbackTruth, Item, poisson, weighted
from sample_data.phrases import NEGATIVE, NEUTRAL, POSITIVE
from sample_data.texts import BRAND, Aspect

if TYPE_CHECKING:
    from sample_data.factory_base import FactoryBase


@dataclass(frozen=True)
class Competitor:
    brand: str
    #: How posts write the name (simplified script; traditional comes from the channel).
    written: tuple[tuple[str, float], ...]
    strength: str  # a topic customers praise
    weakness: str  # a topic customers complain about


COMPETITORS = (
    Competitor(
        "长青", (("长青", 0.8), ("Changqing", 0.1), ("Evergreen", 0.1)), "price", "logistics"
    ),
    Competitor(
        "小麦",
        (("小麦", 0.8), ("Xiaomai", 0.1), ("Wheatfield", 0.1)),
        "product_quality",
        "service_attitude",
    ),
)
#: Competitor-only social posts per day and competitor, per 20,000 customers.
DAILY_PER_20K = 3.0
SURGE_BRAND = "小麦"
SURGE_FACTOR = 3.5
SURGE_AT_SHARE = 0.6
#: Share of our own social posts and reviews that name a competitor in passing, and of our
#: social posts that hold a look-alike word.
P_COMPARISON = 0.006
P_LOOKALIKE = 0.006
COMPARISON_OPENERS = (
    "之前一直用{c}，",
    "朋友家用的是{c}，",
    "对比过{c}家的，",
    "去年买的是{c}，今年",
    "在{c}和{brand}之间选了{brand}，",
)
#: On social media a post naming a competitor is about us only if it names us too (the rule
#: of int_feedback_brands.mentions_only_competitors): social remarks name both.
SOCIAL_COMPARISON_OPENERS = (
    "之前一直用{c}，现在换成{brand}了，",
    "朋友用{c}，我选了{brand}，",
    "在{c}和{brand}之间选了{brand}，",
    "{c}和{brand}都看过，最后买了{brand}，",
)
LOOKALIKE_OPENERS = (
    ("小麦", "暑假晒成了小麦色，"),
    ("小麦", "顺手囤了两袋小麦粉，"),
    ("长青", "祝友谊万古长青，"),
    ("长青", "阳台的长青藤又长高了，"),
)
PLATFORMS = (
    ("weibo", 0.35),
    ("xiaohongshu", 0.30),
    ("douyin", 0.20),
    ("wechat", 0.10),
    ("zhihu", 0.05),
)
TRUTH_COLUMNS = ("source", "source_record_id", "brand", "kind", "topic", "polarity", "day")


def surge_days(start: date, days: int) -> tuple[int, int]:
    """First and last day index of the surge month (clipped to the period)."""
    anchor = start + timedelta(days=int(days * SURGE_AT_SHARE))
    first = anchor.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return max(0, (first - start).days), min(days - 1, (following - start).days - 1)


class CompetitorPlan:
    """Draws the competitor posts and remarks; remembers what it planted for the truth."""

    def __init__(self, seed: int, start: date, days: int):
        self.rng = Random(f"{seed}:competitors")
        self.start = start
        self.days = days
        self.surge = surge_days(start, days)

    def _rate(self, brand: str, day: int) -> float:
        surging = brand == SURGE_BRAND and self.surge[0] <= day <= self.surge[1]
        return DAILY_PER_20K * (SURGE_FACTOR if surging else 1.0)

    def _name(self, competitor: Competitor) -> str:
        return weighted(self.rng, competitor.written)

    def social(self, factory: FactoryBase, day: int) -> list[Item]:
        """Posts about one competitor alone: praise for its strength, complaints about its
        weakness, sometimes both in one post."""
        rng, w = self.rng, factory.w
        items = []
        with factory.drawing_from(rng):
            for competitor in COMPETITORS:
                lam = self._rate(competitor.brand, day) * w.customer_scale
                for _ in range(poisson(rng, lam)):
                    good = Aspect(competitor.strength, POSITIVE)
                    bad = Aspect(competitor.weakness, NEGATIVE)
                    aspects = [good, bad] if rng.random() < 0.5 else [bad, good]
                    if rng.random() < 0.5:
                        aspects = aspects[:1]
                    name = self._name(competitor)
                    product = rng.choice(w.products)
                    ctx = factory._ctx(product, None, None, day)
                    extra = {
                        "brand": name,
                        "app": (f"{name}App", "APP", "app", "这个app"),
                        "product": product.name,
                    }
                    text, composed, planted, script = factory._text(
                        "social", aspects, ctx, day, product.sku, extra=extra
                    )
                    if competitor.brand not in _folded(text) and name not in text:
                        # The template named no brand: say whose product it is.
                        text = (
                            rng.choice(("{n}的{p}，", "#{n}# ", "说说{n}：")).format(
                                n=_script_like(factory, name, script), p=product.name
                            )
                            + text
                        )
                    platform = weighted(rng, PLATFORMS)
                    when = factory._when(day, ONLINE_HOUR_CDF)
                    followers = int(2.718 ** rng.gauss(5.5, 1.8))
                    likes = int(followers * rng.random() * 0.05) + rng.randint(0, 20)
                    values: dict = {
                        "post_id": None,
                        "platform": platform,
                        "author_id": f"{platform[:2]}_{rng.getrandbits(32):08x}",
                        "content": text,
                        "created_at": when,
                        "author_followers": followers,
                        "likes": likes,
                        "reposts": int(likes * rng.random() * 0.3),
                        "comments": int(likes * rng.random() * 0.4),
                    }
                    mentions = tuple(
                        (competitor.brand, "competitor_only", a.topic, a.polarity)
                        for a in composed.aspects
                    )
                    truth = FeedbackTruth(
                        composed.sentiment, composed.aspects, script, True, brand_mentions=mentions
                    )
                    items.append(Item("social", when, values, truth, planted, protect=True))
        return items

    def remark(self, factory: FactoryBase, source: str, text: str, script: str):
        """Maybe open one of our own texts with a competitor's name in passing (or, on social
        posts, with a look-alike word). Returns the text and the planted mentions."""
        rng = self.rng
        if not text:
            return text, ()
        roll = rng.random()
        if roll < P_COMPARISON:
            competitor = rng.choice(COMPETITORS)
            name = self._name(competitor)
            openers = SOCIAL_COMPARISON_OPENERS if source == "social" else COMPARISON_OPENERS
            opener = rng.choice(openers).format(c=name, brand=BRAND)
            mention = (competitor.brand, "comparison", "", NEUTRAL)
            return _script_like(factory, opener, script) + text, (mention,)
        if source == "social" and roll < P_COMPARISON + P_LOOKALIKE:
            brand, opener = rng.choice(LOOKALIKE_OPENERS)
            return _script_like(factory, opener, script) + text, ((brand, "lookalike", "", ""),)
        return text, ()


def about_competitors_only(item: Item) -> bool:
    """True for a planted post about a competitor alone (not feedback about us)."""
    truth = item.truth
    return truth is not None and any(m[1] == "competitor_only" for m in truth.brand_mentions)


def _folded(text: str) -> str:
    return text.replace("長", "长").replace("麥", "麦")


def _script_like(factory: FactoryBase, words: str, script: str) -> str:
    """``words`` in the script of the text it joins."""
    if script == "hant":
        return factory.w.scripts.traditional(words, "s2t")
    return words


class CompetitorTruth:
    """Writes ``competitor_mentions.csv`` and ``competitor_plan.json``."""

    def __init__(self, truth_dir: Path, plan: CompetitorPlan):
        truth_dir.mkdir(parents=True, exist_ok=True)
        path = truth_dir / "competitor_mentions.csv"
        self._handle = open(path, "w", encoding="utf-8", newline="")  # noqa: SIM115
        self._writer = csv.writer(self._handle, lineterminator="\n")
        self._writer.writerow(TRUTH_COLUMNS)
        start = plan.start
        payload = {
            "own_brand": BRAND,
            "competitors": [
                {"brand": c.brand, "strength": c.strength, "weakness": c.weakness}
                for c in COMPETITORS
            ],
            "surge_brand": SURGE_BRAND,
            "surge_factor": SURGE_FACTOR,
            "surge_first_day": (start + timedelta(days=plan.surge[0])).isoformat(),
            "surge_last_day": (start + timedelta(days=plan.surge[1])).isoformat(),
        }
        with open(truth_dir / "competitor_plan.json", "w", encoding="utf-8") as handle:
            json.dump(payload, handle, ensure_ascii=False, indent=2, sort_keys=True)
            handle.write("\n")

    def record(self, item: Item, key: str, day_iso: str) -> None:
        truth = item.truth
        if truth is None or not truth.brand_mentions:
            return
        for brand, kind, topic, polarity in truth.brand_mentions:
            self._writer.writerow((item.source, key, brand, kind, topic, polarity, day_iso))

    def close(self) -> None:
        self._handle.close()
