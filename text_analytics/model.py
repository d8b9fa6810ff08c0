"""The sentiment model artefact: loading, versioning and linear scoring with plain Python/numpy.

``resources/sentiment_model.json`` holds a logistic regression over the features of
``text_analytics.features``: one weight per kept unigram/bigram (``NOT_`` prefixed inside negation
scopes), two weights for the lexicon evidence (``log1p`` of the positive and negative sums) and a
bias. A document's bag-of-words part is ``sum(weight * clause_weight) / sqrt(n_features)``, so the
same weights also score one clause (for topic sentiment). The artefact is written by
``python -m text_analytics.train``; scoring needs no scikit-learn or scipy.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from text_analytics._resources import MODEL_FILE, files_digest
from text_analytics.features import Extracted

MODEL_FORMAT = "voc-sentiment-lr/1"
#: Bumped when scoring code changes results without any resource file changing.
PIPELINE_REVISION = 4
DEFAULT_NEUTRAL_BAND = 0.25


class ModelNotFoundError(FileNotFoundError):
    """The model artefact is missing (run ``python -m text_analytics.train``)."""


def dense_values(pos: float, neg: float) -> tuple[float, float]:
    """Lexicon features from the positive and negative evidence sums."""
    return math.log1p(pos), math.log1p(neg)


@dataclass(frozen=True, eq=False)
class SentimentModel:
    """Weights of the linear sentiment model plus the neutral band of its score."""

    bias: float
    weights: dict[str, float]
    lex_pos: float
    lex_neg: float
    neutral_band: float = DEFAULT_NEUTRAL_BAND
    meta: dict[str, Any] = field(default_factory=dict)

    def logits(
        self, ex: Extracted, clause_exclude: frozenset[str] = frozenset()
    ) -> tuple[float, list[float]]:
        """Document logit and one logit per clause (each clause scored on its own).

        Features in ``clause_exclude`` do not count in the clause logits (the document logit
        always uses every feature): topic nouns such as 客服 carry a negative prior in a corpus
        where they are mostly mentioned to complain, which would bias the topic's sentiment.
        """
        n_clauses = ex.n_clauses
        if n_clauses == 0:
            return self.bias, []
        if ex.feats or not ex.clause_sum:
            sums, skipped, counts = self._clause_sums(ex, clause_exclude)
        else:  # extracted in scoring mode with these weights: sums are already there
            sums, skipped, counts = ex.clause_sum, ex.clause_skip, ex.clause_count
        log1p = math.log1p
        bias, w_pos, w_neg = self.bias, self.lex_pos, self.lex_neg
        doc_bow = pos = neg = 0.0
        clauses = []
        for s, x, k, c, p, n in zip(
            sums, skipped, counts, ex.clause_weight, ex.clause_pos, ex.clause_neg, strict=True
        ):
            doc_bow += s * c
            pos += p * c
            neg += n * c
            bow = (s - x) / math.sqrt(k) if k else 0.0
            clauses.append(bias + bow + w_pos * log1p(p) + w_neg * log1p(n))
        doc_bow = doc_bow / math.sqrt(ex.n_feats) if ex.n_feats else 0.0
        doc = bias + doc_bow + w_pos * log1p(pos) + w_neg * log1p(neg)
        return doc, clauses

    def _clause_sums(
        self, ex: Extracted, clause_exclude: frozenset[str]
    ) -> tuple[list[float], list[float], list[int]]:
        """Per-clause weight sums from recorded feature strings (training-mode extraction)."""
        get = self.weights.get
        sums = [0.0] * ex.n_clauses
        skipped = [0.0] * ex.n_clauses
        counts = [0] * ex.n_clauses
        for feat, clause in zip(ex.feats, ex.feat_clause, strict=True):
            w = get(feat)
            counts[clause] += 1
            if w is not None:
                sums[clause] += w
                if feat in clause_exclude:
                    skipped[clause] += w
        return sums, skipped, counts

    def to_json(self) -> dict[str, Any]:
        return {
            "format": MODEL_FORMAT,
            "bias": round(self.bias, 6),
            "lex_pos": round(self.lex_pos, 6),
            "lex_neg": round(self.lex_neg, 6),
            "neutral_band": self.neutral_band,
            "meta": self.meta,
            "weights": {k: round(v, 4) for k, v in sorted(self.weights.items())},
        }

    def save(self, path: Path = MODEL_FILE) -> None:
        path.write_text(
            json.dumps(self.to_json(), ensure_ascii=False, separators=(",", ":")) + "\n",
            encoding="utf-8",
        )

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> SentimentModel:
        if not path.exists():
            raise ModelNotFoundError(
                f"sentiment model artefact {path} is missing: run `python -m text_analytics.train`"
            )
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != MODEL_FORMAT:
            raise ValueError(f"{path}: unsupported model format {data.get('format')!r}")
        return cls(
            bias=float(data["bias"]),
            weights={k: float(v) for k, v in data["weights"].items()},
            lex_pos=float(data["lex_pos"]),
            lex_neg=float(data["lex_neg"]),
            neutral_band=float(data.get("neutral_band", DEFAULT_NEUTRAL_BAND)),
            meta=data.get("meta", {}),
        )


@lru_cache(maxsize=1)
def shipped_model() -> SentimentModel:
    """The committed model, loaded once per process."""
    return SentimentModel.load()


def shipped_version() -> str:
    """``ta<revision>-<sha256[:12]>`` of the artefact and every lexicon that affects scoring.

    Any retraining or lexicon edit changes it, which is what downstream rescoring keys on.
    """
    return f"ta{PIPELINE_REVISION}-{files_digest()[:12]}"


@dataclass(frozen=True, eq=False)
class VersionedModel:
    """A model with the version stored beside every score it gives: the shipped model, or one
    adapted to a warehouse's own domain (``text_analytics.adapt``)."""

    model: SentimentModel
    version: str


#: The model this process scores with; None: the shipped one. Set by ``use_model``.
_active: VersionedModel | None = None


def use_model(versioned: VersionedModel | None) -> None:
    """Score with ``versioned`` in this process from now on (None: the shipped model again).

    Worker pools pass it on to their workers (``pipeline.worker_pool``)."""
    global _active
    _active = versioned


@contextmanager
def scoring_with(versioned: VersionedModel | None) -> Iterator[None]:
    """Score with ``versioned`` inside the block (None: the shipped model), then go back to the
    model used before."""
    previous = _active
    use_model(versioned)
    try:
        yield
    finally:
        use_model(previous)


def active_model() -> VersionedModel:
    """The model and version this process scores with."""
    return _active if _active is not None else VersionedModel(shipped_model(), shipped_version())


def get_model() -> SentimentModel:
    """The model this process scores with (the shipped one unless ``use_model`` chose another)."""
    return _active.model if _active is not None else shipped_model()


def model_version() -> str:
    """Version of the model this process scores with (see ``shipped_version``)."""
    return _active.version if _active is not None else shipped_version()
