"""From model logits to the published sentiment score and label."""

from __future__ import annotations

import math
from typing import Literal

SentimentLabel = Literal["positive", "neutral", "negative"]


def score_from_logit(logit: float) -> float:
    """Map a logit to -1..1: ``2 * sigmoid(logit) - 1``, i.e. ``tanh(logit / 2)``."""
    return math.tanh(logit / 2.0)


def label_for(score: float, neutral_band: float) -> SentimentLabel:
    """``neutral`` inside ``(-band, band)``: the corpus has no neutral class, so neutrality is
    read off the score, with the band checked on hand-written neutral texts."""
    if score >= neutral_band:
        return "positive"
    if score <= -neutral_band:
        return "negative"
    return "neutral"
