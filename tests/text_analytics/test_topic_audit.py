"""Topics on real text: coverage of negative reviews and the hand-labelled precision audit.

The labels (``data/topic_audit_labels.csv``, rule in ``topic_audit_labels.md``) were written by
reading each audit text before looking at the tagger's output; the lexicon is tuned on the other
hash buckets (``topic_audit.TUNING``). Where a target of the issue is not reached the test holds
the measured figure as a floor (``MEASURED_FLOORS``) so a regression still fails.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import pytest

from text_analytics import topic_audit as ta

CORPUS_DIR = ta.DEFAULT_CORPUS_DIR

#: Measured on the audit (text_analytics/resources/topic_audit.json), below the issue's targets:
#: not reached yet, held so that they do not get worse.
#: Round 2 (TUNING): coverage 0.741 -> 0.794, process 0.57 (12/21) -> 0.81 (13/16), price 0.82
#: (18/22) -> 0.79 (15/19; three correct price tags lost, the four wrong ones kept).
MEASURED_FLOORS = {
    "coverage": {"shopping": 0.84, "nlpcc": 0.81, "douban": 0.71, "all": 0.79},
    "precision": {"process": 0.81, "price": 0.78},
}


@pytest.fixture(scope="module")
def result() -> dict:
    missing = [f for f in ta.CORPORA.values() if not (CORPUS_DIR / f).is_file()]
    if missing:
        pytest.skip(f"shared corpora not present at {CORPUS_DIR} (missing {', '.join(missing)})")
    return ta.audit(CORPUS_DIR)


def test_labels_file_is_keys_and_topics_only() -> None:
    lines = ta.LABELS_FILE.read_text(encoding="utf-8").splitlines()
    rows = list(csv.reader(ln for ln in lines if not ln.startswith("#")))
    assert rows[0] == ["corpus", "row", "topics"]
    assert all(len(r) == 3 for r in rows)  # never the texts
    labels = ta.load_labels()
    assert len(labels) == len({(lab.corpus, lab.row) for lab in labels}) == 200
    assert Counter(lab.corpus for lab in labels) == {
        f: ta.AUDIT_PER_CORPUS for f in ta.CORPORA.values()
    }
    assert Path(ta.LABELS_FILE.with_suffix(".md")).is_file()  # the labelling rule


def test_labels_match_the_audit_sample(result: dict) -> None:
    # ta.audit raises when the labelled rows are not exactly the drawn sample
    assert result["audit_texts"] == 200


def test_coverage_of_negative_reviews(result: dict) -> None:
    for corpus, row in result["coverage"].items():
        floor = MEASURED_FLOORS["coverage"].get(corpus, ta.COVERAGE_TARGET)
        assert row["coverage"] >= floor, (corpus, row)


def test_precision_per_topic_with_enough_cases(result: dict) -> None:
    checked = []
    for topic, row in result["per_topic"].items():
        if topic == ta.OTHER or row["tagged"] < ta.MIN_CASES:
            continue
        floor = MEASURED_FLOORS["precision"].get(topic, ta.PRECISION_TARGET)
        assert row["precision"] >= floor, (topic, row)
        checked.append(topic)
    assert "product_quality" in checked  # the one topic that meets the target


def test_precision_floors_hold_with_few_cases(result: dict) -> None:
    # process has fewer than MIN_CASES tags on the audit now; its floor still holds
    for topic, floor in MEASURED_FLOORS["precision"].items():
        row = result["per_topic"][topic]
        assert row["tagged"] > 0 and row["precision"] >= floor, (topic, row)


def test_tuning_record_is_in_the_figures(result: dict) -> None:
    rounds = result["tuning"]
    assert [r["round"] for r in rounds] == list(range(1, len(rounds) + 1))
    assert all(r["tuned_on"] and r["looked_at"] for r in rounds)


def test_committed_figures_are_current(result: dict) -> None:
    committed = json.loads(ta.AUDIT_JSON.read_text(encoding="utf-8"))
    assert committed == result, "rerun: python -m text_analytics.topic_audit --write"


def test_report_prints_every_topic(result: dict) -> None:
    report = ta.format_report(result)
    for topic in (*ta.REAL_TOPICS, ta.OTHER):
        assert topic in report
