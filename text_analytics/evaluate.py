"""Evaluation data and metrics for the sentiment model (used by ``train`` and the tests), and
the leave-one-corpus-out evaluation:

    python -m text_analytics.evaluate [--corpus DIR] [--json PATH] [--train-cap N] [--test-cap N]

For each corpus with document labels, train on the other corpora (domain-balanced) and
test on it: accuracy of this model, of a plain jieba + TF-IDF (1-2-grams) + logistic regression
baseline fitted on the same split, and of SnowNLP (when installed), with their averages; the same
on an OpenCC s2t conversion of a sample of each test corpus; and on the car forum posts, per
(post, aspect), 3-class accuracy and neutral recall with the model's neutral band. Prints the
table and writes it as JSON (default ``resources/evaluation_loco.json``). Each test set is split
by a salted hash into a ``tune`` half (looked at while choosing features and settings) and a
``report`` half (not looked at while choosing), both reported.

The held-out split is decided by a salted hash of each text, not by row order, so the split is
the same for the training script, the corpus test and anyone re-running them, whatever the file's
order.
"""

from __future__ import annotations

import csv
import hashlib
import itertools
import json
import re
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from text_analytics.features import Extracted
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


# --------------------------------------------------------------------------------------------
# Leave-one-corpus-out evaluation: ``python -m text_analytics.evaluate``
# --------------------------------------------------------------------------------------------

LOCO_FILE = PROJECT_ROOT / "text_analytics" / "resources" / "evaluation_loco.json"
#: The labelled corpora of ``shared/data/sentiment`` (README there): three with document labels
#: 1/0 and the car forum posts with one (post, aspect, -1/0/1) row per aspect.
BINARY_CORPORA = {
    "online_shopping": "online_shopping_7_cats.csv",
    "douban_books": "douban_book_reviews.csv",
    "nlpcc14_products": "nlpcc14_product_reviews.csv",
}
CAR_CORPUS = ("car_forum", "car_forum_aspects.csv")
#: Test texts of every corpus are split by a salted hash into a tuning half (looked at while
#: choosing features and settings) and a report half (never looked at while choosing).
TUNE_SALT = "voc-sentiment-tune-1"
SAMPLE_SALT = "voc-sentiment-sample-1"
#: Car-forum aspects, each with the words that name it in a post (for the per-aspect score).
ASPECT_WORDS = {
    "动力": "动力 加速 发动机 马力 扭矩 提速 起步 涡轮 变速箱 换挡 顿挫 机油 推背 爬坡 超车",
    "价格": "价格 价钱 优惠 便宜 贵 落地 报价 性价比 降价 钱 万 值 划算 保值",
    "油耗": "油耗 省油 费油 耗油 个油 百公里 油",
    "操控": "操控 方向盘 转向 底盘 悬挂 刹车 方向 过弯 指向 路感 操作 手感",
    "舒适性": "舒适 噪音 隔音 异响 座椅 颠簸 胎噪 风噪 静音 抖 减震 空调 坐 噪",
    "配置": "配置 导航 天窗 倒车 雷达 影像 大灯 氙气 版本 顶配 低配 中配 屏 功能 自动",
    "安全性": "安全 气囊 碰撞 刹车 esp 车身 钢板 防撞 主动",
    "内饰": "内饰 做工 用料 材质 中控 异味 味道 塑料 面板 仪表",
    "外观": "外观 颜值 造型 前脸 车身 漂亮 好看 帅 颜色 尾灯 样子 车型",
    "空间": "空间 后排 后备箱 储物 宽敞 头部 腿部 座位 拥挤 大 小",
}


