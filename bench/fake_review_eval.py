"""The behaviour model of fake reviews on real labelled reviews: evaluate it, and refit it.

    .venv/bin/python -m bench.fake_review_eval                 # evaluate, print, write JSON
    .venv/bin/python -m bench.fake_review_eval --write-model   # refit the committed weights

Real data: ``../shared/data/fake_reviews/yelp_behaviour_dev.csv`` (Yelp reviews of 101
Chicago hotels and restaurants with Yelp's own filter labels; no texts). Each review is landed
as a marketplace review (product = store and SKU, user = reviewer) with the platform's own
placeholder text, so text carries no signal, and the whole pipeline runs on it: the features
the model reads are the warehouse's own (``intermediate.int_review_behaviour``), never a
second implementation of them.

Evaluation: product-grouped folds (every review of a product in the same fold: a model is
never scored on a product it was fitted on). Per fold and over all out-of-fold scores: AUC and
average precision of the fitted model and of the unsupervised prior mean
(``behaviour_prior_score``), and precision and recall of the flag at the committed threshold.
The flag threshold is the lowest probability whose out-of-fold flags reach ``STATED_PRECISION``.

``--write-model`` refits the logistic regression on every review and writes its weights to the
dbt seed ``fake_review_behaviour_model.csv`` (weights on each term's own scale, the reference
being the term's mean over these reviews). The data itself never enters the repository.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

DEFAULT_DATA = PROJECT_ROOT.parent / "shared" / "data" / "fake_reviews" / "yelp_behaviour_dev.csv"
SEED_PATH = PROJECT_ROOT / "dbt_project" / "seeds" / "fake_review_behaviour_model.csv"
RESULT_PATH = PROJECT_ROOT / "bench" / "results" / "fake_review_yelp.json"
#: The text every landed review carries: the marketplace's own "no review written" placeholder,
#: which no rule reads as evidence (dbt var fake_placeholder_texts).
PLACEHOLDER_TEXT = "此用户没有填写评价"
#: What a behaviour flag must be worth: the share of flagged reviews the platform's filter
#: also removed, out of fold (the base rate is 0.14).
STATED_PRECISION = 0.40
#: Fewest out-of-fold flags a threshold must rest on.
MIN_FLAGS = 100
FOLDS = 5
#: Inverse L2 strength of the logistic regression on standardised terms. Chosen on the
#: 'tune' two thirds of the products (0.1 vs 1.0: the same AUC, steadier weights).
C = 0.1
TARGETS = {"auc": 0.80, "average_precision": 0.35}
TUNING_RECORD = (
    "Terms and C chosen on product-grouped folds of two thirds of the products (a hash of the "
    "product id), looking at the single-term AUCs of all products; the full-data folds below "
    "were computed once the terms were fixed. A gradient-boosted model and spline terms were "
    "tried on the same folds and gained under 0.01 AUC, so the model stays linear and is scored "
    "in SQL."
)


def write_marketplace_export(
    behaviour_csv: Path,
    path: Path,
    text_for: Callable[[int, int], str] | None = None,
    keep_product: Callable[[int], bool] | None = None,
) -> dict[str, dict[str, str]]:
    """Land the labelled reviews as one marketplace JSON Lines export at ``path``.

    ``text_for(row_number, rating)`` gives each review its text (default: the placeholder);
    ``keep_product(product_id)`` chooses the products landed (default: all).
    Returns review_id -> the source row (user_id, product_id, rating, date, is_filtered).
    """
    rows: dict[str, dict[str, str]] = {}
    path.parent.mkdir(parents=True, exist_ok=True)
    with (
        behaviour_csv.open(encoding="utf-8", newline="") as f,
        path.open("w", encoding="utf-8") as out,
    ):
        for i, row in enumerate(csv.DictReader(f)):
            if keep_product and not keep_product(int(row["product_id"])):
                continue
            review_id = f"Y{i:06d}"
            rows[review_id] = row
            review = {
                "review_id": review_id,
                "platform": "tmall",
                "store_id": f"P{row['product_id']}",
                "sku": f"P{row['product_id']}",
                "reviewer_id": f"U{row['user_id']}",
                "rating": int(row["rating"]),
                "content": text_for(i, int(row["rating"])) if text_for else PLACEHOLDER_TEXT,
                "created_at": row["date"],
            }
            out.write(json.dumps(review, ensure_ascii=False) + "\n")
    return rows


def build_warehouse(behaviour_csv: Path, root: Path) -> tuple[Path, dict[str, dict[str, str]]]:
    """Land ``behaviour_csv`` under ``root`` and run every asset of the pipeline on it."""
    import dagster as dg

    from orchestration.dbt.project import prepare_manifest
    from voc_core.settings import Settings

    rows = write_marketplace_export(
        behaviour_csv, root / "landing" / "ecommerce_review" / "yelp.jsonl"
    )
    warehouse = root / "warehouse.duckdb"
    settings = Settings(
        landing_dir=root / "landing",
        duckdb_path=warehouse,
        serving_path=root / "serving.duckdb",
        marts_parquet_dir=root / "marts",
        quality_docs_dir=root / "quality_docs",
    )
    prepare_manifest(settings)  # before the dbt assets are built from it
    from orchestration.definitions import build_definitions

    job = build_definitions(settings).resolve_job_def("refresh")
    with dg.instance_for_test() as instance:
        result = job.execute_in_process(instance=instance, raise_on_error=False)
    if not result.success:
        raise SystemExit("the pipeline run on the labelled reviews failed; see Dagster's log above")
    return warehouse, rows


def read_features(warehouse: Path, rows: dict[str, dict[str, str]]) -> pd.DataFrame:
    """One row per review: its product, label, model terms, prior score and the warehouse's
    own probability."""
    import duckdb

    with duckdb.connect(str(warehouse), read_only=True) as con:
        frame = con.execute(
            "select m.source_record_id as review_id, b.behaviour_prior_score, "
            "b.behaviour_probability, m.rule_score, m.risk_level, unnest(b.model_terms) "
            "from intermediate.int_review_behaviour as b "
            "join marts.mart_review_authenticity as m using (feedback_id)"
        ).df()
    frame["product_id"] = frame["review_id"].map(lambda r: rows[r]["product_id"])
    frame["label"] = frame["review_id"].map(lambda r: int(rows[r]["is_filtered"]))
    return frame.sort_values("review_id").reset_index(drop=True)


def term_names(seed: Path = SEED_PATH) -> list[str]:
    """The model's terms, in the seed's order (without the intercept)."""
    with seed.open(encoding="utf-8", newline="") as f:
        return [r["term"] for r in csv.DictReader(f) if r["term"] != "intercept"]


def _fit(x: pd.DataFrame, y: np.ndarray):
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    # A term missing for a review sits at its mean, as the SQL scores it (reference value).
    return make_pipeline(StandardScaler(), LogisticRegression(C=C, max_iter=5000)).fit(
        x.fillna(x.mean()), y
    )


def _ranking(y: np.ndarray, score: np.ndarray) -> dict[str, float]:
    from sklearn.metrics import average_precision_score, roc_auc_score

    return {
        "auc": round(float(roc_auc_score(y, score)), 4),
        "average_precision": round(float(average_precision_score(y, score)), 4),
    }


def flag_threshold(
    y: np.ndarray,
    score: np.ndarray,
    precision: float = STATED_PRECISION,
    min_flags: int = MIN_FLAGS,
) -> float | None:
    """The lowest score whose flags (score >= it) are right at least ``precision`` of the
    time, resting on at least ``min_flags`` reviews; None when no threshold is."""
    order = np.argsort(-score, kind="stable")
    hits = np.cumsum(y[order])
    flagged = np.arange(1, len(y) + 1)
    ok = (hits / flagged >= precision) & (flagged >= min_flags)
    if not ok.any():
        return None
    return float(score[order][np.flatnonzero(ok).max()])


def _flag_figures(y: np.ndarray, score: np.ndarray, threshold: float | None) -> dict[str, Any]:
    if threshold is None:
        return {"threshold": None, "flagged": 0, "precision": None, "recall": 0.0}
    flagged = score >= threshold
    return {
        "threshold": round(threshold, 4),
        "flagged": int(flagged.sum()),
        "flagged_share": round(float(flagged.mean()), 4),
        "precision": round(float(y[flagged].mean()), 4) if flagged.any() else None,
        "recall": round(float(y[flagged].sum() / y.sum()), 4),
    }


def _calibration(logit: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Platt scaling: (slope, intercept) mapping out-of-fold logits to calibrated ones."""
    from sklearn.linear_model import LogisticRegression

    platt = LogisticRegression(C=1e6, max_iter=1000).fit(logit.reshape(-1, 1), y)
    return float(platt.coef_[0, 0]), float(platt.intercept_[0])


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-z))


