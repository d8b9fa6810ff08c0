"""The per-team CSV files of the open follow-up queue, from a hand-built fct_followup."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from serving.followup_export import export_followup_queue, team_file_name

TZ = "Asia/Shanghai"
FCT_FOLLOWUP_DDL = """
create table marts.fct_followup (
    feedback_id varchar, source varchar, source_record_id varchar, customer_id varchar,
    created_at timestamp,
    topic varchar, owner_team varchar, priority varchar, priority_reasons varchar[],
    due_at timestamp, first_response_at timestamp, response_channel varchar, status varchar,
    hours_to_response double, responded_within_sla boolean, recovered boolean,
    text_clean varchar
)
"""


def item(fid, team, priority, status, due_at, text="包裹破损", reasons=("low_score",)):
    return {
        "feedback_id": fid,
        "source": "ecommerce_review",
        "source_record_id": "r-" + fid,
        "customer_id": "c-" + fid,
        "created_at": datetime(2024, 6, 1, 2, 0),
        "topic": "logistics",
        "owner_team": team,
        "priority": priority,
        "priority_reasons": list(reasons),
        "due_at": due_at,
        "status": status,
        "text_clean": text,
    }


ROWS = [
    # due 2024-06-01 16:30 UTC is 2024-06-02 00:30 in Shanghai: the date moves too.
    item("f1", "物流", "P2", "open", datetime(2024, 6, 1, 16, 30)),
    item(
        "f2",
        "物流",
        "P1",
        "overdue",
        datetime(2024, 6, 2, 1, 0),
        reasons=("critical_word", "repeat"),
    ),
    item("f3", "物流", "P1", "open", datetime(2024, 6, 1, 3, 0), text="电话13812345678 快回电"),
    item("f4", "物流", "P1", "responded", datetime(2024, 6, 1, 0, 0)),
    item("f5", "品控", "P3", "open", datetime(2024, 6, 5, 0, 0), text='=HYPERLINK("x")'),
    item("f6", "客服", "P4", "resolved", datetime(2024, 6, 5, 0, 0)),
    item("f7", "a/b", "P4", "open", datetime(2024, 6, 5, 0, 0)),
]


@pytest.fixture
def con(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    connection.execute("create schema marts")
    connection.execute(FCT_FOLLOWUP_DDL)
    for row in ROWS:
        connection.execute(
            f"insert into marts.fct_followup by name select {', '.join('? as ' + c for c in row)}",
            list(row.values()),
        )
    yield connection
    connection.close()


def read(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel reads the Chinese right
    return list(csv.DictReader(io.StringIO(raw[3:].decode("utf-8"))))


def test_one_file_per_team_with_the_open_queue_most_urgent_first(con, tmp_path) -> None:
    out = tmp_path / "exports"
    report = export_followup_queue(con, out, TZ)
    assert report.outcome == "written"
    names = {team_file_name(t) for t in ("物流", "品控", "客服", "a/b")}
    assert {p.name for p in out.iterdir()} == names
    assert "followup_物流.csv" in names and all("/" not in n[:-4] for n in names)

    logistics = read(out / "followup_物流.csv")
    assert list(logistics[0]) == [
        "priority",
        f"due_at ({TZ})",
        "status",
        "topic",
        "source",
        f"created_at ({TZ})",
        "feedback_id",
        "source_record_id",
        "customer_id",
        "priority_reasons",
        "text_clean",
    ]
    # Only open and overdue items, by priority then due time.
    assert [r["feedback_id"] for r in logistics] == ["f3", "f2", "f1"]
    # The keys a team needs to find the review and the customer.
    assert (logistics[0]["source_record_id"], logistics[0]["customer_id"]) == ("r-f3", "c-f3")
    assert [r["status"] for r in logistics] == ["open", "overdue", "open"]
    assert logistics[2][f"due_at ({TZ})"] == "2024-06-02 00:30"
    assert logistics[0][f"due_at ({TZ})"] == "2024-06-01 11:00"
    assert logistics[0][f"created_at ({TZ})"] == "2024-06-01 10:00"
    assert logistics[1]["priority_reasons"] == "critical_word; repeat"
    # Masked text only, and nothing Excel would run as a formula.
    assert "13812345678" not in (out / "followup_物流.csv").read_text("utf-8-sig")
    assert "[PHONE]" in logistics[0]["text_clean"]
    assert read(out / "followup_品控.csv")[0]["text_clean"] == '\'=HYPERLINK("x")'
    # A team with nothing open gets its file with the header alone.
    assert read(out / "followup_客服.csv") == []
    assert report.rows_by_file["followup_物流.csv"] == 3 and report.total_rows == 5


def test_a_second_run_rewrites_nothing_and_an_emptied_queue_empties_the_file(con, tmp_path) -> None:
    out = tmp_path / "exports"
    out.mkdir()
    (out / "notes.txt").write_text("not ours")
    (out / "followup_旧团队.csv").write_text("stale")  # a team that no longer exists
    export_followup_queue(con, out, TZ)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    assert read(out / "followup_旧团队.csv") == [] and before["notes.txt"] == b"not ours"

    again = export_followup_queue(con, out, TZ)
    assert again.changed == [] and again.emptied == []
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert not list(out.glob(".*.tmp"))

    con.execute("update marts.fct_followup set status = 'responded' where owner_team = '物流'")
    emptied = export_followup_queue(con, out, TZ)
    assert emptied.changed == ["followup_物流.csv"]
    assert read(out / "followup_物流.csv") == []


def test_without_the_followup_mart_nothing_is_written(tmp_path) -> None:
    with duckdb.connect(str(tmp_path / "empty.duckdb")) as empty:
        report = export_followup_queue(empty, tmp_path / "exports", TZ)
    assert report.outcome == "no_followup_table" and "does not exist yet" in report.summary
    assert not (tmp_path / "exports").exists()


@pytest.mark.parametrize(
    "team", ["物流", "a/b", "..", "../etc", "a\\b", "", " ", "con:1", "x" * 300]
)
def test_team_file_names_are_safe_and_distinct(team: str) -> None:
    name = team_file_name(team)
    assert name.startswith("followup_") and name.endswith(".csv")
    assert "/" not in name and "\\" not in name and ":" not in name and ".." not in name
    assert len(name) < 100
    others = {team_file_name(t) for t in ("物流", "a_b", "_", "a/b") if t != team}
    assert name not in others