#: Texts per corpus (deterministic sample) for training and for testing by default: the full
#: corpora take about 10 minutes per run on a two-core machine, this about a third of that.
DEFAULT_CAP = 12_000
#: What was looked at while choosing (written into the table).
TUNING_RECORD = (
    "Round 1 (train cap 10,000), looking only at the 'tune' half of each test set: the "
    "added general opinion words in polarity.txt (+0.4 points; 退货 removed afterwards: a "
    "topic word that broke the service cases), per-domain NB scaling "
    "(rejected, -0.6), L2 3e-5 and 1e-4 (rejected, both lower), a lower lexicon penalty (no "
    "change). Seen once before tuning started: the 'all' figure of the online_shopping fold "
    "with the starting model. EMOJI_WEIGHT 2 -> 3 was set to keep the hand-written emoji "
    "cases right, not on any corpus figure. Neutral band unchanged (0.25). "
    "Round 2 (train and test cap 12,000, as committed), the mean of the three binary folds' "
    "'tune' halves, starting at 0.7927: corpus weight by size ** 0.5 (0.7943, kept: "
    "DOMAIN_WEIGHT_POWER) and size ** 1 (0.7931); rejected with 0.7879-0.7945: L2 3e-6, a "
    "higher L2 for features seen in fewer training corpora (power 1 and 2), bigram L2 x3, "
    "min_df 3, NB alpha 0.5 and 2, first or last clause weight 1.5, 让/令/使/我/人 as negation "
    "fillers, character bigrams of tokens of 2+ or 3+ characters, mood punctuation features "
    "(?, ellipsis, !!, ~), pre-contrast weight 0.2, negation scope 2 and 4. Also looked at: "
    "40 wrong 'tune' texts each of douban_books and nlpcc14_products, their accuracy by "
    "threshold and by text length, and their share of near-zero logits. The punctuation "
    "idea came from label rates of texts with ?, ellipsis, !! or ~ counted over the whole "
    "capped corpora (both halves); it was rejected. Set to fix the hand-written service "
    "cases of the 4-corpus model, not on any corpus figure (tune mean 0.7939 with them, "
    "0.7934 without; lexicon-word factor 100: 0.7928, lexicon penalty 0.01: 0.7939, "
    "neither kept): the negated-negative rewrite also covering the fillers after the "
    "negator and intensifiers before a fused 不慢/不卡, and lexicon-word and degree-adverb "
    "unigrams penalised 10x (train.LEXICON_WORD_L2_FACTOR, DEGREE_L2_FACTOR). Not looked at "
    "while choosing: every 'report' half figure, SnowNLP, the traditional-script figures, "
    "the car aspect figures."
)
#: Extra ``train.train_model`` arguments for the fold models (experiments).
TRAIN_OPTIONS: dict[str, Any] = {}


def _hash_key(salt: str, text: str) -> int:
    return int.from_bytes(hashlib.sha1((salt + text).encode("utf-8")).digest()[:8], "big")


def is_tuning(text: str) -> bool:
    """Whether a test text is in the tuning half (see ``TUNE_SALT``)."""
    return _hash_key(TUNE_SALT, text) % 2 == 0


def deterministic_sample(texts: Sequence[str], cap: int | None) -> list[int]:
    """Indices of at most ``cap`` texts, chosen by a salted hash (the same whatever the row
    order), in row order."""
    if cap is None or cap >= len(texts):
        return list(range(len(texts)))
    order = sorted(range(len(texts)), key=lambda i: _hash_key(SAMPLE_SALT, texts[i]))
    return sorted(order[:cap])


def _corpus_file(corpus_dir: Path | None, name: str) -> Path:
    directory = Path(corpus_dir) if corpus_dir else DEFAULT_CORPUS_DIR
    path = directory / name
    if not path.is_file():
        raise CorpusMissingError(
            f"labelled sentiment corpus not found at {path} (the leave-one-corpus-out "
            f"evaluation needs all four files of shared/data/sentiment next to the project; "
            f"pass --corpus DIR)"
        )
    return path


def load_binary_corpus(name: str, corpus_dir: Path | None = None) -> pd.DataFrame:
    """One of ``BINARY_CORPORA``: columns ``text`` and ``label`` (1 positive, 0 negative)."""
    path = _corpus_file(corpus_dir, BINARY_CORPORA[name])
    df = pd.read_csv(path, dtype={"text": str}, keep_default_na=False)
    df = df[df["text"].str.strip() != ""].reset_index(drop=True)
    df["label"] = df["label"].astype(int)
    return df[["text", "label"]]


