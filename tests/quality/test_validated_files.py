"""What passed a suite is not validated again: raw suites by landing file, the unified
feedback suite by load time per source."""

from __future__ import annotations

from pathlib import Path

import duckdb

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


def test_passed_files_are_not_validated_again_and_failed_ones_are(warehouse_copy: Path) -> None:
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

        assert survey_checked(run_layer_checks(con, "raw", revalidate=True)) == rows + 1


FEEDBACK_SUITE = "intermediate.int_feedback_unioned"
UNIQUE_CHECK = "expect_column_values_to_be_unique(feedback_id)"


def feedback_outcome(outcomes: list[CheckOutcome], expectation: str) -> CheckOutcome:
    (found,) = [o for o in outcomes if o.suite == FEEDBACK_SUITE and o.expectation == expectation]
    return found


def feedback_checked(outcomes: list[CheckOutcome]) -> int:
    """Rows the unified-feedback suite looked at."""
    return feedback_outcome(outcomes, "expect_column_values_to_not_be_null(feedback_id)").observed[
        "element_count"
    ]


def add_feedback(con: duckdb.DuckDBPyConnection, feedback_id: str, source: str) -> None:
    """A unified feedback row loaded now (a copy of the first row, with a new id or not)."""
    con.execute(
        "insert into intermediate.int_feedback_unioned "
        "select * replace (? as feedback_id, ? as source, now()::timestamp as _loaded_at) "
        "from intermediate.int_feedback_unioned order by feedback_id limit 1",
        [feedback_id, source],
    )


def test_unified_feedback_is_validated_from_its_last_passed_load_per_source(
    warehouse_copy: Path,
) -> None:
    with duckdb.connect(str(warehouse_copy)) as con:
        rows, sources = con.execute(
            "select count(*), count(distinct source) from intermediate.int_feedback_unioned"
        ).fetchone()
        first = run_layer_checks(con, "intermediate")
        assert feedback_checked(first) == rows > 0
        assert not [o for o in first if o.blocks]
        watermarks = con.execute(
            "select count(*), sum(rows_validated) from quality.validated_loads "
            f"where suite = '{FEEDBACK_SUITE}'"
        ).fetchone()
        assert watermarks == (sources, rows)
        assert feedback_checked(run_layer_checks(con, "intermediate")) == 0

        add_feedback(con, "new-survey-item", "survey")
        assert feedback_checked(run_layer_checks(con, "intermediate")) == 1
        assert feedback_checked(run_layer_checks(con, "intermediate")) == 0

        # A source whose rows reach the table late, with load times before another source's
        # watermark, is still validated: each source keeps its own.
        (oldest,) = con.execute(
            "select min(_loaded_at) from intermediate.int_feedback_unioned"
        ).fetchone()
        con.execute(
            "insert into intermediate.int_feedback_unioned "
            "select * replace ('late-item' as feedback_id, 'late_source' as source, "
            "? as _loaded_at) from intermediate.int_feedback_unioned limit 1",
            [oldest],
        )
        late = run_layer_checks(con, "intermediate")
        assert feedback_checked(late) == 1
        assert feedback_outcome(late, "expect_column_values_to_be_in_set(source)").blocks
        con.execute("delete from intermediate.int_feedback_unioned where source = 'late_source'")

        # A new row repeating an old id: the old row is validated with it, so the duplicate
        # is found although the old row passed long ago; it blocks until it is gone.
        (old_id,) = con.execute(
            "select feedback_id from intermediate.int_feedback_unioned order by feedback_id limit 1"
        ).fetchone()
        add_feedback(con, old_id, "survey")
        for _ in range(2):
            duplicate = run_layer_checks(con, "intermediate")
            unique = feedback_outcome(duplicate, UNIQUE_CHECK)
            assert unique.blocks and unique.observed["unexpected_count"] == 2
        con.execute(
            "delete from intermediate.int_feedback_unioned "
            "where feedback_id = ? and _loaded_at = (select max(_loaded_at) "
            "from intermediate.int_feedback_unioned where feedback_id = ?)",
            [old_id, old_id],
        )
        cleared = run_layer_checks(con, "intermediate")
        assert not feedback_outcome(cleared, UNIQUE_CHECK).blocks

        revalidated = run_layer_checks(con, "intermediate", revalidate=True)
        assert feedback_checked(revalidated) == rows + 1
