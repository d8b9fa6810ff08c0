"""Fitting the linear sentiment model: design matrix and L2 logistic regression.

Shared by ``text_analytics.train`` (the shipped model, fitted on the corpora) and
``text_analytics.adapt`` (a warehouse's own model, fitted on its rated feedback at run time).
The columns are exactly what ``SentimentModel.logits`` sums for a document: each kept
unigram/bigram weighted by its clause's weight and divided by ``sqrt(n_feats)``, then the two
lexicon columns, so fitted weights score unchanged.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np
from scipy import optimize, sparse, special

from text_analytics.features import NEGATED_NEGATIVE_FEATURE, NOT_PREFIX
from text_analytics.model import dense_values
from text_analytics.pipeline import Prepared

MIN_DF = 2
MAX_ITER = 400


def build_vocab(prepared: Sequence[Prepared], min_df: int = MIN_DF) -> dict[str, int]:
    """Features present in at least ``min_df`` documents, indexed in sorted order."""
    df: Counter[str] = Counter()
    for p in prepared:
        df.update(set(p.extracted.feats))
    df.pop(NEGATED_NEGATIVE_FEATURE, None)  # fixed at 0 (see features.NEGATED_NEGATIVE_FEATURE)
    return {f: i for i, f in enumerate(sorted(f for f, c in df.items() if c >= min_df))}


def build_matrix(prepared: Sequence[Prepared], vocab: dict[str, int]) -> sparse.csr_matrix:
    """CSR matrix: bag-of-words columns as scored by ``SentimentModel.logits``, then the two
    lexicon columns."""
    n_vocab = len(vocab)
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    for r, p in enumerate(prepared):
        ex = p.extracted
        if ex.feats:
            acc: dict[int, float] = {}
            cw = ex.clause_weight
            for feat, clause in zip(ex.feats, ex.feat_clause, strict=True):
                idx = vocab.get(feat)
                if idx is not None:
                    acc[idx] = acc.get(idx, 0.0) + cw[clause]
            norm = 1.0 / math.sqrt(ex.n_feats) if ex.n_feats else 0.0
            for idx, value in acc.items():
                rows.append(r)
                cols.append(idx)
                vals.append(value * norm)
        pos = sum(a * b for a, b in zip(ex.clause_pos, ex.clause_weight, strict=True))
        neg = sum(a * b for a, b in zip(ex.clause_neg, ex.clause_weight, strict=True))
        lp, ln = dense_values(pos, neg)
        rows += [r, r]
        cols += [n_vocab, n_vocab + 1]
        vals += [lp, ln]
    return sparse.csr_matrix(
        (np.array(vals), (np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64))),
        shape=(len(prepared), n_vocab + 2),
    )


def topic_features(vocab: dict[str, int]) -> list[str]:
    """Vocabulary entries that are a polarity-free topic noun, plain or ``NOT_`` prefixed."""
    from text_analytics.topics import neutral_topic_words

    nouns = neutral_topic_words()
    return [f for f in vocab if f.removeprefix(NOT_PREFIX) in nouns]


def fit_logistic(
    x: sparse.csr_matrix,
    y: np.ndarray,
    l2: float,
    penalty: np.ndarray,
    sample_weight: np.ndarray | None = None,
    fit_intercept: bool = False,
    offset: np.ndarray | None = None,
) -> tuple[np.ndarray, float]:
    """L2-regularised logistic regression by L-BFGS; returns (weights, bias).

    The loss is the ``sample_weight``-weighted mean (weights of mean 1 keep ``l2``
    comparable); ``penalty`` scales ``l2`` per column. ``offset`` is added to every logit and
    not fitted: adaptation fits a correction on top of a model's own logits.
    """
    n, d = x.shape
    xt = x.T.tocsr()
    sw = np.ones(n) if sample_weight is None else np.asarray(sample_weight, dtype=float)
    base = np.zeros(n) if offset is None else np.asarray(offset, dtype=float)

    def objective(params: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = params[:-1], params[-1]
        z = x @ w + b + base
        loss = np.dot(sw, np.logaddexp(0.0, z) - y * z) / n + 0.5 * l2 * np.sum(penalty * w * w)
        residual = sw * (special.expit(z) - y) / n
        grad = np.empty_like(params)
        grad[:-1] = xt @ residual + l2 * penalty * w
        grad[-1] = residual.sum() if fit_intercept else 0.0
        return loss, grad

    result = optimize.minimize(
        objective,
        np.zeros(d + 1),
        jac=True,
        method="L-BFGS-B",
        options={"maxiter": MAX_ITER, "gtol": 1e-7},
    )
    return result.x[:-1], float(result.x[-1])


def nb_scale(
    x: sparse.csr_matrix,
    y: np.ndarray,
    dense_columns: int = 2,
    alpha: float = 1.0,
    sample_weight: np.ndarray | None = None,
) -> np.ndarray:
    """NB-SVM style column scale (Wang & Manning 2012): ``|log((p/|p|) / (q/|q|))|`` of each
    bag-of-words column, from its (weighted) document frequency in positive (p) and negative
    (q) texts plus ``alpha``; 1 for the last ``dense_columns`` columns. Multiplying the columns
    by it before an L2 fit (and the weights by it after) makes the penalty fall hardest on
    words without a class preference."""
    presence = x[:, : x.shape[1] - dense_columns].copy()
    presence.data[:] = 1.0
    sw = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, dtype=float)
    p = np.asarray(presence.T @ (sw * (y == 1))).ravel() + alpha
    q = np.asarray(presence.T @ (sw * (y == 0))).ravel() + alpha
    scale = np.ones(x.shape[1])
    scale[: x.shape[1] - dense_columns] = np.abs(np.log((p / p.sum()) / (q / q.sum())))
    return scale