def load_car_aspects(corpus_dir: Path | None = None) -> pd.DataFrame:
    """The car forum rows: ``content_id``, ``text``, ``aspect``, ``aspect_sentiment`` -1/0/1."""
    path = _corpus_file(corpus_dir, CAR_CORPUS[1])
    df = pd.read_csv(path, dtype={"text": str, "aspect": str}, keep_default_na=False)
    df = df[df["text"].str.strip() != ""].reset_index(drop=True)
    df["aspect_sentiment"] = df["aspect_sentiment"].astype(int)
    return df[["content_id", "text", "aspect", "aspect_sentiment"]]


def car_documents(aspects: pd.DataFrame) -> pd.DataFrame:
    """Car posts with a document label for binary training: posts whose non-neutral aspects
    all share one sign (posts with only neutral aspects, or mixed ones, are left out)."""
    polar = aspects[aspects["aspect_sentiment"] != 0]
    signs = polar.groupby("text")["aspect_sentiment"].agg(["min", "max"])
    signs = signs[signs["min"] == signs["max"]]
    return pd.DataFrame({"text": signs.index, "label": (signs["max"] > 0).astype(int).to_numpy()})


def _strip_key(text: str) -> str:
    return re.sub(r"[\W_]+", "", text)


#: Each training corpus weighs ``n_texts ** DOMAIN_WEIGHT_POWER`` in the fit: 0 would give every
#: corpus the same weight (3,000 car posts then count as much as 36,000 shopping reviews, each
#: post twelve times), 1 every text the same. 0.5 was chosen on the 'tune' halves (TUNING_RECORD).
DOMAIN_WEIGHT_POWER = 0.5


def domain_weights(corpus_of: Sequence[str], power: float = 0.0) -> np.ndarray:
    """Per-text training weights giving each corpus a total weight of ``n_corpus ** power``
    (0: equal weight per corpus), normalised to mean 1."""
    names, inverse, counts = np.unique(
        np.asarray(corpus_of), return_inverse=True, return_counts=True
    )
    del names
    per_text = counts.astype(float) ** power / counts
    w = per_text[inverse]
    return w * (len(w) / w.sum())


class TfidfBaseline:
    """Plain jieba + TF-IDF (unigrams and bigrams) + L2 logistic regression: the reference a
    model must beat. ``jieba.lcut`` of the raw text, smoothed IDF, sublinear-free term counts,
    L2-normalised rows, ``C = 1`` (the usual defaults), fitted by L-BFGS with scipy."""

    def __init__(self, min_df: int = 2, c: float = 1.0) -> None:
        self.min_df, self.c = min_df, c
        self.vocab: dict[str, int] = {}
        self.idf = np.zeros(0)
        self.w = np.zeros(0)
        self.b = 0.0

    @staticmethod
    def grams(tokens: Sequence[str]) -> list[str]:
        toks = [t for t in tokens if t.strip()]
        return toks + [a + " " + b for a, b in itertools.pairwise(toks)]

    def _matrix(self, docs: Sequence[list[str]]) -> Any:
        from scipy import sparse

        rows, cols, vals = [], [], []
        for r, grams in enumerate(docs):
            counts: dict[int, int] = {}
            for g in grams:
                j = self.vocab.get(g)
                if j is not None:
                    counts[j] = counts.get(j, 0) + 1
            rows += [r] * len(counts)
            cols += list(counts)
            vals += list(counts.values())
        x = sparse.csr_matrix(
            (np.asarray(vals, dtype=float), (np.asarray(rows), np.asarray(cols))),
            shape=(len(docs), len(self.vocab)),
        )
        x = x @ sparse.diags(self.idf)
        norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return sparse.diags(1.0 / norms) @ x

    def fit(self, docs: Sequence[list[str]], y: Sequence[int], weight: np.ndarray) -> None:
        from text_analytics.fitting import fit_logistic

        df: Counter[str] = Counter()
        for grams in docs:
            df.update(set(grams))
        kept = sorted(g for g, c in df.items() if c >= self.min_df)
        self.vocab = {g: i for i, g in enumerate(kept)}
        n = len(docs)
        self.idf = np.log((1 + n) / (1 + np.array([df[g] for g in kept], dtype=float))) + 1
        x = self._matrix(docs)
        # sklearn's C=1: sum of losses + w.w / 2, i.e. a mean loss with l2 = 1 / (C * n)
        self.w, self.b = fit_logistic(
            x,
            np.asarray(y, dtype=float),
            1.0 / (self.c * n),
            np.ones(x.shape[1]),
            sample_weight=weight,
            fit_intercept=True,
        )

    def decision(self, docs: Sequence[list[str]]) -> np.ndarray:
        return self._matrix(docs) @ self.w + self.b


