"""The fitting side of the behaviour model (bench/fake_review_eval.py): the seed it writes
scores exactly as the calibrated model does, and the threshold it states holds its
precision."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bench.fake_review_eval import (
    _calibration,
    _fit,
    cross_validate,
    flag_threshold,
    write_seed,
)

TERMS = ["a", "b", "c"]


def _features(n: int = 3000, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(rng.normal(size=(n, 3)) * [1.0, 2.0, 0.5] + [0, 5, 1], columns=TERMS)
    frame.loc[rng.random(n) < 0.1, "c"] = np.nan  # a term some reviews have no value for
    logit = -2 + 1.2 * frame["a"] - 0.4 * (frame["b"] - 5)
    frame["label"] = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    frame["product_id"] = (np.arange(n) % 40).astype(str)
    frame["behaviour_prior_score"] = rng.random(n)  # the floor the folds report beside
    return frame


def test_the_seed_scores_as_the_calibrated_model(tmp_path: Path) -> None:
    features = _features()
    seed = tmp_path / "model.csv"
    seed.write_text("term,weight,reference_value\nintercept,0,0\na,0,0\nb,0,0\nc,0,0\n")
    write_seed(features, seed)
    with seed.open(encoding="utf-8", newline="") as f:
        weights = {
            r["term"]: (float(r["weight"]), float(r["reference_value"])) for r in csv.DictReader(f)
        }
    assert list(weights) == ["intercept", *TERMS]

    # What the SQL does: intercept + sum of weight x (value, or the reference, - reference).
    logit = np.full(len(features), weights["intercept"][0])
    for term in TERMS:
        weight, reference = weights[term]
        logit += weight * (features[term].fillna(reference) - reference)

    y = features["label"].to_numpy()
    slope, intercept = _calibration(cross_validate(features, TERMS)[0], y)
    model = _fit(features[TERMS], y)
    expected = slope * model.decision_function(features[TERMS].fillna(features[TERMS].mean()))
    np.testing.assert_allclose(logit, expected + intercept, atol=1e-4)
    # The planted effect is found: a raises the score, b lowers it, c does nothing much.
    assert weights["a"][0] > 0.8 and weights["b"][0] < -0.2 and abs(weights["c"][0]) < 0.2


def test_the_threshold_is_the_lowest_that_keeps_its_precision() -> None:
    scores = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2])
    labels = np.array([1, 0, 1, 0, 0, 1, 0, 0])
    # Flag >= 0.7: 2 of 3 right; >= 0.4: 3 of 6 = 0.5; >= 0.2: 3 of 8.
    assert flag_threshold(labels, scores, precision=0.5, min_flags=1) == 0.4
    assert flag_threshold(labels, scores, precision=0.6, min_flags=1) == 0.7
    assert flag_threshold(labels, scores, precision=0.6, min_flags=4) is None
    assert flag_threshold(labels, scores, precision=1.0, min_flags=1) == pytest.approx(0.9)
