"""The sample-data generator: deterministic, complete, messy in the planned ways, and honest
about it in the ground truth."""

from __future__ import annotations

import codecs
import csv
import io
import json
import math
import random
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import opencc
import pytest

from ingestion.readers import read_records
from ingestion.validation import RowValidator
from sample_data import DEFAULT_END_DATE, GenerationSummary, generate
from voc_core.contracts import SOURCES, Reason

TINY = {"days": 30, "customers": 300, "seed": 7}
SMALL = {"days": 84, "customers": 2500, "seed": 11}


def _run(root: Path, **kwargs) -> GenerationSummary:
    return generate(root / "landing", truth_dir=root / "truth", **kwargs)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, GenerationSummary]:
    root = tmp_path_factory.mktemp("tiny")
    return root, _run(root, **TINY)


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, GenerationSummary]:
    root = tmp_path_factory.mktemp("small")
    return root, _run(root, **SMALL)


def _truth(root: Path, name: str) -> list[dict[str, str]]:
    with open(root / "truth" / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _files(root: Path) -> list[dict[str, str]]:
    return _truth(root, "files.csv")


def _read_text(root: Path, info: dict[str, str]) -> str:
    return (root / "landing" / info["file"]).read_bytes().decode(info["encoding"])


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


# -- determinism ----------------------------------------------------------------------------


def test_same_arguments_give_byte_identical_files(tmp_path: Path, tiny) -> None:
    first_root, _ = tiny
    _run(tmp_path, **TINY)
    assert _tree(tmp_path / "landing") == _tree(first_root / "landing")
    truth_a, truth_b = _tree(tmp_path / "truth"), _tree(first_root / "truth")
    truth_a.pop("summary.json")  # holds the output paths
    truth_b.pop("summary.json")
    assert truth_a == truth_b


def test_another_seed_gives_other_data(tmp_path: Path, tiny) -> None:
    first_root, _ = tiny
    _run(tmp_path, **{**TINY, "seed": 8})
    assert _tree(tmp_path / "landing") != _tree(first_root / "landing")


def test_rerun_replaces_the_source_folders(tmp_path: Path) -> None:
    stale = tmp_path / "landing" / "survey" / "old_export.csv"
    stale.parent.mkdir(parents=True)
    stale.write_text("response_id\nR1\n")
    keep = tmp_path / "landing" / "README.txt"
    keep.write_text("not ours")
    _run(tmp_path, days=10, customers=50, seed=1)
    assert not stale.exists()
    assert keep.exists()


def test_default_truth_dir_is_beside_the_landing_folder(tmp_path: Path) -> None:
    summary = generate(tmp_path / "landing", days=7, customers=40, seed=3)
    assert Path(summary.truth_dir) == tmp_path / "ground_truth"
    assert (tmp_path / "ground_truth" / "feedback.csv").exists()
    assert summary.end_date == DEFAULT_END_DATE.isoformat()


# -- layout and contract --------------------------------------------------------------------


def test_every_source_folder_is_written_with_its_required_columns(small) -> None:
    root, summary = small
    for source in SOURCES:
        assert (root / "landing" / source).is_dir(), source
        assert summary.files_per_source[source] >= 1
        assert summary.rows_per_source[source] >= 1
    for info in _files(root):
        contract = SOURCES[info["source"]]
        parsed = read_records(_read_text(root, info), contract.file_format)
        assert len(parsed.records) == int(info["rows"]), info["file"]
        missing = set(contract.required) - set(parsed.columns)
        if info["kind"] == "missing_required_column":
            assert missing == {"visit_date"}
        else:
            assert not missing, info["file"]


def test_summary_counts_match_the_files(small) -> None:
    root, summary = small
    files = _files(root)
    for source in SOURCES:
        rows = sum(int(f["rows"]) for f in files if f["source"] == source)
        assert summary.rows_per_source[source] == rows
    assert summary.feedback_items == len(_truth(root, "feedback.csv"))
    assert json.loads((root / "truth" / "summary.json").read_text()) == summary.to_dict()


def test_volume_scales_with_customers(tmp_path: Path) -> None:
    one = _run(tmp_path / "a", days=28, customers=400, seed=5)
    two = _run(tmp_path / "b", days=28, customers=1200, seed=5)
    ratio = two.rows_per_source["order"] / one.rows_per_source["order"]
    assert 2.4 < ratio < 3.6
    ratio = two.feedback_items / one.feedback_items
    assert 2.2 < ratio < 3.6


def test_references_join_across_sources(small) -> None:
    """References exist, bar those whose CRM or order row was planted broken."""
    root, _ = small
    customers, orders = set(), set()
    for info in _files(root):
        text = _read_text(root, info)
        if info["source"] == "crm_customer":
            customers |= {r["customer_id"] for r in csv.DictReader(io.StringIO(text))}
        if info["source"] == "order":
            orders |= {r["order_id"] for r in csv.DictReader(io.StringIO(text))}
    defects = _truth(root, "defects.csv")
    crm_defects = sum(d["source"] == "crm_customer" for d in defects)
    order_defects = sum(d["source"] == "order" for d in defects)
    linked, unknown_customers, unknown_orders = 0, set(), set()
    for info in _files(root):
        if info["source"] != "ecommerce_review" or info["kind"] != "regular":
            continue
        for line in _read_text(root, info).splitlines():
            try:
                row = json.loads(line)
            except json.JSONDecodeError:
                continue
            if row.get("order_id"):
                linked += 1
                if row["order_id"] not in orders:
                    unknown_orders.add(row["order_id"])
            if row.get("customer_id") and row["customer_id"] not in customers:
                unknown_customers.add(row["customer_id"])
    assert linked > 100
    assert len(unknown_customers) <= crm_defects
    assert len(unknown_orders) <= order_defects


# -- defects --------------------------------------------------------------------------------


def test_planted_defects_are_where_the_truth_says(small) -> None:
    root, summary = small
    defects = _truth(root, "defects.csv")
    assert {d["reason"] for d in defects} >= {
        Reason.MALFORMED_JSON,
        Reason.MALFORMED_ROW,
        Reason.MISSING_REQUIRED_VALUE,
        Reason.INVALID_TIMESTAMP,
        Reason.FUTURE_TIMESTAMP,
        Reason.INVALID_NUMBER,
        Reason.OUT_OF_RANGE,
        Reason.UNKNOWN_ENUM,
    }
    by_file = {f["file"]: f for f in _files(root)}
    for d in defects:
        info = by_file[d["file"]]
        lines = _read_text(root, info).splitlines()
        line = lines[int(d["line"]) - 1]
        if d["reason"] == Reason.MALFORMED_JSON:
            with pytest.raises(json.JSONDecodeError):
                json.loads(line)
        elif d["reason"] == Reason.MALFORMED_ROW:
            header = next(csv.reader([lines[0]]))
            assert len(next(csv.reader([line]))) != len(header)
    rows = sum(summary.rows_per_source[s] for s in SOURCES)
    assert 0.002 < len(defects) / rows < 0.02


def test_the_loader_rules_find_exactly_the_planted_defects(small) -> None:
    """Read every file with the project's reader and contract rules: same defects, no others."""
    root, _ = small
    expected = {(d["file"], int(d["line"]), d["reason"]) for d in _truth(root, "defects.csv")}
    found = set()
    now = datetime.now(timezone.utc)
    for info in _files(root):
        if info["kind"] in ("duplicate", "missing_required_column"):
            continue
        contract = SOURCES[info["source"]]
        validator = RowValidator(contract, "Asia/Shanghai", now)
        for record in read_records(_read_text(root, info), contract.file_format).records:
            problem = record.error or validator.check(record.values)
            if problem:
                found.add((info["file"], record.line_number, problem.reason))
    assert found == expected


def test_whole_file_rejection_duplicate_and_correction_are_recorded(small) -> None:
    root, _ = small
    deliveries = json.loads((root / "truth" / "deliveries.json").read_text())
    landing = root / "landing"

    dup = deliveries["duplicate_file"]
    assert (landing / dup["original"]).read_bytes() == (landing / dup["duplicate"]).read_bytes()

    rejected = deliveries["rejected_file"]
    assert rejected["reason"] == Reason.MISSING_REQUIRED_COLUMN
    text = (landing / rejected["file"]).read_bytes().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == rejected["rows"] > 0
    assert "visit_date" not in rows[0]

    correction = deliveries["correction"]
    assert correction["keys"]
    original = {r["ticket_id"]: r for r in _csv_rows(root, correction["corrects_file"])}
    corrected = {r["ticket_id"]: r for r in _csv_rows(root, correction["file"])}
    assert set(corrected) == set(correction["keys"])
    for key in correction["keys"]:
        assert key in original
        changed = {c for c in corrected[key] if corrected[key][c] != original[key][c]}
        assert changed and changed <= set(correction["changes"][key])
    assert correction["file"] > correction["corrects_file"]  # delivered (and sorted) later

    drift = {d["column"]: d for d in deliveries["extra_columns"]}
    assert set(drift) == {"campaign_id", "sentiment_tag"}
    assert drift["campaign_id"]["first_file"].startswith("survey/")


def _csv_rows(root: Path, rel: str) -> list[dict[str, str]]:
    info = next(f for f in _files(root) if f["file"] == rel)
    return list(csv.DictReader(io.StringIO(_read_text(root, info))))


# -- encodings and text ---------------------------------------------------------------------


def test_legacy_encodings_are_real(tiny) -> None:
    root, summary = tiny
    files = _files(root)
    assert summary.files_by_encoding.get("big5", 0) >= 1
    assert summary.files_by_encoding.get("gb18030", 0) >= 2
    to_simplified = opencc.OpenCC("t2s")
    for info in files:
        data = (root / "landing" / info["file"]).read_bytes()
        content = data.removeprefix(codecs.BOM_UTF8)
        assert (info["ascii_only"] == "true") == content.isascii()
        if info["encoding"] in ("big5", "gb18030"):
            text = data.decode(info["encoding"])  # strict
            if info["ascii_only"] == "false":
                with pytest.raises(UnicodeDecodeError):
                    data.decode("utf-8")
            if info["encoding"] == "big5":
                assert to_simplified.convert(text) != text  # traditional script
        elif info["encoding"] == "utf-8-sig":
            assert data.startswith(codecs.BOM_UTF8)
        else:
            assert not data.startswith(codecs.BOM_UTF8)
            data.decode("utf-8")
    legacy = [f for f in files if f["encoding"] in ("big5", "gb18030")]
    assert {f["encoding"] for f in legacy if f["ascii_only"] == "false"} == {"big5", "gb18030"}


def test_texts_are_varied_messy_and_mixed_script(small) -> None:
    root, _ = small
    texts = []
    for info in _files(root):
        contract = SOURCES[info["source"]]
        if not contract.text_column or info["kind"] != "regular":
            continue
        for record in read_records(_read_text(root, info), contract.file_format).records:
            if record.values and record.values.get(contract.text_column):
                texts.append(record.values[contract.text_column])
    sample = random.Random(0).sample(texts, 2000)
    assert len(set(sample)) / len(sample) > 0.8
    lengths = [len(t) for t in texts]
    assert min(lengths) <= 4 and max(lengths) >= 200
    joined = "\n".join(texts)
    markers = ("<br", "&amp;", "#禾光", "@", "http", "好评", "差评", "但是", "闪退", "客户来电")
    for marker in markers:
        assert marker in joined, marker
    scripts = [r["script"] for r in _truth(root, "feedback.csv") if r["has_text"] == "true"]
    hant = scripts.count("hant") / len(scripts)
    assert 0.05 < hant < 0.15


def test_personal_data_is_planted_and_recorded(small) -> None:
    root, _ = small
    pii = _truth(root, "pii.csv")
    kinds = {r["kind"] for r in pii if r["is_personal"] == "true"}
    assert {"mobile_cn", "email", "contact_phone"} <= kinds
    assert any(r["is_personal"] == "false" for r in pii)
    for row in pii:
        if row["kind"] == "id_card":
            digits = row["value"]
            weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
            total = sum(int(d) * w for d, w in zip(digits[:17], weights, strict=True))
            assert "10X98765432"[total % 11] == digits[17]


def _survey_answers(root: Path) -> list[tuple[dict[str, str], dict[str, str]]]:
    """(landed row, truth row) of every regular survey answer with a score."""
    truth = {
        r["source_record_id"]: r for r in _truth(root, "feedback.csv") if r["source"] == "survey"
    }
    answers = []
    for info in _files(root):
        if info["source"] != "survey" or info["kind"] != "regular":
            continue
        for record in read_records(_read_text(root, info), "csv").records:
            row = record.values or {}
            t = truth.get(row.get("response_id") or "")
            if t and not t["quarantine_reason"] and row.get("score"):
                answers.append((row, t))
    return answers


def test_survey_comments_explain_their_score(small) -> None:
    """A detractor's comment leads with a complaint and a promoter's with praise whenever
    the comment holds one (the planted driver effects decide the score, the comment
    explains it)."""
    root, _ = small
    checked = 0
    for row, t in _survey_answers(root):
        kind, score = row["survey_type"], int(row["score"])
        if kind == "ces" or t["has_text"] != "true":
            continue
        plain = "positive" if score >= {"nps": 9, "csat": 4}[kind] else None
        if score <= {"nps": 6, "csat": 2}[kind]:
            plain = "negative"
        said = {pair.split(":")[1] for pair in t["topic_sentiments"].split("|") if pair}
        if plain and plain in said:
            assert t["true_sentiment"] == plain, (row, t)
            checked += 1
    assert checked > 200


def test_planted_driver_effects_are_what_the_scores_show(small) -> None:
    """Least squares of the 0-10 score on each topic's negative mention in the comment (as
    written, from the truth) gives back the planted effects, the null topics near zero."""
    root, _ = small
    planted = {r["topic"]: float(r["nps_effect"]) for r in _truth(root, "key_driver_effects.csv")}
    topics = sorted(planted)
    rows, scores = [], []
    for row, t in _survey_answers(root):
        if row["survey_type"] != "nps":
            continue
        negative = {p.split(":")[0] for p in t["topic_sentiments"].split("|") if "negative" in p}
        rows.append([1.0] + [1.0 if topic in negative else 0.0 for topic in topics])
        scores.append(float(row["score"]))
    design, target = np.array(rows), np.array(scores)
    coefficients = np.linalg.lstsq(design, target, rcond=None)[0][1:]
    residual = target - design @ np.linalg.lstsq(design, target, rcond=None)[0]
    covariance = np.linalg.inv(design.T @ design) * residual.var(ddof=design.shape[1])
    errors = np.sqrt(np.diag(covariance))[1:]
    assert len(target) > 500
    for topic, estimate, error in zip(topics, coefficients, errors, strict=True):
        assert abs(estimate - planted[topic]) < 3 * error + 0.05, (topic, estimate, error)
    assert planted["logistics"] == min(planted.values())
    assert planted["store_environment"] == planted["process"] == 0.0


# -- planted effects ------------------------------------------------------------------------


def test_improvement_actions_have_their_planned_effects(small) -> None:
    root, _ = small
    actions = _truth(root, "actions.csv")
    assert sum(a["effective"] == "true" for a in actions) >= 3
    assert sum(a["effective"] == "false" for a in actions) >= 2
    for a in actions:
        if int(a["mentions_before"] or 0) < 40 or int(a["mentions_after"] or 0) < 40:
            continue
        before = float(a["realised_negative_share_before"])
        after = float(a["realised_negative_share_after"])
        drop = before - after
        if a["effective"] == "true":
            assert drop > 0.12, a
        else:
            # Ineffective: the after share is the before share moved only by a market-wide
            # change that started on launch day (blank: none).
            shift = float(a["market_shift_log_odds"] or 0.0)
            expected = 1 / (1 + math.exp(-(math.log(before / (1 - before)) + shift)))
            assert abs(after - expected) < 0.1, a
    shifts = _truth(root, "market_shifts.csv")
    assert shifts, "a market-wide change coincides with an ineffective action"
    by_id = {a["action_id"]: a for a in actions}
    for m in shifts:
        action = by_id[m["coincides_with"]]
        assert action["effective"] == "false" and action["topic"] == m["topic"]
        assert m["first_day"] == action["launched_at"]
        assert float(action["market_shift_log_odds"]) == float(m["log_odds"]) < 0
    landed = _csv_rows(root, "improvement_action/improvement_actions.csv")
    assert [r["action_id"] for r in landed] == [a["action_id"] for a in actions]


def test_fake_reviews_are_planted_and_recorded(small) -> None:
    root, _ = small
    fakes = _truth(root, "fake_reviews.csv")
    patterns = {f["pattern"] for f in fakes}
    assert patterns == {
        "identical_text",
        "near_duplicate",
        "burst",
        "velocity",
        "new_account_attack",
        "rating_text_mismatch",
        "generic_template",
    }
    flagged = {
        r["source_record_id"] for r in _truth(root, "feedback.csv") if r["is_fake"] == "true"
    }
    assert flagged == {f["review_id"] for f in fakes}
    contents: dict[str, str] = {}
    for info in _files(root):
        if info["source"] == "ecommerce_review" and info["kind"] == "regular":
            for line in _read_text(root, info).splitlines():
                try:
                    row = json.loads(line)
                except json.JSONDecodeError:
                    continue
                if row.get("review_id") in flagged:
                    contents[row["review_id"]] = row["content"]
    assert set(contents) == flagged
    identical = [contents[f["review_id"]] for f in fakes if f["pattern"] == "identical_text"]
    campaigns = [f for f in fakes if f["pattern"] == "identical_text"]
    assert len(set(identical)) <= len({f["campaign_id"] for f in campaigns})
    assert len({f["reviewer_id"] for f in campaigns}) == len(campaigns)