@dataclass
class _Texts:
    """One corpus's texts as both systems see them."""

    name: str
    texts: list[str]
    labels: np.ndarray
    prepared: list[Prepared]
    grams: list[list[str]]


def _prep(name: str, texts: list[str], labels: Sequence[int]) -> _Texts:
    import jieba

    from text_analytics.tokenize import tokenizer

    tokenizer()  # jieba with the user dictionary, as the product has it
    return _Texts(
        name,
        texts,
        np.asarray(labels, dtype=int),
        [prepare(t) for t in texts],
        [TfidfBaseline.grams(jieba.lcut(t)) for t in texts],
    )


def _acc(pred: np.ndarray, y: np.ndarray) -> float | None:
    return round(float(np.mean(pred == y)), 4) if len(y) else None


def _model_logits(model: SentimentModel, prepared: Sequence[Prepared]) -> np.ndarray:
    return np.array([sentiment_logits(p, model)[0] for p in prepared])


def _halves(t: _Texts) -> dict[str, np.ndarray]:
    tune = np.array([is_tuning(x) for x in t.texts], dtype=bool)
    return {"all": np.ones(len(tune), dtype=bool), "tune": tune, "report": ~tune}


def _scores(pred: np.ndarray, y: np.ndarray, halves: dict[str, np.ndarray]) -> dict[str, Any]:
    return {k: _acc(pred[m], y[m]) for k, m in halves.items()}


def aspect_logit(
    ex: Extracted, clause_logits: Sequence[float], doc_logit: float, aspect: str
) -> tuple[float, bool]:
    """Logit of one aspect of a post: the mean over the clauses naming it of the clause logit
    (or the next clause's, when the naming clause carries no opinion), the document logit
    when no clause names it. Second value: whether a clause named it."""
    words = ASPECT_WORDS[aspect].split()
    hits = [
        i for i, clause in enumerate(ex.clause_words) if any(w in "".join(clause) for w in words)
    ]
    if not hits:
        return doc_logit, False
    total = 0.0
    for i in hits:
        own = ex.clause_pos[i] > 0 or ex.clause_neg[i] > 0
        if own or i + 1 >= len(clause_logits):
            total += clause_logits[i]
        elif ex.clause_pos[i + 1] > 0 or ex.clause_neg[i + 1] > 0:
            total += clause_logits[i + 1]
        else:
            total += clause_logits[i]
    return total / len(hits), True


def car_aspect_table(
    model: SentimentModel, aspects: pd.DataFrame, prepared: dict[str, Prepared]
) -> dict[str, Any]:
    """Per (post, aspect): 3-class accuracy and neutral recall with the model's neutral band,
    from the document score and from the per-aspect score, and sign accuracy on the
    non-neutral aspects."""
    band = model.neutral_band
    doc_cache: dict[str, tuple[float, list[float]]] = {}
    out: dict[str, Any] = {"n": len(aspects), "neutral_band": band}
    gold = aspects["aspect_sentiment"].to_numpy()
    tune = np.array([is_tuning(t) for t in aspects["text"]], dtype=bool)
    doc_pred, asp_pred, doc_sign, asp_sign, named = [], [], [], [], 0
    for text, aspect in zip(aspects["text"], aspects["aspect"], strict=True):
        if text not in doc_cache:
            doc_cache[text] = sentiment_logits(prepared[text], model)
        doc, clauses = doc_cache[text]
        asp, hit = aspect_logit(prepared[text].extracted, clauses, doc, aspect)
        named += hit
        for logit, pred, sign in ((doc, doc_pred, doc_sign), (asp, asp_pred, asp_sign)):
            label = label_for(score_from_logit(logit), band)
            pred.append({"positive": 1, "negative": -1, "neutral": 0}[label])
            sign.append(1 if logit > 0 else -1)
    polar = gold != 0
    for name, pred, sign in (
        ("document_score", np.array(doc_pred), np.array(doc_sign)),
        ("aspect_score", np.array(asp_pred), np.array(asp_sign)),
    ):
        row: dict[str, Any] = {}
        for half, m in (("all", np.ones(len(gold), bool)), ("tune", tune), ("report", ~tune)):
            neutral = m & (gold == 0)
            row[half] = {
                "three_class_accuracy": _acc(pred[m], gold[m]),
                "neutral_recall": _acc(pred[neutral], gold[neutral]),
                "neutral_precision": _acc(gold[m & (pred == 0)], pred[m & (pred == 0)]),
                "non_neutral_sign_accuracy": _acc(sign[m & polar], gold[m & polar]),
                "non_neutral_three_class_recall": _acc(pred[m & polar], gold[m & polar]),
            }
        out[name] = row
    out["aspect_named_share"] = round(named / max(1, len(aspects)), 4)
    out["majority_class_share"] = round(float(np.mean(gold == 0)), 4)
    return out


