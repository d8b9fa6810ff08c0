"""The full scoring path: one text in, one ``TextAnalysis`` out; batches and DataFrames.

Order of steps, each on the output of the previous one:

1. ``clean_text``: HTML, widths, whitespace (``clean.py``);
2. ``mask_pii``: typed placeholders (``pii.py``), on the original script, where the digits are;
3. ``fold``: script detection and traditional -> simplified (``script.py``);
4. jieba, once (``tokenize.py``); the tokens feed sentiment, topics and keywords;
5. sentiment, topics, keywords, and per batch a vectorised SimHash.

``text_clean`` is the cleaned, masked and *simplified* text, the one every later step saw;
``text_clean_original`` is the same before folding (identical for simplified input).
"""

from __future__ import annotations

import gc
import json
import multiprocessing
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pandas as pd

from text_analytics.clean import clean_text
from text_analytics.features import Extracted, extract
from text_analytics.keywords import extract_keywords
from text_analytics.model import SentimentModel, get_model, model_version, token_table
from text_analytics.pii import mask_pii
from text_analytics.script import Script, fold
from text_analytics.sentiment import (
    SentimentLabel,
    calibrate,
    is_inquiry,
    label_for,
    score_from_logit,
)
from text_analytics.signature import simhash_many
from text_analytics.tokenize import raw_tokens, tokenizer
from text_analytics.topics import OTHER, TopicSentiment, detect_topics, neutral_topic_words

DEFAULT_CHUNK_SIZE = 2000
# Letters, digits or CJK: a text without any (empty, emoji or punctuation only) is neutral.
_CONTENT_RE = re.compile(r"[^\W_]")


@dataclass(slots=True)
class TextAnalysis:
    """Everything the warehouse stores about one feedback text."""

    script: Script
    text_clean: str
    tokens: list[str]
    sentiment_label: SentimentLabel
    sentiment_score: float
    topics: list[TopicSentiment]
    primary_topic: str
    keywords: list[str]
    simhash: int
    text_clean_original: str = ""
    pii_kinds: tuple[str, ...] = ()


@dataclass(slots=True)
class Prepared:
    """A text after cleaning, masking, folding and tokenising (shared with training)."""

    script: Script
    text_clean: str
    text_clean_original: str
    pii_kinds: tuple[str, ...]
    extracted: Extracted
    has_content: bool


def prepare(text: str | None, model: SentimentModel | None = None) -> Prepared:
    """Steps 1-4 of the module docstring plus feature extraction.

    With a ``model`` the features are scored while extracted (fast path); without one the
    feature strings are recorded, as training needs them.
    """
    cleaned = clean_text(text)
    masked, kinds = mask_pii(cleaned)
    script, simplified = fold(masked)
    has_content = _CONTENT_RE.search(simplified) is not None
    tokens = raw_tokens(simplified) if simplified else []
    if model is None:
        extracted = extract(tokens)
    else:
        extracted = extract(tokens, token_table(model, neutral_topic_words()))
    return Prepared(script, simplified, masked, tuple(kinds), extracted, has_content)


def sentiment_logits(p: Prepared, model: SentimentModel) -> tuple[float, list[float]]:
    """Calibrated document and clause logits (0 and [] for a text without content)."""
    if not p.has_content:
        return 0.0, []
    ex = p.extracted
    doc_logit, clause_logits = model.logits(ex, neutral_topic_words())
    inquiry = is_inquiry(p.text_clean, ex.words)
    lexicon_hit = any(ex.clause_pos) or any(ex.clause_neg)
    return calibrate(doc_logit, lexicon_hit, inquiry), [
        calibrate(logit, pos > 0 or neg > 0, inquiry)
        for logit, pos, neg in zip(clause_logits, ex.clause_pos, ex.clause_neg)
    ]


def _analyse_prepared(p: Prepared) -> TextAnalysis:
    model = get_model()
    ex = p.extracted
    band = model.neutral_band
    if p.has_content:
        doc_logit, clause_logits = sentiment_logits(p, model)
        score = round(score_from_logit(doc_logit), 4)
        topics, primary = detect_topics(ex, clause_logits, doc_logit, model.bias, band)
    else:
        score = 0.0
        topics, primary = [TopicSentiment(OTHER, "neutral", 0.0)], OTHER
    return TextAnalysis(
        script=p.script,
        text_clean=p.text_clean,
        tokens=ex.words,
        sentiment_label=label_for(score, band),
        sentiment_score=score,
        topics=topics,
        primary_topic=primary,
        keywords=extract_keywords(ex.words),
        simhash=0,
        text_clean_original=p.text_clean_original,
        pii_kinds=p.pii_kinds,
    )


