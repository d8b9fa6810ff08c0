"""The loader on the hand-written landing fixture, against a real DuckDB file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingestion import loader as loader_module
from ingestion.loader import FileStatus, load_source
from tests.landing_fixture import EXPECTED
from voc_core.contracts import SOURCES


def load_all(con, landing: Path) -> dict:
    return {s: load_source(con, s, landing, "Asia/Shanghai") for s in SOURCES}


def counts(con) -> dict[str, int]:
    out = {s: con.execute(f'select count(*) from raw."{s}"').fetchone()[0] for s in SOURCES}
    out["_quarantine"] = con.execute("select count(*) from raw._quarantine").fetchone()[0]
    out["_files"] = con.execute("select count(*) from raw._files").fetchone()[0]
    return out


def test_every_source_loads_with_the_expected_rows_and_reasons(con, landing) -> None:
    reports = load_all(con, landing)
    for source, (read, loaded, reasons) in EXPECTED.items():
        report = reports[source]
        assert report.total("rows_read") == read, source
        assert report.total("rows_loaded") == loaded, source
        assert report.reason_counts() == reasons, source
        table_rows = con.execute(f'select count(*) from raw."{source}"').fetchone()[0]
        assert table_rows == loaded, source
        by_reason = dict(
            con.execute(
                "select reason, count(*) from raw._quarantine where source = ? group by 1",
                [source],
            ).fetchall()
        )
        assert by_reason == reasons, source


def test_read_equals_loaded_plus_quarantined_for_every_file(con, landing) -> None:
    load_all(con, landing)
    mismatches = con.execute(
        """
        select f.file_path, f.rows_read, f.rows_loaded, f.rows_quarantined,
               coalesce(q.n, 0) as quarantine_rows
        from raw._files f
        left join (select file_path, count(*) n from raw._quarantine group by 1) q
            using (file_path)
        where f.rows_read != f.rows_loaded + f.rows_quarantined
           or f.rows_quarantined != coalesce(q.n, 0)
        """
    ).fetchall()
    assert mismatches == []
    for source in SOURCES:
        manifest_loaded = con.execute(
            "select coalesce(sum(rows_loaded), 0) from raw._files where source = ?", [source]
        ).fetchone()[0]
        table = con.execute(f'select count(*) from raw."{source}"').fetchone()[0]
        assert manifest_loaded == table, source


def test_encodings_are_detected_and_recorded(con, landing) -> None:
    load_all(con, landing)
    encodings = dict(con.execute("select source, encoding from raw._files").fetchall())
    assert encodings["support_ticket"] == "gb18030"
    assert encodings["store_card"] == "big5"
    assert encodings["survey"] in ("utf-8-sig", "utf-8")
    assert (
        con.execute("select comment from raw.store_card where card_id = 'K1'").fetchone()[0]
        == "店員服務很親切，環境乾淨"
    )
    assert (
        con.execute("select description from raw.support_ticket where ticket_id = 'T1'").fetchone()[
            0
        ]
        == "客户来电反映退货流程太复杂"
    )
    bom_file = con.execute(
        "select encoding from raw._files where file_path like '%05-03_survey.csv'"
    ).fetchone()[0]
    assert bom_file == "utf-8-sig"
    # The BOM does not leak into the first column's name.
    assert con.execute("select count(*) from raw.survey where response_id = 'R1'").fetchone()[0]


def test_missing_required_column_quarantines_the_whole_file(con, landing) -> None:
    load_all(con, landing)
    status, message, read, quarantined = con.execute(
        "select status, message, rows_read, rows_quarantined from raw._files "
        "where file_path = 'improvement_action/actions_v1.csv'"
    ).fetchone()
    assert status == FileStatus.REJECTED
    assert "launched_at" in message and "whole file" in message
    assert (read, quarantined) == (2, 2)
    raw = con.execute(
        "select raw_content from raw._quarantine where file_path like '%actions_v1.csv' "
        "order by line_number"
    ).fetchall()
    assert [r[0] for r in raw] == ["A01,缩短退款时长,process", "A02,客服培训,service_attitude"]


def test_quarantine_keeps_file_line_and_raw_content(con, landing) -> None:
    load_all(con, landing)
    row = con.execute(
        "select file_path, line_number, raw_content, message from raw._quarantine "
        "where reason = 'MALFORMED_JSON'"
    ).fetchone()
    assert row[0] == "app_review/app_20260501.jsonl"
    assert row[1] == 3
    assert row[2].startswith('{"review_id": "A3"')
    assert "JSON" in row[3]
    future = con.execute(
        "select line_number from raw._quarantine where reason = 'FUTURE_TIMESTAMP'"
    ).fetchone()
    # Header + R1 + R2 (two physical lines) + R3..R7: R8 starts on line 10.
    assert future == (10,)


def test_unknown_extra_column_is_kept(con, landing) -> None:
    load_all(con, landing)
    extra = con.execute("select _extra from raw.survey where response_id = 'R1'").fetchone()[0]
    assert json.loads(extra) == {"campaign": "spring"}
    assert (
        con.execute("select platform from raw.app_review where review_id = 'A2'").fetchone()[0]
        == "harmony"
    )


def test_same_bytes_under_another_name_is_a_duplicate(con, landing) -> None:
    load_all(con, landing)
    status, message = con.execute(
        "select status, message from raw._files where file_path like '%resent.csv'"
    ).fetchone()
    assert status == FileStatus.DUPLICATE
    assert "orders_202604.csv" in message


def test_loading_the_same_folder_twice_changes_nothing(con, landing) -> None:
    load_all(con, landing)
    first = counts(con)
    second_reports = load_all(con, landing)
    assert counts(con) == first
    assert all(not r.files for r in second_reports.values())


def test_a_new_file_is_loaded_on_the_next_run(con, landing) -> None:
    load_all(con, landing)
    (landing / "social" / "weibo_20260502.jsonl").write_text(
        '{"post_id": "P2", "platform": "douyin", "author_id": "d1", "content": "好评",'
        ' "created_at": "2026-05-02T12:00:00+08:00"}\n',
        encoding="utf-8",
    )
    report = load_source(con, "social", landing, "Asia/Shanghai")
    assert [f.rows_loaded for f in report.files] == [1]
    assert report.files_already_loaded == 1


def test_a_failing_file_is_rolled_back_recorded_and_retried(
    con, landing, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_write_manifest = loader_module.SourceLoader._write_manifest

    def fail_for_one_file(self, result, file_bytes, loaded_at):
        if result.file_path.endswith("2026-05-03_survey.csv") and result.status != "failed":
            raise OSError("disk full")
        return real_write_manifest(self, result, file_bytes, loaded_at)

    monkeypatch.setattr(loader_module.SourceLoader, "_write_manifest", fail_for_one_file)
    report = load_source(con, "survey", landing, "Asia/Shanghai")
    statuses = {f.file_path: f.status for f in report.files}
    assert statuses["survey/2026-05-03_survey.csv"] == FileStatus.FAILED
    assert statuses["survey/2026-05-10_survey_correction.csv"] == FileStatus.LOADED
    # The failed file's rows were rolled back: only the correction file's row is there.
    assert con.execute("select count(*) from raw.survey").fetchone()[0] == 1
    assert (
        con.execute("select count(*) from raw._quarantine where source = 'survey'").fetchone()[0]
        == 0
    )

    monkeypatch.setattr(loader_module.SourceLoader, "_write_manifest", real_write_manifest)
    retry = load_source(con, "survey", landing, "Asia/Shanghai")
    assert [f.status for f in retry.files] == [FileStatus.LOADED_WITH_QUARANTINE]
    assert con.execute("select count(*) from raw.survey").fetchone()[0] == EXPECTED["survey"][1]
    assert con.execute("select count(*) from raw._files where status = 'failed'").fetchone()[0] == 0


def test_hidden_and_partial_files_are_left_alone(con, landing) -> None:
    (landing / "social" / ".weibo.jsonl.swp").write_text("junk")
    (landing / "social" / "upload.jsonl.part").write_text("junk")
    report = load_source(con, "social", landing, "Asia/Shanghai")
    assert [f.file_path for f in report.files] == ["social/weibo_20260501.jsonl"]