def _snownlp(texts: Sequence[str], labels: np.ndarray, n: int) -> dict[str, Any] | None:
    try:
        from snownlp import SnowNLP
    except ImportError:
        return None
    idx = deterministic_sample(texts, n)
    pred = np.array([int(SnowNLP(texts[i]).sentiments > 0.5) for i in idx])
    y = labels[idx]
    tune = np.array([is_tuning(texts[i]) for i in idx], dtype=bool)
    return {
        "n": len(idx),
        **_scores(pred, y, {"all": np.ones(len(y), bool), "tune": tune, "report": ~tune}),
    }


def leave_one_corpus_out(
    corpus_dir: Path | None = None,
    train_cap: int | None = None,
    test_cap: int | None = None,
    snownlp_sample: int = 1000,
    traditional_sample: int = 1000,
    log: Any = print,
    with_baseline: bool = True,
) -> dict[str, Any]:
    """The leave-one-corpus-out table (see ``main``)."""
    import opencc

    from text_analytics.train import train_model

    started = time.perf_counter()
    raw = {name: load_binary_corpus(name, corpus_dir) for name in BINARY_CORPORA}
    aspects = load_car_aspects(corpus_dir)
    raw[CAR_CORPUS[0]] = car_documents(aspects)
    cap = {name: max(train_cap or 0, test_cap or 0) or None for name in raw}
    data: dict[str, _Texts] = {}
    for name, df in raw.items():
        texts = df["text"].tolist()
        idx = deterministic_sample(texts, cap[name])
        log(f"{name}: {len(idx)} of {len(texts)} texts; tokenising")
        data[name] = _prep(name, [texts[i] for i in idx], df["label"].to_numpy()[idx])

    table: dict[str, Any] = {
        "method": (
            "for each binary corpus: train on the other corpora (the car posts as documents "
            "whose non-neutral aspects agree), each corpus weighted by the square root of its "
            "size in the fit, texts that also occur in the test corpus removed; test on the "
            "left-out corpus. The car posts are evaluated per (post, aspect) by a model "
            "trained on the three binary corpora. 'tune' is the half of each test set looked "
            "at while choosing features and settings, 'report' the half never looked at while "
            "choosing."
        ),
        "tuning_record": TUNING_RECORD,
        "train_cap_per_corpus": train_cap,
        "test_cap_per_corpus": test_cap,
        "folds": {},
    }
    s2t = opencc.OpenCC("s2t")
    for test_name in [*BINARY_CORPORA, CAR_CORPUS[0]]:
        test = data[test_name]
        test_keys = {_strip_key(t) for t in test.texts}
        train_parts = [data[n] for n in data if n != test_name]
        tr_prepared, tr_grams, tr_labels, tr_corpus = [], [], [], []
        for part in train_parts:
            keep = [
                i
                for i in deterministic_sample(part.texts, train_cap)
                if _strip_key(part.texts[i]) not in test_keys
            ]
            tr_prepared += [part.prepared[i] for i in keep]
            tr_grams += [part.grams[i] for i in keep]
            tr_labels += part.labels[keep].tolist()
            tr_corpus += [part.name] * len(keep)
        weight = domain_weights(tr_corpus, DOMAIN_WEIGHT_POWER)
        log(f"fold {test_name}: training on {len(tr_labels)} texts")
        model = train_model(
            tr_prepared, tr_labels, sample_weight=weight, domains=tr_corpus, **TRAIN_OPTIONS
        )
        base = TfidfBaseline()
        if with_baseline:
            base.fit(tr_grams, tr_labels, weight)
        fold: dict[str, Any] = {
            "train_n": {p.name: tr_corpus.count(p.name) for p in train_parts},
        }
        if test_name == CAR_CORPUS[0]:
            prepared = dict(zip(test.texts, test.prepared, strict=True))
            missing = [t for t in aspects["text"].unique() if t not in prepared]
            prepared.update(zip(missing, prepare_many(missing), strict=True))
            fold["aspects"] = car_aspect_table(model, aspects, prepared)
            fold["documents"] = _fold_binary(model, base, test, s2t, 0, traditional_sample)
        else:
            test_idx = deterministic_sample(test.texts, test_cap)
            sub = _Texts(
                test.name,
                [test.texts[i] for i in test_idx],
                test.labels[test_idx],
                [test.prepared[i] for i in test_idx],
                [test.grams[i] for i in test_idx],
            )
            fold.update(_fold_binary(model, base, sub, s2t, snownlp_sample, traditional_sample))
        table["folds"][test_name] = fold
        log(f"fold {test_name}: {json.dumps(_headline(fold), ensure_ascii=False)}")

    table["average"] = {
        system: {
            half: _mean([table["folds"][n][system][half] for n in BINARY_CORPORA])
            for half in ("all", "tune", "report")
        }
        for system in ("ours", "tfidf_lr", "snownlp")
    }
    table["seconds"] = round(time.perf_counter() - started, 1)
    return table


