"""Shared vocabulary of the per-source generators: items, truth, schedules, the world.

An ``Item`` is one row before rendering: Python values (datetimes for timestamps) plus the
ground truth about its text. ``run.py`` renders items into files.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from random import Random

from sample_data.actions import ExperienceModel, ImprovementAction
from sample_data.entities import (
    Customer,
    OrderBook,
    Product,
    Store,
    Window,
)
from sample_data.fakes import FakeReview
from sample_data.messiness import PlantedData, Scripts, TextNoise
from sample_data.texts import Aspect, TextComposer


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
    #: Brands planted in the text (``competitors.py``): (brand, kind, topic, polarity).
    brand_mentions: tuple[tuple[str, str, str, str], ...] = ()


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
