"""Chinese feedback text analytics, usable without Dagster.

    from text_analytics import analyse_text, analyse_batch, score_frame, MODEL_VERSION

Per text: script detection and traditional -> simplified folding, cleaning, personal-data
masking, jieba tokens, sentiment (label and score), topics with per-topic sentiment, keywords and
a SimHash near-duplicate signature. ``MODEL_VERSION`` (the shipped model's) changes whenever the
model artefact or a lexicon changes; store it with the scores to know what to rescore. A
warehouse may score with a model adapted to its own domain instead (``text_analytics.adapt``).
"""

from text_analytics.model import shipped_version
from text_analytics.pipeline import (
    TextAnalysis,
    analyse_batch,
    analyse_text,
    score_frame,
    warm_up,
)
from text_analytics.signature import hamming_distance, simhash
from text_analytics.topics import TopicSentiment

MODEL_VERSION: str = shipped_version()

__all__ = [
    "MODEL_VERSION",
    "TextAnalysis",
    "TopicSentiment",
    "analyse_batch",
    "analyse_text",
    "hamming_distance",
    "score_frame",
    "simhash",
    "warm_up",
]