def _mean(values: list[float | None]) -> float | None:
    got = [v for v in values if v is not None]
    return round(float(np.mean(got)), 4) if got and len(got) == len(values) else None


def _headline(fold: dict[str, Any]) -> dict[str, Any]:
    if "aspects" in fold:
        a = fold["aspects"]["aspect_score"]["all"]
        return {"aspects_3class": a["three_class_accuracy"], "neutral_recall": a["neutral_recall"]}
    return {k: fold[k]["all"] for k in ("ours", "tfidf_lr", "snownlp") if fold.get(k)}


def prepare_many(texts: list[str]) -> list[Prepared]:
    return [prepare(t) for t in texts]


def _fold_binary(
    model: SentimentModel,
    base: TfidfBaseline,
    test: _Texts,
    s2t: Any,
    snownlp_sample: int,
    traditional_sample: int,
) -> dict[str, Any]:
    import jieba

    halves = _halves(test)
    y = test.labels
    ours = (_model_logits(model, test.prepared) > 0).astype(int)
    base_pred = (base.decision(test.grams) > 0).astype(int)
    out: dict[str, Any] = {
        "test_n": len(y),
        "ours": _scores(ours, y, halves),
        "tfidf_lr": _scores(base_pred, y, halves),
    }
    snow = _snownlp(test.texts, y, snownlp_sample) if snownlp_sample else None
    out["snownlp"] = snow or {
        "all": None,
        "tune": None,
        "report": None,
        "note": "not run (--snownlp-sample 0)"
        if not snownlp_sample
        else "snownlp not importable (uv sync --group bench)",
    }
    if not traditional_sample:
        return out
    idx = deterministic_sample(test.texts, traditional_sample)
    trad = [s2t.convert(test.texts[i]) for i in idx]
    trad_prepared = prepare_many(trad)
    yt = y[idx]
    out["traditional"] = {
        "n": len(idx),
        "hant_detected": round(
            sum(p.script == "hant" for p in trad_prepared) / max(1, len(idx)), 4
        ),
        "ours": _acc((_model_logits(model, trad_prepared) > 0).astype(int), yt),
        "ours_same_texts_simplified": _acc(ours[idx], yt),
        "tfidf_lr": _acc(
            (base.decision([TfidfBaseline.grams(jieba.lcut(t)) for t in trad]) > 0).astype(int),
            yt,
        ),
        "tfidf_lr_same_texts_simplified": _acc(base_pred[idx], yt),
    }
    return out


