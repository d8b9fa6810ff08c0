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


#: Words that make a text a question or an inquiry ("请问什么时候发货").
INQUIRY_WORDS = frozenset(
    {
        "请问",
        "咨询",
        "询问",
        "想问",
        "问一下",
        "问下",
        "如何",
        "怎么",
        "怎样",
        "能否",
        "能不能",
        "可不可以",
        "是否",
        "有没有",
        "几点",
        "多久",
        "什么时候",
        "吗",
        "哪里",
        "区别",
        "查一下",
    }
)
#: A text (or clause) without any lexicon word has its logit damped (times 0.4): the corpus
#: model reads sentiment into neutral statements ("我昨天下的单"), and polar texts nearly always
#: contain an opinion word. An inquiry without one is damped further. Signs never change, only
#: how far from the neutral band a score lands. Changing these needs
#: ``model.PIPELINE_REVISION`` bumped.
NO_LEXICON_DAMPING = 0.4
INQUIRY_DAMPING = 0.25


def is_inquiry(text: str, words: list[str]) -> bool:
    """Whether a text asks something (question mark or an inquiry word)."""
    return "?" in text or "？" in text or not INQUIRY_WORDS.isdisjoint(words)


def calibrate(logit: float, has_lexicon: bool, inquiry: bool) -> float:
    """Damp the logit of texts without opinion words (see ``NO_LEXICON_DAMPING``)."""
    if has_lexicon:
        return logit
    return logit * (NO_LEXICON_DAMPING * INQUIRY_DAMPING if inquiry else NO_LEXICON_DAMPING)