def cross_validate(
    features: pd.DataFrame, terms: list[str]
) -> tuple[np.ndarray, list[dict[str, Any]]]:
    """Out-of-fold logits of the model over product-grouped folds, and per-fold figures."""
    from sklearn.model_selection import GroupKFold

    y = features["label"].to_numpy()
    prior = features["behaviour_prior_score"].to_numpy()
    logit = np.zeros(len(features))
    folds = []
    splits = GroupKFold(n_splits=FOLDS).split(features, y, features["product_id"])
    for fold, (train, test) in enumerate(splits):
        x_train = features.loc[train, terms]
        model = _fit(x_train, y[train])
        logit[test] = model.decision_function(features.loc[test, terms].fillna(x_train.mean()))
        folds.append(
            {
                "fold": fold,
                "products": int(features.loc[test, "product_id"].nunique()),
                "reviews": len(test),
                "filtered_share": round(float(y[test].mean()), 4),
                "model": _ranking(y[test], logit[test]),
                "prior_mean": _ranking(y[test], prior[test]),
            }
        )
    return logit, folds


def evaluate(features: pd.DataFrame, committed_threshold: float) -> dict[str, Any]:
    """Product-grouped cross-validation of the model beside the prior mean, its calibration,
    and the elevated level's precision."""
    y = features["label"].to_numpy()
    logit, folds = cross_validate(features, term_names())
    slope, intercept = _calibration(logit, y)
    probability = _sigmoid(slope * logit + intercept)
    model_all = _ranking(y, logit)
    spread = {
        metric: [min(f["model"][metric] for f in folds), max(f["model"][metric] for f in folds)]
        for metric in ("auc", "average_precision")
    }
    threshold = flag_threshold(y, probability)
    deciles = pd.qcut(probability, 10, labels=False, duplicates="drop")
    reliability = [
        {
            "mean_probability": round(float(probability[deciles == d].mean()), 4),
            "filtered_share": round(float(y[deciles == d].mean()), 4),
        }
        for d in sorted(set(deciles))
    ]
    warehouse = features["behaviour_probability"].to_numpy()
    levels = {
        level: _flag_figures(y, (features["risk_level"] == level).to_numpy().astype(float), 1.0)
        for level in ("suspected", "elevated")
    }
    return {
        "reviews": len(features),
        "products": int(features["product_id"].nunique()),
        "filtered_share": round(float(y.mean()), 4),
        "folds": folds,
        "model": {**model_all, "fold_range": spread},
        "prior_mean": _ranking(y, features["behaviour_prior_score"].to_numpy()),
        "calibration": {"slope": round(slope, 4), "intercept": round(intercept, 4)},
        "reliability_by_decile": reliability,
        "stated_precision": STATED_PRECISION,
        "threshold_for_stated_precision": None if threshold is None else round(threshold, 4),
        "elevated_at_committed_threshold": _flag_figures(y, probability, committed_threshold),
        "suspected_share_out_of_fold": round(float((probability >= 0.5).mean()), 4),
        "warehouse_probability_in_sample": {
            **_ranking(y, warehouse),
            "max": round(float(warehouse.max()), 4),
        },
        # The six rules on these reviews (their texts are the placeholder, so the rules see
        # behaviour only), and the warehouse's two levels (in sample for the model).
        "rules_only": _ranking(y, features["rule_score"].to_numpy()),
        "warehouse_levels": levels,
        "meets_targets": all(model_all[k] >= v for k, v in TARGETS.items()),
        "targets": TARGETS,
        "tuning_record": TUNING_RECORD,
    }


