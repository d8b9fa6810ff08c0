"""``score_file``: CSV and JSON Lines in, the same format out; user errors are readable."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pytest

from text_analytics import MODEL_VERSION
from voc.score import ScoreInputError, score_file

ROWS = [
    {"review_id": "r1", "content": "物流很快，但是客服态度很差", "rating": 2},
    {"review_id": "r2", "content": "", "rating": 3},
    {"review_id": "r3", "content": "😊👍", "rating": 5},
    {"review_id": "r4", "content": "這個商品質量很好", "rating": 5},
    {"review_id": "r5", "content": "有问题打13812345678", "rating": 4},
]


def _write_csv(path: Path, encoding: str) -> Path:
    pd.DataFrame(ROWS).to_csv(path, index=False, encoding=encoding)
    return path


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_round_trip(tmp_path: Path, encoding: str) -> None:
    rows = ROWS  # GB18030 encodes every code point, emoji included
    src = _write_csv(tmp_path / "reviews.csv", encoding)
    assert score_file(src, "content", None) == 0
    out = tmp_path / "reviews.scored.csv"
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") == (encoding == "utf-8-sig")
    df = pd.read_csv(out, dtype=str, keep_default_na=False, encoding=encoding)
    assert list(df["review_id"]) == [r["review_id"] for r in rows]
    first = df.iloc[0]
    assert first["sentiment_label"] == "negative"
    assert first["primary_topic"] == "service_attitude"
    assert {t["topic"] for t in json.loads(first["topics"])} == {"logistics", "service_attitude"}
    assert first["model_version"] == MODEL_VERSION
    empty = df[df["review_id"] == "r2"].iloc[0]
    assert (empty["script"], empty["sentiment_label"]) == ("none", "neutral")
    masked = df[df["review_id"] == "r5"].iloc[0]
    assert "[PHONE]" in masked["text_clean"] and "13812345678" not in masked["text_clean"]


def test_jsonl_round_trip(tmp_path: Path) -> None:
    src = tmp_path / "reviews.jsonl"
    src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in ROWS) + "\n\n", "utf-8")
    out = tmp_path / "out.jsonl"
    assert score_file(src, "content", out) == 0
    rows = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert [r["review_id"] for r in rows] == [r["review_id"] for r in ROWS]
    assert rows[0]["rating"] == 2  # input fields kept with their types
    assert rows[0]["topics"][0] == {
        "topic": "logistics",
        "label": "positive",
        "score": rows[0]["topics"][0]["score"],
    }
    assert isinstance(rows[0]["tokens"], list) and isinstance(rows[0]["simhash"], int)
    assert rows[2]["script"] == "none" and rows[2]["sentiment_label"] == "neutral"
    assert rows[3]["script"] == "hant"


def test_json_array_and_sniffed_format(tmp_path: Path) -> None:
    src = tmp_path / "reviews.json"
    src.write_text(json.dumps(ROWS, ensure_ascii=False), "utf-8")
    score_file(src, "content", None)
    assert len(json.loads((tmp_path / "reviews.scored.json").read_text("utf-8"))) == len(ROWS)

    sniffed = tmp_path / "export.txt"
    sniffed.write_text(json.dumps(ROWS[0], ensure_ascii=False) + "\n", "utf-8")
    score_file(sniffed, "content", None)
    assert json.loads((tmp_path / "export.scored.txt").read_text("utf-8"))["script"] == "hans"


def test_missing_text_column_is_a_clear_error(tmp_path: Path) -> None:
    src = _write_csv(tmp_path / "reviews.csv", "utf-8")
    with pytest.raises(ScoreInputError, match=r"no column 'comment'.*review_id, content"):
        score_file(src, "comment", None)
    jsonl = tmp_path / "reviews.jsonl"
    jsonl.write_text(json.dumps({"id": 1, "text": "好"}) + "\n", "utf-8")
    with pytest.raises(ScoreInputError, match="no field 'content'"):
        score_file(jsonl, "content", None)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bad.jsonl", '{"content": "好"}\n{not json\n', "line 2 is not valid JSON"),
        ("list.jsonl", "[1, 2]\n", "expected a JSON array of objects|not a JSON object"),
        ("empty.csv", "", "file is empty"),
    ],
)
def test_malformed_input_is_a_clear_error(
    tmp_path: Path, name: str, content: str, message: str
) -> None:
    src = tmp_path / name
    src.write_text(content, "utf-8")
    with pytest.raises(ScoreInputError, match=message):
        score_file(src, "content", None)


def test_unreadable_input(tmp_path: Path) -> None:
    with pytest.raises(ScoreInputError, match="does not exist"):
        score_file(tmp_path / "missing.csv", "content", None)
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"\x81\x30\xff\xfe\x00")
    with pytest.raises(ScoreInputError, match="are not valid"):
        score_file(binary, "content", None)


def test_big5_csv_is_read_and_scored_to_utf8(tmp_path: Path) -> None:
    src = tmp_path / "cards_tw.csv"
    src.write_bytes(
        "id,content\n1,店員服務很親切，環境乾淨\n2,等候時間太長了，很失望\n".encode("big5")
    )
    out = tmp_path / "cards_tw.scored.csv"
    score_file(src, "content", out)
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["content"] for r in rows] == ["店員服務很親切，環境乾淨", "等候時間太長了，很失望"]
    assert [r["script"] for r in rows] == ["hant", "hant"]
    assert [r["sentiment_label"] for r in rows] == ["positive", "negative"]