def format_table(table: dict[str, Any]) -> str:
    """The table as text (what ``main`` prints)."""
    lines = [
        "Leave-one-corpus-out accuracy (binary; test corpus never seen in training)",
        f"  caps per corpus: train {table['train_cap_per_corpus'] or 'all'}, "
        f"test {table['test_cap_per_corpus'] or 'all'}",
        f"  {'test corpus':<18}{'n':>7}{'ours':>8}{'tfidf+lr':>10}{'snownlp':>9}"
        f"{'ours(t)':>9}{'tfidf(t)':>10}   (t = OpenCC s2t)",
    ]

    def f(v: Any) -> str:
        return "-" if v is None else f"{v:.4f}"

    for name in BINARY_CORPORA:
        fold = table["folds"][name]
        lines.append(
            f"  {name:<18}{fold['test_n']:>7}{f(fold['ours']['all']):>8}"
            f"{f(fold['tfidf_lr']['all']):>10}{f(fold.get('snownlp', {}).get('all')):>9}"
            f"{f(fold['traditional']['ours']):>9}{f(fold['traditional']['tfidf_lr']):>10}"
        )
    avg = table["average"]
    lines.append(
        f"  {'average':<18}{'':>7}{f(avg['ours']['all']):>8}{f(avg['tfidf_lr']['all']):>10}"
        f"{f(avg['snownlp']['all']):>9}"
    )
    for half in ("tune", "report"):
        lines.append(
            f"  {'  ' + half + ' half':<18}{'':>7}{f(avg['ours'][half]):>8}"
            f"{f(avg['tfidf_lr'][half]):>10}{f(avg['snownlp'][half]):>9}"
        )
    car = table["folds"][CAR_CORPUS[0]]
    a = car["aspects"]
    lines.append(
        f"Car forum posts per (post, aspect), n={a['n']}, neutral band {a['neutral_band']}, "
        f"neutral share {a['majority_class_share']}"
    )
    lines.append(f"  {'score':<16}{'3-class':>9}{'neutral recall':>16}{'non-neutral sign':>18}")
    for key in ("document_score", "aspect_score"):
        r = a[key]["all"]
        lines.append(
            f"  {key:<16}{f(r['three_class_accuracy']):>9}{f(r['neutral_recall']):>16}"
            f"{f(r['non_neutral_sign_accuracy']):>18}"
        )
    d = car["documents"]
    lines.append(
        f"  car posts as documents (agreeing aspects), n={d['test_n']}: ours "
        f"{f(d['ours']['all'])}, tfidf+lr {f(d['tfidf_lr']['all'])}"
    )
    lines.append(f"({table['seconds']} s)")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    import argparse
    import sys

    parser = argparse.ArgumentParser(
        prog="python -m text_analytics.evaluate",
        description="Leave-one-corpus-out evaluation of the sentiment model against a plain "
        "jieba + TF-IDF + logistic regression baseline and SnowNLP.",
    )
    parser.add_argument(
        "--corpus",
        type=Path,
        default=None,
        help="directory of the four corpora (default ../shared/data/sentiment)",
    )
    parser.add_argument("--json", type=Path, default=LOCO_FILE, help=f"default {LOCO_FILE}")
    parser.add_argument(
        "--train-cap",
        type=int,
        default=DEFAULT_CAP,
        help="at most this many training texts per corpus (deterministic)",
    )
    parser.add_argument(
        "--test-cap",
        type=int,
        default=DEFAULT_CAP,
        help="at most this many test texts per corpus (deterministic)",
    )
    parser.add_argument("--snownlp-sample", type=int, default=1000)
    parser.add_argument("--traditional-sample", type=int, default=1000)
    args = parser.parse_args(argv)

    def log(message: str) -> None:
        print(f"[evaluate {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)

    try:
        table = leave_one_corpus_out(
            args.corpus,
            args.train_cap,
            args.test_cap,
            args.snownlp_sample,
            args.traditional_sample,
            log,
        )
    except CorpusMissingError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(table, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(format_table(table))
    print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