def write_seed(features: pd.DataFrame, seed: Path = SEED_PATH) -> list[dict[str, Any]]:
    """Refit on every review, calibrate with the out-of-fold logits (Platt), and write the
    weights on each term's own scale to ``seed`` (whose terms it keeps)."""
    terms = term_names(seed)
    y = features["label"].to_numpy()
    logit, _ = cross_validate(features, terms)
    slope, intercept = _calibration(logit, y)
    model = _fit(features[terms], y)
    scaler, lr = model[0], model[-1]
    weights = slope * lr.coef_[0] / scaler.scale_
    bias = slope * float(lr.intercept_[0]) + intercept
    rows = [{"term": "intercept", "weight": round(bias, 6), "reference_value": 0.0}]
    rows += [
        {"term": t, "weight": round(float(w), 6), "reference_value": round(float(m), 6)}
        for t, w, m in zip(terms, weights, scaler.mean_, strict=True)
    ]
    with seed.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=["term", "weight", "reference_value"])
        writer.writeheader()
        writer.writerows(rows)
    return rows


def committed_threshold() -> float:
    """var fake_behaviour_elevated_probability of dbt_project.yml."""
    import yaml

    project = yaml.safe_load((PROJECT_ROOT / "dbt_project" / "dbt_project.yml").read_text())
    return float(project["vars"]["fake_behaviour_elevated_probability"])