def _analyse_chunk(texts: list[str | None]) -> list[TextAnalysis]:
    model = get_model()
    # The objects made here hold no reference cycles; pausing the cyclic garbage collector
    # saves it rescanning every result kept so far (about a tenth of the time on big batches).
    paused = gc.isenabled()
    gc.disable()
    try:
        results = [_analyse_prepared(prepare(t, model)) for t in texts]
    finally:
        if paused:
            gc.enable()
    for result, signature in zip(results, simhash_many([r.text_clean for r in results])):
        result.simhash = signature
    return results


def analyse_text(text: str | None) -> TextAnalysis:
    """Analyse one text (``None`` is treated as empty)."""
    return _analyse_chunk([text])[0]


def warm_up() -> None:
    """Load jieba, the model and the IDF table now rather than on the first text."""
    tokenizer()
    get_model()
    analyse_text("预热")


def _chunks(items: list[str | None], size: int) -> Iterator[list[str | None]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def analyse_batch(
    texts: Iterable[str | None], processes: int = 1, chunk_size: int = DEFAULT_CHUNK_SIZE
) -> list[TextAnalysis]:
    """Analyse many texts, in input order.

    With ``processes > 1`` chunks go to a process pool whose workers each load jieba and the
    model once (``jieba.enable_parallel`` is slower on two cores). Small inputs stay in-process.
    """
    items = [t if isinstance(t, str) or t is None else str(t) for t in texts]
    if chunk_size < 1:
        raise ValueError("chunk_size must be >= 1")
    if processes <= 1 or len(items) <= chunk_size:
        results: list[TextAnalysis] = []
        for chunk in _chunks(items, chunk_size):
            results.extend(_analyse_chunk(chunk))
        return results
    with multiprocessing.get_context().Pool(processes, initializer=warm_up) as pool:
        parts = pool.map(_analyse_chunk, list(_chunks(items, chunk_size)), chunksize=1)
    return [r for part in parts for r in part]


def topics_json(topics: list[TopicSentiment]) -> str:
    """Topics as a JSON array of ``{"topic", "label", "score"}`` objects."""
    return json.dumps(
        [{"topic": t.topic, "label": t.label, "score": t.score} for t in topics],
        ensure_ascii=False,
    )


#: Columns added by ``score_frame`` (existing columns of the same name are replaced).
SCORE_COLUMNS = (
    "script",
    "text_clean",
    "tokens",
    "sentiment_label",
    "sentiment_score",
    "topics",
    "primary_topic",
    "keywords",
    "simhash",
    "pii_kinds",
    "model_version",
)


def _as_text(value: object) -> str | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    return value if isinstance(value, str) else str(value)


def score_frame(
    df: pd.DataFrame, text_col: str, processes: int = 1, chunk_size: int = DEFAULT_CHUNK_SIZE
) -> pd.DataFrame:
    """A copy of ``df`` with the analysis columns added.

    ``tokens`` is space-joined (jieba tokens never contain spaces; ready for DuckDB FTS),
    ``topics`` a JSON array of ``{"topic", "label", "score"}``, ``keywords`` and ``pii_kinds``
    JSON arrays, ``simhash`` a signed 64-bit integer, ``model_version`` the version that scored.
    """
    if text_col not in df.columns:
        raise KeyError(f"column {text_col!r} not in frame (columns: {list(df.columns)})")
    rows = analyse_batch(
        [_as_text(v) for v in df[text_col].tolist()], processes=processes, chunk_size=chunk_size
    )
    out = df.copy()
    out["script"] = [r.script for r in rows]
    out["text_clean"] = [r.text_clean for r in rows]
    out["tokens"] = [" ".join(r.tokens) for r in rows]
    out["sentiment_label"] = [r.sentiment_label for r in rows]
    out["sentiment_score"] = pd.Series([r.sentiment_score for r in rows], index=df.index,
                                       dtype="float64")
    out["topics"] = [topics_json(r.topics) for r in rows]
    out["primary_topic"] = [r.primary_topic for r in rows]
    out["keywords"] = [json.dumps(r.keywords, ensure_ascii=False) for r in rows]
    out["simhash"] = pd.Series([r.simhash for r in rows], index=df.index, dtype="int64")
    out["pii_kinds"] = [json.dumps(list(r.pii_kinds)) for r in rows]
    out["model_version"] = model_version()
    return out
