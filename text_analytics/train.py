"""Train the sentiment model on the labelled corpora and write the artefact.

    python -m text_analytics.train [--corpus DIR] [--cross-category]

Reads the four corpora of ``shared/data/sentiment`` (default ``<project>/../shared/data/
sentiment``): online shopping, Douban book reviews, NLPCC 2014 product reviews, and the car forum
posts as documents whose non-neutral aspects agree. Each corpus weighs the square root of its
size in the fit (domain-balanced: the large shopping corpus would otherwise set the priors of every
word, and with equal weights each of the few car posts would count twelve times).
Fits an L2-regularised logistic regression on the features of ``text_analytics.features`` (jieba
unigrams and bigrams with negation scope, plus hand-written lexicon evidence), with NB-SVM style
scaling of the bag-of-words columns and polarity-free topic nouns all but held at zero (both
below: for domains the corpora lack), and writes:

* ``resources/sentiment_model.json``: vocabulary and weights only, never the texts;
* ``resources/evaluation.json``: accuracy on the held-out split of every corpus, on shopping
  held-out texts converted to traditional script, and on the hand-written out-of-domain set (and
  SnowNLP's on the same texts when it is installed); with ``--cross-category`` also per left-out
  shopping category. How it does on a domain it never saw: ``python -m text_analytics.evaluate``.

The committed model is fitted on the training split only (one text in five of every corpus is
held out by a salted hash), so the held-out split stays unseen for the corpus tests. The fit is
deterministic (L-BFGS from zero weights; no sampling), so the same corpora and code give the same
artefact. The fit itself is ``text_analytics.fitting`` (scipy's L-BFGS), shared with the
warehouse's own domain adaptation (``text_analytics.adapt``).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse

from text_analytics._resources import EVALUATION_FILE, MODEL_FILE
from text_analytics.evaluate import (
    CorpusMissingError,
    binary_accuracy,
    is_holdout,
    load_corpus,
    load_out_of_domain,
    snownlp_accuracy,
    three_class_accuracy,
)
from text_analytics.features import NOT_PREFIX
from text_analytics.fitting import (
    MIN_DF,
    build_matrix,
    build_vocab,
    fit_logistic,
    nb_scale,
    topic_features,
)
from text_analytics.model import DEFAULT_NEUTRAL_BAND, SentimentModel
from text_analytics.pipeline import Prepared, prepare

L2 = 1e-5  # per-sample penalty on bag-of-words weights
LEX_L2_FACTOR = 0.1  # the lexicon weights are penalised ten times less: they carry unseen domains
#: The bag-of-words weights of lexicon words (plain and ``NOT_``) and of degree adverbs are
#: penalised this many times more: what a lexicon word says should go through the shared lexicon
#: evidence, which carries to domains and to words the corpora lack, rather than through the
#: word's own weight; a degree adverb's own weight is mostly the corpus's prior of what it
#: modifies (贼 is "thief" in the books, 太 mostly 太差).
LEXICON_WORD_L2_FACTOR = 10.0
DEGREE_L2_FACTOR = 10.0
# No intercept: a text without any evidence scores exactly 0 (neutral). With one, the positive
# lexicon evidence most reviews carry pushes the intercept negative and neutral texts with it.
FIT_INTERCEPT = False
MIN_ABS_WEIGHT = 0.005  # smaller weights are dropped from the artefact
#: NB-SVM style scaling (Wang & Manning 2012): each bag-of-words column is multiplied by the
#: absolute log-count ratio of its presence in positive vs negative training texts (smoothing
#: alpha below, fixed a priori at the usual 1) before the L2 fit, and the fitted weight is
#: multiplied back, so scoring is unchanged. The L2 penalty then falls hardest on features
#: without a class preference, which generalises better to unseen categories.
NB_ALPHA = 1.0
#: Topic nouns without polarity of their own (客服, 退款, 物流: ``topics.neutral_topic_words``)
#: are penalised this many times more, which all but zeroes their unigram weights (plain and
#: ``NOT_``). In shopping reviews they carry a mention prior (退款 is mostly brought up to
#: complain) that does not hold in service notes, hotel or delivery feedback, where it would push
#: neutral statements and praise negative. What is said about them (bigrams, lexicon) still counts.
TOPIC_L2_FACTOR = 1000.0
TRADITIONAL_SAMPLE = 3000
SNOWNLP_SAMPLE = 2000


def prepare_all(texts: Sequence[str]) -> list[Prepared]:
    return [prepare(t) for t in texts]


def domain_nb_scale(
    x: Any, y: np.ndarray, domains: Sequence[str], alpha: float = NB_ALPHA
) -> np.ndarray:
    """NB scaling that prefers polarity shared across domains: the log-count ratio is computed
    in each training corpus on its own and the scale is the absolute value of their mean. A word
    that is positive in one corpus and negative in another (长: a long battery life, a long-winded
    book) averages out; a word seen in one corpus only gets that corpus's ratio divided by the
    number of corpora (its absence elsewhere reads as no preference). Lexicon columns: 1."""
    domain_arr = np.asarray(domains)
    names = sorted(set(domain_arr.tolist()))
    ratios = np.zeros((len(names), x.shape[1] - 2))
    for k, name in enumerate(names):
        mask = domain_arr == name
        ratios[k] = np.log(nb_ratio(x[mask], y[mask], alpha))
    scale = np.ones(x.shape[1])
    scale[:-2] = np.abs(ratios.mean(axis=0))
    return scale


def nb_ratio(x: Any, y: np.ndarray, alpha: float) -> np.ndarray:
    """``(p/|p|) / (q/|q|)`` of the bag-of-words columns (document frequencies plus alpha)."""
    presence = x[:, :-2].copy()
    presence.data[:] = 1.0
    p = np.asarray(presence.T @ (y == 1).astype(float)).ravel() + alpha
    q = np.asarray(presence.T @ (y == 0).astype(float)).ravel() + alpha
    return (p / p.sum()) / (q / q.sum())


def train_model(
    prepared: Sequence[Prepared],
    labels: Sequence[int],
    l2: float = L2,
    neutral_band: float = DEFAULT_NEUTRAL_BAND,
    meta: dict[str, Any] | None = None,
    sample_weight: np.ndarray | None = None,
    domains: Sequence[str] | None = None,
    domain_nb: bool = False,
    lex_l2_factor: float = LEX_L2_FACTOR,
    lexicon_word_l2_factor: float = LEXICON_WORD_L2_FACTOR,
    degree_l2_factor: float = DEGREE_L2_FACTOR,
) -> SentimentModel:
    """Fit a model on prepared texts with 0/1 labels (``sample_weight``: per text, mean 1)."""
    vocab = build_vocab(prepared)
    x = build_matrix(prepared, vocab)
    y = np.asarray(labels, dtype=float)
    penalty = np.ones(x.shape[1])
    penalty[-2:] = lex_l2_factor
    for feat in topic_features(vocab):
        penalty[vocab[feat]] = TOPIC_L2_FACTOR
    if lexicon_word_l2_factor != 1.0 or degree_l2_factor != 1.0:
        from text_analytics.features import DEGREE, lexicon

        words = lexicon()
        for feat, i in vocab.items():
            word = feat.removeprefix(NOT_PREFIX)
            if word in words:
                penalty[i] *= lexicon_word_l2_factor
            elif word in DEGREE:
                penalty[i] *= degree_l2_factor
    if domain_nb and domains is not None and len(set(domains)) > 1:
        scale = domain_nb_scale(x, y, domains)
    else:
        scale = nb_scale(x, y, alpha=NB_ALPHA, sample_weight=sample_weight)
    w, b = fit_logistic(
        x @ sparse.diags(scale), y, l2, penalty, sample_weight, fit_intercept=FIT_INTERCEPT
    )
    w = w * scale
    names = sorted(vocab, key=vocab.__getitem__)
    weights = {name: float(w[i]) for i, name in enumerate(names) if abs(w[i]) >= MIN_ABS_WEIGHT}
    return SentimentModel(
        bias=b,
        weights=weights,
        lex_pos=float(w[-2]),
        lex_neg=float(w[-1]),
        neutral_band=neutral_band,
        meta=meta or {},
    )


def _r(value: float | None) -> float | None:
    return None if value is None or value != value else round(value, 4)


def evaluate_all(
    df: Any, prepared: list[Prepared], model: SentimentModel, cross_category: bool, log: Any
) -> dict[str, Any]:
    """The accuracy table written to ``evaluation.json``."""
    import opencc

    from text_analytics.script import _converter  # noqa: F401  (warms OpenCC)

    holdout = df["holdout"].to_numpy()
    labels = df["label"].to_numpy()
    test_idx = np.flatnonzero(holdout)
    test_prepared = [prepared[i] for i in test_idx]
    table: dict[str, Any] = {
        "in_domain_holdout": {
            "n": len(test_idx),
            "accuracy": _r(binary_accuracy(model, test_prepared, labels[test_idx])),
        }
    }
    log(f"in-domain held-out accuracy {table['in_domain_holdout']['accuracy']}")

    if cross_category:
        per_category: dict[str, Any] = {}
        for category in sorted(df["category"].unique()):
            mask = (df["category"] == category).to_numpy()
            train_idx = np.flatnonzero(~mask)
            test_c = np.flatnonzero(mask)
            m = train_model([prepared[i] for i in train_idx], labels[train_idx])
            acc = binary_accuracy(m, [prepared[i] for i in test_c], labels[test_c])
            per_category[category] = {"n": len(test_c), "accuracy": _r(acc)}
            log(f"leave-one-category-out {category}: {acc:.4f}")
        accs = [v["accuracy"] for v in per_category.values()]
        sizes = [v["n"] for v in per_category.values()]
        table["cross_category"] = {
            "method": "train on the other six categories, test on the left-out one",
            "per_category": per_category,
            "mean": _r(float(np.mean(accs))),
            "mean_note": "unweighted mean over the seven categories (the target's measure)",
            "pooled": _r(float(np.average(accs, weights=sizes))),
            "pooled_note": "share of all corpus texts right when their category was left out",
        }

    s2t = opencc.OpenCC("s2t")
    rng = np.random.default_rng(20240518)
    size = min(TRADITIONAL_SAMPLE, len(test_idx))
    sample = np.sort(rng.choice(test_idx, size=size, replace=False))
    trad_texts = [s2t.convert(df["text"].iat[i]) for i in sample]
    trad_prepared = prepare_all(trad_texts)
    trad_acc = binary_accuracy(model, trad_prepared, labels[sample])
    detected = sum(p.script == "hant" for p in trad_prepared) / len(trad_prepared)
    table["traditional_holdout"] = {
        "n": len(sample),
        "accuracy": _r(trad_acc),
        "detected_as_hant": _r(detected),
        "same_texts_simplified_accuracy": _r(
            binary_accuracy(model, [prepared[i] for i in sample], labels[sample])
        ),
    }
    log(f"traditional held-out accuracy {trad_acc:.4f} (hant detected {detected:.3f})")

    ood = load_out_of_domain()
    polar = [t for t in ood if t.label != "neutral"]
    ood_labels = [int(t.label == "positive") for t in polar]
    ood_acc = binary_accuracy(model, prepare_all([t.text for t in polar]), ood_labels)
    by_domain: dict[str, Any] = {}
    for domain in sorted({t.domain for t in polar}):
        items = [t for t in polar if t.domain == domain]
        by_domain[domain] = {
            "n": len(items),
            "accuracy": _r(
                binary_accuracy(
                    model,
                    prepare_all([t.text for t in items]),
                    [int(t.label == "positive") for t in items],
                )
            ),
        }
    table["out_of_domain"] = {
        "n": len(polar),
        "accuracy": _r(ood_acc),
        "per_domain": by_domain,
        "three_class": {"n": len(ood), "accuracy": _r(three_class_accuracy(model, ood))},
    }
    log(f"out-of-domain accuracy {ood_acc:.4f}")

    sample_snow = sample[:SNOWNLP_SAMPLE]
    snow_ood = snownlp_accuracy([t.text for t in polar], ood_labels)
    if snow_ood is None:
        table["snownlp"] = {"note": "snownlp not installed (bench group); not measured"}
    else:
        table["snownlp"] = {
            "out_of_domain": _r(snow_ood),
            "in_domain_holdout_sample": _r(
                snownlp_accuracy(
                    [df["text"].iat[i] for i in sample_snow], labels[sample_snow].tolist()
                )
            ),
            "traditional_holdout_sample": _r(
                snownlp_accuracy(trad_texts[: len(sample_snow)], labels[sample_snow].tolist())
            ),
            "sample_n": len(sample_snow),
            "note": "SnowNLP ships a model trained on shopping reviews, so in-domain is "
            "not unseen data for it",
        }
        log(f"snownlp out-of-domain {snow_ood:.4f}")
    return table


def load_training_corpora(corpus_dir: Path | None) -> dict[str, pd.DataFrame]:
    """Every corpus with document labels (``text``, ``label``; shopping also ``category``),
    the car forum posts as documents whose non-neutral aspects agree."""
    from text_analytics.evaluate import (
        BINARY_CORPORA,
        CAR_CORPUS,
        car_documents,
        load_binary_corpus,
        load_car_aspects,
    )

    corpora = {"online_shopping": load_corpus(corpus_dir)}
    for name in BINARY_CORPORA:
        if name != "online_shopping":
            corpora[name] = load_binary_corpus(name, corpus_dir)
    corpora[CAR_CORPUS[0]] = car_documents(load_car_aspects(corpus_dir))
    return corpora


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m text_analytics.train", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--corpus",
        type=Path,
        default=None,
        help="directory with the four corpora of shared/data/sentiment "
        "(default: <project>/../shared/data/sentiment)",
    )
    parser.add_argument("--model-out", type=Path, default=MODEL_FILE)
    parser.add_argument("--evaluation-out", type=Path, default=EVALUATION_FILE)
    parser.add_argument(
        "--cross-category",
        action="store_true",
        help="also the seven leave-one-category-out fits on the shopping corpus (slow)",
    )
    args = parser.parse_args(argv)

    def log(message: str) -> None:
        print(f"[train {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)

    try:
        corpora = load_training_corpora(args.corpus)
    except CorpusMissingError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    prepared: dict[str, list[Prepared]] = {}
    train_prepared: list[Prepared] = []
    train_labels: list[int] = []
    train_corpus: list[str] = []
    for name, df in corpora.items():
        df["holdout"] = [is_holdout(t) for t in df["text"]]
        log(f"{name}: {len(df)} texts, {int(df['holdout'].sum())} held out; tokenising")
        prepared[name] = prepare_all(df["text"].tolist())
        for i in np.flatnonzero(~df["holdout"].to_numpy()):
            train_prepared.append(prepared[name][i])
            train_labels.append(int(df["label"].iat[i]))
            train_corpus.append(name)
    from text_analytics.evaluate import DOMAIN_WEIGHT_POWER, domain_weights

    weight = domain_weights(train_corpus, DOMAIN_WEIGHT_POWER)
    meta = {
        "corpora": {name: int((~df["holdout"]).sum()) for name, df in corpora.items()},
        "trained_on": "training split of each corpus (held-out split excluded), each corpus "
        "weighted by the square root of its size (evaluate.DOMAIN_WEIGHT_POWER); car forum "
        "posts as documents whose non-neutral aspects agree",
        "n_train": len(train_labels),
        "l2": L2,
        "lex_l2_factor": LEX_L2_FACTOR,
        "min_df": MIN_DF,
        "nb_alpha": NB_ALPHA,
        "topic_l2_factor": TOPIC_L2_FACTOR,
        "lexicon_word_l2_factor": LEXICON_WORD_L2_FACTOR,
        "degree_l2_factor": DEGREE_L2_FACTOR,
        "domain_weight_power": DOMAIN_WEIGHT_POWER,
    }
    model = train_model(train_prepared, train_labels, meta=meta, sample_weight=weight)
    log(
        f"model: {len(model.weights)} weights, bias {model.bias:.3f}, "
        f"lexicon +{model.lex_pos:.3f} / {model.lex_neg:.3f}"
    )
    shopping = corpora["online_shopping"]
    table = evaluate_all(shopping, prepared["online_shopping"], model, args.cross_category, log)
    table["in_domain_holdout_per_corpus"] = {}
    for name, df in corpora.items():
        idx = np.flatnonzero(df["holdout"].to_numpy())
        acc = binary_accuracy(model, [prepared[name][i] for i in idx], df["label"].to_numpy()[idx])
        table["in_domain_holdout_per_corpus"][name] = {"n": len(idx), "accuracy": _r(acc)}
        log(f"held-out accuracy {name}: {acc:.4f}")
    table["note"] = (
        "in-domain figures: held-out split of corpora the model was trained on; for domains "
        "the model has not seen see evaluation_loco.json (python -m text_analytics.evaluate)"
    )
    model.save(args.model_out)
    from text_analytics.model import model_version

    table["model_version"] = model_version() if args.model_out == MODEL_FILE else None
    table["artefact_bytes"] = args.model_out.stat().st_size
    args.evaluation_out.write_text(
        json.dumps(table, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    log(f"wrote {args.model_out} ({table['artefact_bytes']} bytes) and {args.evaluation_out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