def format_report(report: dict[str, Any]) -> str:
    """The report as a table for the terminal."""
    lines = [
        f"{report['reviews']} reviews of {report['products']} products, "
        f"{100 * report['filtered_share']:.1f} % filtered by the platform",
        "",
        f"{'fold':<6}{'products':>9}{'reviews':>9}{'model AUC':>11}{'AP':>7}"
        f"{'prior AUC':>11}{'AP':>7}",
    ]
    for f in report["folds"]:
        lines.append(
            f"{f['fold']:<6}{f['products']:>9}{f['reviews']:>9}{f['model']['auc']:>11.3f}"
            f"{f['model']['average_precision']:>7.3f}{f['prior_mean']['auc']:>11.3f}"
            f"{f['prior_mean']['average_precision']:>7.3f}"
        )
    m, p = report["model"], report["prior_mean"]
    lines += [
        f"{'all':<24}{m['auc']:>11.3f}{m['average_precision']:>7.3f}{p['auc']:>11.3f}"
        f"{p['average_precision']:>7.3f}",
        "",
        f"calibration of the out-of-fold logits: slope {report['calibration']['slope']}, "
        f"intercept {report['calibration']['intercept']}; suspected (p >= 0.5) out of fold: "
        f"{100 * report['suspected_share_out_of_fold']:.2f} %",
        f"elevated at the committed probability "
        f"{report['elevated_at_committed_threshold']['threshold']}: "
        f"{report['elevated_at_committed_threshold']['flagged']} reviews, precision "
        f"{report['elevated_at_committed_threshold']['precision']}, recall "
        f"{report['elevated_at_committed_threshold']['recall']} (out of fold)",
        f"lowest probability reaching precision {report['stated_precision']}: "
        f"{report['threshold_for_stated_precision']}",
        f"the six rules alone: AUC {report['rules_only']['auc']}, AP "
        f"{report['rules_only']['average_precision']}; the warehouse's levels: "
        + "; ".join(
            f"{level} {v['flagged']} reviews, precision {v['precision']}"
            for level, v in report["warehouse_levels"].items()
        ),
        f"the warehouse's own probabilities (in sample): AUC "
        f"{report['warehouse_probability_in_sample']['auc']}, AP "
        f"{report['warehouse_probability_in_sample']['average_precision']}",
        f"targets AUC >= {TARGETS['auc']}, AP >= {TARGETS['average_precision']}: "
        + ("met" if report["meets_targets"] else "NOT met"),
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="labelled behaviour CSV")
    parser.add_argument("--write-model", action="store_true", help="refit and write the seed")
    parser.add_argument(
        "--keep", type=Path, help="build the warehouse in this (new) folder and keep it"
    )
    parser.add_argument("--json", type=Path, default=RESULT_PATH, help="write the report here")
    args = parser.parse_args(argv)
    if not args.data.exists():
        raise SystemExit(f"{args.data}: not found (the labelled reviews live in ../shared/data)")
    started = time.perf_counter()
    if args.keep:
        warehouse, rows = build_warehouse(args.data, args.keep)
        features = read_features(warehouse, rows)
    else:
        with tempfile.TemporaryDirectory(prefix="fake_review_eval_") as tmp:
            warehouse, rows = build_warehouse(args.data, Path(tmp))
            features = read_features(warehouse, rows)
    report = evaluate(features, committed_threshold())
    if args.write_model:
        write_seed(features)
        print(
            f"wrote {SEED_PATH.relative_to(PROJECT_ROOT)}; rerun without --write-model to see "
            "the warehouse's own scores with it"
        )
    report["data"] = args.data.name
    report["seconds"] = round(time.perf_counter() - started, 1)
    print(format_report(report))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
