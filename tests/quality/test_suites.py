"""The quality gates on real DuckDB warehouses: they pass on the fixture warehouse, an
error-level expectation fails with a clear outcome on a corrupted copy, results are kept in
``quality.validation_results`` and Data Docs are written."""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import duckdb
import pytest

from ingestion.raw_store import ensure_raw_schema
from quality.expectations.authenticity import load_manifest, rule_codes
from quality.expectations.raw import volume_suite
from quality.results import RESULTS_TABLE, CheckOutcome, blocking
from quality.suites import run_layer_checks
from quality.thresholds import learn_volume_bounds
from tests.conftest import PROJECT_ROOT, run_dbt


def _by_name(outcomes: list[CheckOutcome], suite: str, expectation: str) -> CheckOutcome:
    matches = [o for o in outcomes if o.suite == suite and o.expectation == expectation]
    assert len(matches) == 1, [(o.suite, o.expectation) for o in outcomes]
    return matches[0]


@pytest.fixture(scope="module")
def built_warehouse(fixture_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture warehouse scored and built through the marts, fake-review rules included."""
    from text_analytics.scoring import score_pending

    root = tmp_path_factory.mktemp("built")
    path = root / "built.duckdb"
    shutil.copy(fixture_warehouse, path)
    with duckdb.connect(str(path)) as con:
        score_pending(con, processes=1)
    run_dbt(
        "build",
        "--select",
        "path:models/intermediate/authenticity path:models/intermediate/insights "
        "path:models/marts path:seeds",
        target_path=root / "target",
        duckdb_path=path,
    )
    return path


def test_raw_and_intermediate_pass_and_are_recorded(warehouse_copy: Path, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    with duckdb.connect(str(warehouse_copy)) as con:
        raw = run_layer_checks(con, "raw", docs)
        intermediate = run_layer_checks(con, "intermediate", docs)
        recorded = con.execute(
            f"select layer, count(*), count(distinct run_id) from {RESULTS_TABLE} group by 1"
        ).fetchall()
    assert not blocking(raw), [o for o in raw if o.blocks]
    assert not blocking(intermediate), [o for o in intermediate if o.blocks]
    assert {o.suite for o in raw} >= {"raw.survey", "raw.ecommerce_review", "raw.order"}
    # Every check has a severity; the fixture's unknown platform ("harmony") is a warning.
    assert {o.severity for o in raw} == {"error", "warning"}
    platform = _by_name(raw, "raw.app_review", "expect_column_values_to_be_in_set(platform)")
    assert platform.severity == "warning"
    assert "harmony" in platform.observed["partial_unexpected_list"]
    assert sorted(recorded) == [("intermediate", len(intermediate), 1), ("raw", len(raw), 1)]
    # Data Docs: one site listing both layers' validations.
    index = (docs / "index.html").read_text(encoding="utf-8")
    assert "raw.survey" in index and "intermediate.int_feedback_unioned" in index
    assert list((docs / "validations" / "intermediate").rglob("*.html"))


def test_duplicate_feedback_id_blocks(warehouse_copy: Path) -> None:
    with duckdb.connect(str(warehouse_copy)) as con:
        con.execute(
            "insert into intermediate.int_feedback_unioned "
            "select * from intermediate.int_feedback_unioned order by feedback_id limit 1"
        )
        outcomes = run_layer_checks(con, "intermediate")
        stored = con.execute(
            f"select success, blocking, unexpected_count from {RESULTS_TABLE} "
            "where expectation = 'expect_column_values_to_be_unique(feedback_id)'"
        ).fetchall()
    unique = _by_name(
        outcomes,
        "intermediate.int_feedback_unioned",
        "expect_column_values_to_be_unique(feedback_id)",
    )
    assert (unique.severity, unique.success, unique.blocks) == ("error", False, True)
    assert unique.observed["unexpected_count"] == 2
    assert "unique" in unique.description
    assert blocking(outcomes) == [unique]
    assert stored == [(False, True, 2)]


def test_nps_out_of_range_and_unreconciled_counts_block(warehouse_copy: Path) -> None:
    with duckdb.connect(str(warehouse_copy)) as con:
        con.execute("create schema marts")
        con.execute(
            """
            create table marts.mart_experience_daily as
            select * from (values
                (date '2026-05-01', 'survey', 'app', 'mainstream', 10, 5, 3, 2, 30.0,
                 4, 3, 75.0, 4.0, 2, 1, 5.0, 50.0),
                (date '2026-05-02', 'survey', 'app', 'mainstream', 10, 9, 1, 0, 150.0,
                 4, 3, 75.0, 4.0, 2, 1, 5.0, 50.0),
                (date '2026-05-03', 'survey', 'app', 'mainstream', 10, 5, 3, 1, 40.0,
                 4, 3, 75.0, 4.0, 2, 1, 5.0, 50.0)
            ) as t(day, source, touchpoint, segment, nps_responses, promoters, passives,
                   detractors, nps, csat_responses, csat_satisfied, csat_pct, csat_mean,
                   ces_responses, ces_easy, ces_mean, ces_easy_pct)
            """
        )
        outcomes = run_layer_checks(con, "marts")
    nps = _by_name(
        outcomes, "marts.mart_experience_daily", "expect_column_values_to_be_between(nps)"
    )
    assert (nps.severity, nps.success) == ("error", False)
    assert nps.observed["partial_unexpected_list"] == [150.0]
    reconcile = _by_name(
        outcomes,
        "marts.mart_experience_daily",
        "expect_column_pair_values_to_be_equal(nps_responses,nps_counted)",
    )
    assert (reconcile.success, reconcile.observed["unexpected_count"]) == (False, 1)
    assert "promoters + passives + detractors" in reconcile.description
    csat = _by_name(
        outcomes, "marts.mart_experience_daily", "expect_column_values_to_be_between(csat_pct)"
    )
    assert csat.success
    # The marts this copy lacks are reported as missing, not skipped silently.
    missing = _by_name(outcomes, "marts.fct_feedback", "table_exists")
    assert missing.blocks and missing.observed == {"missing_tables": ["marts.fct_feedback"]}


def test_marts_and_rule_hits_pass_on_the_built_warehouse(
    built_warehouse: Path, tmp_path: Path
) -> None:
    path = tmp_path / "built.duckdb"
    shutil.copy(built_warehouse, path)
    docs = tmp_path / "docs"
    with duckdb.connect(str(path)) as con:
        marts = run_layer_checks(con, "marts", docs)
        rules = run_layer_checks(con, "authenticity", docs)
    assert not blocking(marts), [o for o in marts if o.blocks]
    assert not blocking(rules), [o for o in rules if o.blocks]
    assert all(o.expectation != "table_exists" for o in marts)
    per_rule = [o for o in rules if o.expectation.startswith("rule_hits(")]
    codes = rule_codes(load_manifest())
    assert [o.expectation for o in per_rule] == [f"rule_hits({c})" for c in codes]
    assert {o.severity for o in per_rule} == {"warning"}
    assert all("unexpected_count" in o.observed for o in per_rule)
    page = next((docs / "validations" / "authenticity").rglob("*.html")).read_text(encoding="utf-8")
    assert all(code in page for code in codes)


def test_fct_feedback_is_validated_from_what_changed_since_it_last_passed(
    built_warehouse: Path, tmp_path: Path
) -> None:
    path = tmp_path / "built.duckdb"
    shutil.copy(built_warehouse, path)
    suite, not_null = "marts.fct_feedback", "expect_column_values_to_not_be_null(feedback_id)"
    score = "expect_column_values_to_be_between(sentiment_score)"
    with duckdb.connect(str(path)) as con:
        (rows,) = con.execute("select count(*) from marts.fct_feedback").fetchone()
        first = run_layer_checks(con, "marts")
        assert _by_name(first, suite, not_null).observed["element_count"] == rows > 0
        again = run_layer_checks(con, "marts")
        assert _by_name(again, suite, not_null).observed["element_count"] == 0
        # A rescore that writes an impossible score: found, and blocking until it is fixed.
        con.execute(
            "update marts.fct_feedback set sentiment_score = 3.0, "
            "scored_at = now()::timestamp where feedback_id = "
            "(select min(feedback_id) from marts.fct_feedback)"
        )
        for _ in range(2):
            bad = run_layer_checks(con, "marts")
            assert _by_name(bad, suite, not_null).observed["element_count"] == 1
            assert _by_name(bad, suite, score).blocks
        con.execute("update marts.fct_feedback set sentiment_score = 0.5 where sentiment_score > 1")
        fixed = run_layer_checks(con, "marts")
        assert not _by_name(fixed, suite, score).blocks
        assert (
            _by_name(run_layer_checks(con, "marts"), suite, not_null).observed["element_count"] == 0
        )
        everything = run_layer_checks(con, "marts", revalidate=True)
        assert _by_name(everything, suite, not_null).observed["element_count"] == rows


def test_volume_bounds_are_learnt_and_a_drop_is_flagged() -> None:
    assert learn_volume_bounds([100] * 10) is None  # too little history
    bounds = learn_volume_bounds([95, 100, 105, 98, 102] * 6)
    assert bounds is not None and bounds.low < 95 and bounds.high > 105
    assert bounds.low > 50  # a feed at half its volume is outside

    con = duckdb.connect(":memory:")
    ensure_raw_schema(con)
    now = datetime(2026, 6, 1, tzinfo=timezone.utc)
    start = now.date() - timedelta(days=70)
    con.execute(
        """
        insert into raw.survey (response_id, customer_id, survey_type, score, submitted_at,
            _file_sha256, _file_path, _line_number, _loaded_at, _encoding)
        select 'r' || d || '-' || i, 'C1', 'nps', '9',
            strftime(?::date + d::integer, '%Y-%m-%d') || ' 10:00:00',
            'sha', 'f.csv', 1, now(), 'utf-8'
        from range(70) as days(d), range(100) as rows(i)
        where d < 63 or i < 10
        """,
        [start],
    )
    suite = volume_suite(con, {"survey": "Asia/Shanghai"}, now)
    assert suite is not None and [c.name for c in suite.checks] == ["daily_volume(survey)"]
    check = suite.checks[0]
    assert check.kwargs["min_value"] > 10 and check.kwargs["max_value"] >= 100
    frame = con.execute(suite.query).df()
    assert frame["survey"].tolist() == [10] * 7


def test_importing_the_suites_does_not_import_great_expectations() -> None:
    code = "import sys, quality.suites; print('great_expectations' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=PROJECT_ROOT, check=True
    )
    assert result.stdout.strip() == "False"
