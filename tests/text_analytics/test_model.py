"""The committed model artefact, its version, and the scoring fast path."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

import text_analytics
from tests.text_analytics.conftest import DATA_DIR
from text_analytics._resources import EVALUATION_FILE, MODEL_FILE
from text_analytics.evaluate import load_out_of_domain
from text_analytics.model import MODEL_FORMAT, SentimentModel, get_model, model_version
from text_analytics.pipeline import prepare


def test_artefact_loads_and_is_small() -> None:
    model = get_model()
    assert MODEL_FILE.stat().st_size < 5 * 1024 * 1024
    assert len(model.weights) > 10_000
    assert model.lex_pos > 0 > model.lex_neg  # the lexicon evidence points the right way
    assert 0 < model.neutral_band < 0.5
    data = json.loads(MODEL_FILE.read_text("utf-8"))
    assert data["format"] == MODEL_FORMAT
    assert "text" not in json.dumps(data["meta"])  # weights and settings only, no reviews


def test_model_version_is_stable() -> None:
    assert re.fullmatch(r"ta\d+-[0-9a-f]{12}", text_analytics.MODEL_VERSION)
    assert model_version() == text_analytics.MODEL_VERSION == model_version()
    fresh = subprocess.run(
        [sys.executable, "-c", "import text_analytics; print(text_analytics.MODEL_VERSION)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert fresh == text_analytics.MODEL_VERSION


def test_model_version_changes_with_the_artefact(tmp_path, monkeypatch) -> None:
    from text_analytics import _resources

    copy = tmp_path / MODEL_FILE.name
    copy.write_bytes(MODEL_FILE.read_bytes() + b" ")
    files = tuple(copy if p == MODEL_FILE else p for p in _resources.SCORING_FILES)
    assert _resources.files_digest(files) != _resources.files_digest()


def test_save_load_round_trip(tmp_path) -> None:
    model = SentimentModel(
        bias=0.0,
        weights={"好": 1.5, "NOT_好": -1.0},
        lex_pos=2.0,
        lex_neg=-2.0,
        neutral_band=0.25,
        meta={"note": "test"},
    )
    path = tmp_path / "m.json"
    model.save(path)
    loaded = SentimentModel.load(path)
    assert loaded.weights == model.weights and loaded.neutral_band == 0.25


def test_fast_path_scores_like_the_training_path() -> None:
    """Scoring-mode extraction (weights summed on the fly) must give the training-mode logits."""
    model = get_model()
    texts = [t.text for t in load_out_of_domain()]
    texts += (DATA_DIR / "sentiment_cases.csv").read_text("utf-8").splitlines()[1:]
    for text in texts:
        slow = model.logits(prepare(text).extracted)
        fast = model.logits(prepare(text, model).extracted)
        assert fast[0] == pytest.approx(slow[0], abs=1e-9)
        assert len(fast[1]) == len(slow[1])


def test_evaluation_table_is_committed() -> None:
    table = json.loads(EVALUATION_FILE.read_text("utf-8"))
    assert table["in_domain_holdout"]["accuracy"] >= 0.9
    assert table["out_of_domain"]["accuracy"] >= 0.9
    assert table["model_version"] == text_analytics.MODEL_VERSION


def test_training_fails_clearly_without_corpus(tmp_path, capsys) -> None:
    from text_analytics.train import main

    assert main(["--corpus", str(tmp_path / "nowhere")]) == 2
    assert "labelled sentiment corpus not found" in capsys.readouterr().err
