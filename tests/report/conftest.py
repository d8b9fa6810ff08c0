"""Serving copies the report is built from: the e2e session run's (never a new pipeline run),
an empty one and a one-day one, both made by hand from it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pytest

from report.labels import text_for
from report.section import ReportContext
from tests.e2e.fixtures import PipelineRun
from tests.pipeline import serving_path

TIMEZONE = "Asia/Shanghai"


@pytest.fixture(scope="session")
def e2e_serving(pipeline_run: PipelineRun) -> Path:
    """The serving copy the e2e session run published."""
    path = serving_path(pipeline_run.warehouse)
    assert path.exists()
    return path


def _tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The tables of the attached copy ``src``'s marts schema."""
    return [
        name
        for (name,) in con.execute(
            "select table_name from duckdb_tables() "
            "where database_name = 'src' and schema_name = 'marts' order by 1"
        ).fetchall()
    ]


@pytest.fixture(scope="session")
def empty_serving(e2e_serving: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every mart of the e2e copy, with its columns and no rows (a warehouse that ran on an
    empty landing folder)."""
    path = tmp_path_factory.mktemp("report_empty") / "serving.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute(f"attach '{e2e_serving}' as src (read_only)")
        con.execute("create schema marts")
        for table in _tables(con):
            con.execute(f"create table marts.{table} as select * from src.marts.{table} limit 0")
    return path


@pytest.fixture(scope="session")
def one_day_serving(e2e_serving: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A serving copy of one business day: the e2e copy's rows of its last day (last week,
    last month, the rolling window for the coarser marts), with the survey marts replaced by
    a hand-written day of one NPS and one CSAT answer."""
    path = tmp_path_factory.mktemp("report_one_day") / "serving.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute(f"attach '{e2e_serving}' as src (read_only)")
        last_day = con.execute("select max(day) from src.marts.fct_feedback").fetchone()[0]
        con.execute("create schema marts")
        for table in _tables(con):
            columns = {
                name
                for (name,) in con.execute(
                    "select column_name from information_schema.columns "
                    "where table_catalog = 'src' and table_schema = 'marts' and table_name = ?",
                    [table],
                ).fetchall()
            }
            source = f"src.marts.{table}"
            if "day" in columns:
                where = f"day = date '{last_day}'"
            elif "week_start" in columns:
                where = f"week_start = (select max(week_start) from {source})"
            elif "month_start" in columns:
                where = f"month_start = (select max(month_start) from {source})"
            elif "window_name" in columns:
                where = "window_name like 'rolling%'"
            elif table == "fct_feedback_topic":
                where = (
                    "feedback_id in (select feedback_id from src.marts.fct_feedback "
                    f"where day = date '{last_day}')"
                )
            else:
                where = "true"
            con.execute(f"create table marts.{table} as select * from {source} where {where}")
        # The hand-written survey day: the month's figures of one answer each.
        con.execute("delete from marts.mart_experience_monthly")
        con.execute(
            """
            insert into marts.mart_experience_monthly by name
            select date_trunc('month', ?::date)::date as month_start, segment, 1 as nps_responses,
                   1 as promoters, 0 as passives, 0 as detractors, 0 as nps_unanswered,
                   1 as csat_responses, 1 as csat_satisfied, 5 as csat_score_sum,
                   0 as csat_unanswered, 0 as ces_responses, 0 as ces_easy,
                   0 as ces_score_sum, 0 as ces_unanswered, 100.0 as nps,
                   -35.0 as nps_ci_low, 100.0 as nps_ci_high, true as low_sample,
                   100.0 as csat_pct, 5.0 as csat_mean, null as ces_mean, null as ces_easy_pct
            from (values ('all'), ('mainstream')) as s(segment)
            """,
            [last_day],
        )
    return path


@pytest.fixture
def context() -> Iterator[Callable[..., ReportContext]]:
    """``context(serving, lang)``: a ReportContext on a serving copy, as report.build makes."""
    from report.build import data_as_of

    opened: list[duckdb.DuckDBPyConnection] = []

    def make(serving: Path, lang: str = "zh") -> ReportContext:
        con = duckdb.connect(str(serving), read_only=True)
        opened.append(con)
        return ReportContext(
            con=con,
            lang=lang,
            business_timezone=TIMEZONE,
            as_of=data_as_of(con, TIMEZONE),
            text=text_for(lang),
        )

    yield make
    for con in opened:
        con.close()
