from ingestion.readers import normalise_column, read_csv, read_jsonl
from voc_core.contracts import Reason


def test_csv_keeps_line_numbers_and_raw_text_of_multiline_records() -> None:
    text = 'a,b\n1,"x\ny"\n\n2,z\n3\n'
    parsed = read_csv(text)
    assert parsed.columns == ["a", "b"]
    assert [(r.line_number, r.values) for r in parsed.records[:2]] == [
        (2, {"a": "1", "b": "x\ny"}),
        (5, {"a": "2", "b": "z"}),
    ]
    bad = parsed.records[2]
    assert (bad.line_number, bad.raw, bad.values) == (6, "3", None)
    assert bad.error.reason == Reason.MALFORMED_ROW


def test_csv_header_is_normalised_and_repeated_names_kept() -> None:
    parsed = read_csv("\ufeff Response ID ,Score,score\n1,2,3\n")
    assert parsed.columns == ["response_id", "score", "score_2"]
    assert parsed.records[0].values == {"response_id": "1", "score": "2", "score_2": "3"}


def test_jsonl_values_become_delivered_text() -> None:
    parsed = read_jsonl('{"id": 1, "ok": true, "tags": ["a"], "n": null, "t": "文"}\n')
    assert parsed.records[0].values == {
        "id": "1",
        "ok": "true",
        "tags": '["a"]',
        "n": None,
        "t": "文",
    }


def test_jsonl_bad_lines_are_reported_with_their_line() -> None:
    parsed = read_jsonl('{"id": "1"}\n\n{"id": \n[1, 2]\n')
    assert [(r.line_number, r.error and r.error.reason) for r in parsed.records] == [
        (1, None),
        (3, Reason.MALFORMED_JSON),
        (4, Reason.MALFORMED_JSON),
    ]
    assert parsed.records[1].raw == '{"id": '


def test_normalise_column() -> None:
    assert normalise_column("Submitted At") == "submitted_at"
    assert normalise_column("reply-content") == "reply_content"
