"""A warehouse learns its own domain from its ratings: Douban book reviews land as 3,000 rated
marketplace reviews plus unrated social posts of the same domain. After one refresh the adapted
model is promoted, the unrated posts are scored by it, and they are right more often than the
shipped model gets them; with nothing new, nothing is trained or rescored.

Warehouses with too few ratings keep the shipped model: every run of
``tests/e2e/test_source_subsets.py`` checks it. The real corpus is in ``../shared`` (CI has it).
"""

from __future__ import annotations

import csv
import json
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pytest

from tests.conftest import SHARED_DIR
from tests.e2e.fixtures import background_build
from tests.e2e.subset_runs import JobOutcome, refresh
from tests.pipeline import pipeline_settings
from text_analytics import analyse_batch
from text_analytics.adapt import REGISTRY, AdaptationPolicy, adapt, model_in_use
from text_analytics.model import shipped_version
from text_analytics.scoring import score_pending
from voc.score import score_file, warehouse_model
from voc.summary import print_summary

DOUBAN = SHARED_DIR / "data" / "sentiment" / "douban_book_reviews.csv"
RATED = 3000
UNRATED = 1500
START = datetime(2026, 3, 1, 9, 0)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.corpus,
    pytest.mark.skipif(
        not DOUBAN.exists(), reason="needs ../shared/data/sentiment (present in CI)"
    ),
]


def _review(i: int, text: str, rating: int) -> dict:
    return {
        "review_id": f"R{i:05d}",
        "platform": "jd",
        "store_id": f"S{i % 40:02d}",
        "sku": f"BOOK{i % 300:03d}",
        "reviewer_id": f"U{i:05d}",
        "rating": rating,
        "content": text,
        "created_at": (START + timedelta(minutes=97 * i)).isoformat(sep=" "),
    }


def _post(i: int, text: str) -> dict:
    return {
        "post_id": f"P{i:05d}",
        "platform": "xiaohongshu",
        "author_id": f"A{i:05d}",
        "content": text,
        "created_at": (START + timedelta(minutes=131 * i)).isoformat(sep=" "),
    }


def _write_jsonl(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")


def _model_metadata(result: JobOutcome) -> dict:
    [metadata] = result.materializations.get("text_analytics/sentiment_model", [])
    return metadata


def _accuracy(labels: list[str], truth: list[int]) -> float:
    """Share of texts whose label has the truth's polarity (a neutral label counts wrong)."""
    right = [
        (label == "positive") if t else (label == "negative")
        for label, t in zip(labels, truth, strict=True)
    ]
    return float(np.mean(right))


def _rated_and_unrated() -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """The corpus's (text, label) rows, shuffled: the rated reviews and the unrated posts."""
    with DOUBAN.open(encoding="utf-8", newline="") as f:
        rows = [(r["text"], int(r["label"])) for r in csv.DictReader(f)]
    random.Random(5).shuffle(rows)
    return rows[:RATED], rows[RATED : RATED + UNRATED]


@dataclass(frozen=True)
class AdaptationRun:
    landing: Path
    warehouse: Path
    result: JobOutcome


def adaptation_run_in(root: Path) -> AdaptationRun:
    """The rated reviews and unrated posts landed in ``root`` and refreshed once: built in the
    background from the start of the session (``tests.e2e.fixtures.BACKGROUND_BUILDS``)."""
    rated, unrated = _rated_and_unrated()
    stars = random.Random(6)
    landing = root / "landing"
    _write_jsonl(
        landing / "ecommerce_review" / "book_reviews.jsonl",
        [
            _review(i, text, stars.choice((4, 5)) if label else stars.choice((1, 2)))
            for i, (text, label) in enumerate(rated)
        ],
    )
    _write_jsonl(
        landing / "social" / "book_posts.jsonl",
        [_post(i, text) for i, (text, _) in enumerate(unrated)],
    )
    warehouse = root / "warehouse.duckdb"
    return AdaptationRun(landing, warehouse, refresh(landing, warehouse))


@pytest.fixture(scope="module")
def adaptation_run(tmp_path_factory: pytest.TempPathFactory) -> AdaptationRun:
    return background_build("adaptation_run", tmp_path_factory)


def test_rated_reviews_teach_the_domain_and_unrated_posts_gain(
    adaptation_run: AdaptationRun, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, unrated = _rated_and_unrated()
    landing, warehouse, result = (
        adaptation_run.landing,
        adaptation_run.warehouse,
        adaptation_run.result,
    )
    assert result.success, result.failures

    meta = _model_metadata(result)
    assert meta["decision"] == "promoted", meta["reason"]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        registry = con.execute(
            f"select version, base_version, status, is_current, training_rows, heldout_rows, "
            f"base_accuracy, adapted_accuracy, training_rows_by_source from {REGISTRY}"
        ).fetchall()
        posts = con.execute(
            "select f.source_record_id, f.sentiment_label, s.model_version "
            "from marts.fct_feedback f join text_analytics.feedback_scores s using (feedback_id) "
            "where f.source = 'social' order by f.source_record_id"
        ).fetchall()
    [(version, base, status, current, trained, heldout, base_acc, adapted_acc, by_source)] = (
        registry
    )
    assert (base, status, current) == (shipped_version(), "promoted", True)
    assert version == meta["model_in_use"] and version.startswith(f"{base}+ad-")
    # every rated review is either trained on or held back, never both
    assert trained + heldout == RATED and 0.15 * RATED < heldout < 0.25 * RATED
    assert json.loads(by_source) == {"ecommerce_review": trained}
    assert adapted_acc >= base_acc + 0.01

    # the unrated posts: scored by the promoted model, and right more often than the shipped
    # model gets them (its labels computed here, outside the warehouse)
    assert len(posts) == UNRATED and {p[2] for p in posts} == {version}
    truth = [unrated[int(post_id[1:])][1] for post_id, _, _ in posts]
    adapted = _accuracy([label for _, label, _ in posts], truth)
    shipped = _accuracy(
        [r.sentiment_label for r in analyse_batch([unrated[int(p[0][1:])][0] for p in posts])],
        truth,
    )
    assert adapted >= shipped + 0.03, (adapted, shipped)

    # `voc score --warehouse` scores with the same model the warehouse uses
    sample = tmp_path / "posts.csv"
    with sample.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["post_id", "content"])
        writer.writerows((p[0], unrated[int(p[0][1:])][0]) for p in posts[:200])
    score_file(sample, "content", tmp_path / "scored.csv", model=warehouse_model(warehouse))
    with (tmp_path / "scored.csv").open(encoding="utf-8") as f:
        scored = list(csv.DictReader(f))
    assert {r["model_version"] for r in scored} == {version}
    assert [r["sentiment_label"] for r in scored] == [p[1] for p in posts[:200]]

    # `voc summary` names the model in use and the attempt
    print_summary(pipeline_settings(landing, warehouse))
    printed = capsys.readouterr().out
    assert f"Sentiment model in use: {version}" in printed
    assert f"promoted {version}: held-back accuracy {adapted_acc:.3f}" in printed

    # nothing new: the next refresh's two text steps train nothing and rescore nothing
    with duckdb.connect(str(warehouse)) as con:
        again = adapt(con, AdaptationPolicy())
        rescored = score_pending(con, model=model_in_use(con), processes=1)
        assert con.execute(f"select count(*) from {REGISTRY}").fetchone()[0] == 1
    assert again.decision == "skipped" and "waits" in again.reason
    assert (rescored.pending, rescored.model_version) == (0, version)
