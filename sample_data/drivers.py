"""Planted key drivers: how much each topic a respondent complains about costs their score.

A survey answer's score comes from a latent satisfaction on the 0-10 scale: a base drawn
for the respondent (independent of what they write) plus, for each topic their comment
mentions negatively, that topic's planted effect. NPS is the latent rounded into 0..10,
CSAT the latent halved and rounded into 1..5. Answers without a comment carry no topic
effect: driver analysis can only see what is written, so the effect is planted on that.

The effects differ in size on purpose (logistics costs the most, price little, the store
environment nothing) and ``process`` is a look-alike: as common in comments as the real
drivers and negative as often, with no effect. A test that recovers the ranking must also
find the two null topics not significant.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path
from random import Random

from sample_data.phrases import NEGATIVE
from sample_data.texts import Aspect

#: NPS points a negative mention of the topic costs (0-10 scale). Topics not listed: 0.
NPS_EFFECTS: dict[str, float] = {
    "logistics": -2.5,
    "product_quality": -1.5,
    "service_attitude": -1.0,
    "app_experience": -0.8,
    "price": -0.3,
    "store_environment": 0.0,
    "process": 0.0,
}
#: The respondent's base satisfaction before any complaint: normal, clipped to the scale.
BASE_MEAN = 8.3
BASE_SD = 1.4
#: Latent shift of a respondent surveyed after a callback, per unit of the callback's mood
#: shift (``followups.py``): a callback that went well lifts the score.
CALLBACK_WEIGHT = 1.5

EFFECT_COLUMNS = ("topic", "nps_effect", "csat_effect")


def base_satisfaction(rng: Random, shift: float = 0.0) -> float:
    """A respondent's latent satisfaction (0-10) before topic effects."""
    return rng.gauss(BASE_MEAN, BASE_SD) + CALLBACK_WEIGHT * shift


def topic_effect(aspects: Iterable[Aspect]) -> float:
    """The summed planted effect of the topics mentioned negatively (each topic once)."""
    negative = {a.topic for a in aspects if a.polarity == NEGATIVE}
    return sum(NPS_EFFECTS.get(topic, 0.0) for topic in negative)


def nps_score(latent: float) -> int:
    return min(10, max(0, round(latent)))


def csat_score(latent: float) -> int:
    """1-5 from the 0-10 latent: half of it, rounded half up, clipped."""
    return min(5, max(1, int(latent / 2 + 0.5)))


def score_class(kind: str, score: int) -> str | None:
    """``positive``/``negative`` where the score says so plainly (promoter, detractor;
    CSAT 4-5, 1-2); ``None`` for the middle."""
    if kind == "nps":
        return "positive" if score >= 9 else ("negative" if score <= 6 else None)
    return "positive" if score >= 4 else ("negative" if score <= 2 else None)


def write_effects(path: Path) -> None:
    """``key_driver_effects.csv``: the planted effect of each topic on NPS and CSAT."""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(EFFECT_COLUMNS)
        for topic, effect in NPS_EFFECTS.items():
            writer.writerow((topic, effect, effect / 2))
