"""Evaluation data and metrics for the sentiment model (used by ``train`` and the tests).

The held-out split is decided by a salted hash of each text, not by row order, so the split is
the same for the training script, the corpus test and anyone re-running them, whatever the file's
order.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from text_analytics.model import SentimentModel
from text_analytics.pipeline import Prepared, prepare, sentiment_logits
from text_analytics.sentiment import label_for, score_from_logit

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS_DIR = PROJECT_ROOT.parent / "shared" / "data" / "sentiment"
CORPUS_FILE = "online_shopping_7_cats.csv"
OUT_OF_DOMAIN_FILE = PROJECT_ROOT / "tests" / "text_analytics" / "data" / "out_of_domain.csv"
SPLIT_SALT = "voc-sentiment-split-1"
HOLDOUT_SHARE = 5  # one text in five is held out


class CorpusMissingError(FileNotFoundError):
    """The labelled corpus is not where it was looked for."""


def corpus_path(corpus_dir: Path | None = None) -> Path:
    """Path of the corpus CSV, raising a readable error when it is absent."""
    directory = Path(corpus_dir) if corpus_dir else DEFAULT_CORPUS_DIR
    path = directory / CORPUS_FILE if directory.suffix != ".csv" else directory
    if not path.is_file():
        raise CorpusMissingError(
            f"labelled sentiment corpus not found at {path} (expected {CORPUS_FILE} in "
            f"shared/data/sentiment next to the project; pass --corpus DIR)"
        )
    return path


def load_corpus(corpus_dir: Path | None = None) -> pd.DataFrame:
    """The labelled reviews: ``category``, ``label`` (1 positive, 0 negative), ``text``."""
    path = corpus_path(corpus_dir)
    df = pd.read_csv(path, dtype={"category": str, "text": str}, keep_default_na=False)
    missing = {"category", "label", "text"} - set(df.columns)
    if missing:
        raise ValueError(f"{path}: missing columns {sorted(missing)}")
    df = df[df["text"].str.strip() != ""].reset_index(drop=True)
    df["label"] = df["label"].astype(int)
    return df


def is_holdout(text: str) -> bool:
    """Whether a corpus text belongs to the held-out split."""
    digest = hashlib.sha1((SPLIT_SALT + text).encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") % HOLDOUT_SHARE == 0


@dataclass(frozen=True)
class LabelledText:
    """One hand-written evaluation text."""

    domain: str
    label: str  # positive / negative / neutral
    text: str


def load_out_of_domain(path: Path = OUT_OF_DOMAIN_FILE) -> list[LabelledText]:
    """The hand-written out-of-domain set (hotel, food delivery, social, service calls ...)."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [LabelledText(r["domain"], r["label"], r["text"]) for r in csv.DictReader(handle)]


def binary_accuracy(
    model: SentimentModel, prepared: Sequence[Prepared], labels: Sequence[int]
) -> float:
    """Share of texts whose logit sign matches the 0/1 label."""
    if not prepared:
        return float("nan")
    hits = sum(
        (model.logits(p.extracted)[0] > 0) == bool(y) for p, y in zip(prepared, labels, strict=True)
    )
    return hits / len(prepared)


def three_class_accuracy(model: SentimentModel, texts: Sequence[LabelledText]) -> float:
    """Accuracy with the neutral band, on positive / negative / neutral labels."""
    hits = 0
    for item in texts:
        logit, _ = sentiment_logits(prepare(item.text), model)
        hits += label_for(score_from_logit(logit), model.neutral_band) == item.label
    return hits / len(texts) if texts else float("nan")


def snownlp_accuracy(texts: Sequence[str], labels: Sequence[int]) -> float | None:
    """SnowNLP's accuracy (score > 0.5 is positive), or ``None`` when it is not installed.

    Benchmark only: SnowNLP is not a dependency of the product.
    """
    try:
        from snownlp import SnowNLP
    except ImportError:
        return None
    if not texts:
        return float("nan")
    hits = sum((SnowNLP(t).sentiments > 0.5) == bool(y) for t, y in zip(texts, labels, strict=True))
    return hits / len(texts)
