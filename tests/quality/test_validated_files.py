"""Raw suites validate each landing file's rows until they pass, then not again."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from quality.results import CheckOutcome
from quality.suites import run_layer_checks
from quality.validated_files import TABLE

SCORE_CHECK = "expect_column_values_to_be_between(score__nps)"


def survey_outcome(outcomes: list[CheckOutcome], expectation: str) -> CheckOutcome:
    (found,) = [o for o in outcomes if o.suite == "raw.survey" and o.expectation == expectation]
    return found


def survey_checked(outcomes: list[CheckOutcome]) -> int:
    """Rows the survey suite looked at (its not-null check on the key sees every row)."""
    return survey_outcome(outcomes, "expect_column_values_to_not_be_null(response_id)").observed[
        "element_count"
    ]


def add_survey_file(con: duckdb.DuckDBPyConnection, sha: str, score: str) -> None:
    """A new delivery of one survey row, as the loader writes it."""
    con.execute(
        """
        insert into raw.survey (response_id, customer_id, survey_type, score, submitted_at,
            _file_sha256, _file_path, _line_number, _loaded_at, _encoding)
        values ('R-NEW-' || ?, 'C001', 'nps', ?, '2026-05-20 10:00:00', ?, ? || '.csv', 2,
            now(), 'utf-8')
        """,
        [sha, score, sha, sha],
    )


def test_passed_files_are_not_validated_again_and_failed_ones_are(
    warehouse_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("VOC_QUALITY_REVALIDATE", raising=False)
    monkeypatch.delenv("VOC_DBT_FULL_REFRESH", raising=False)
    with duckdb.connect(str(warehouse_copy)) as con:
        rows, files = con.execute(
            "select count(*), count(distinct (_file_sha256, _file_path)) from raw.survey"
        ).fetchone()
        first = run_layer_checks(con, "raw")
        assert survey_checked(first) == rows > 0
        assert not [o for o in first if o.blocks]
        remembered = con.execute(
            f"select count(*), sum(rows_validated) from {TABLE} where suite = 'raw.survey'"
        ).fetchone()
        assert remembered == (files, rows)

        again = run_layer_checks(con, "raw")
        assert survey_checked(again) == 0
        assert not [o for o in again if o.blocks]

        add_survey_file(con, "good", "9")
        add_survey_file(con, "bad", "15")  # an NPS score of 15 is out of range
        third = run_layer_checks(con, "raw")
        assert survey_checked(third) == 2
        assert survey_outcome(third, SCORE_CHECK).blocks

        fourth = run_layer_checks(con, "raw")  # the failed suite remembered neither file
        assert survey_checked(fourth) == 2 and survey_outcome(fourth, SCORE_CHECK).blocks

        con.execute("delete from raw.survey where _file_sha256 = 'bad'")  # superseded
        fifth = run_layer_checks(con, "raw")
        assert survey_checked(fifth) == 1 and not survey_outcome(fifth, SCORE_CHECK).blocks
        assert survey_checked(run_layer_checks(con, "raw")) == 0

        monkeypatch.setenv("VOC_QUALITY_REVALIDATE", "1")
        assert survey_checked(run_layer_checks(con, "raw")) == rows + 1
