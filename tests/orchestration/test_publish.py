"""The serving copy: complete, consistent, replaced atomically, never half-built."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

from serving.publish import PARQUET_MANIFEST, publish_marts, remove_leftovers


def build_marts(path: Path, version: int) -> None:
    """A warehouse whose marts all carry ``version``: a mixed read would show two values."""
    with duckdb.connect(str(path)) as con:
        con.execute("create schema if not exists marts")
        con.execute("create schema if not exists staging")
        con.execute(
            "create or replace table marts.fct_feedback as "
            f"select range as feedback_id, {version} as version from range({100 * version})"
        )
        con.execute(
            "create or replace table marts.mart_experience_monthly as "
            f"select range as month, {version} as version from range({10 * version})"
        )
        con.execute("create or replace view marts.v_latest as select 1 as one")
        con.execute("create or replace table staging.not_public as select 1 as x")


@pytest.fixture
def paths(tmp_path: Path) -> tuple[Path, Path, Path]:
    return tmp_path / "warehouse.duckdb", tmp_path / "serving.duckdb", tmp_path / "marts"


def serving_state(serving: Path) -> dict:
    with duckdb.connect(str(serving), read_only=True) as con:
        return {
            "tables": sorted(
                r[0]
                for r in con.execute(
                    "select table_name from information_schema.tables where table_schema = 'marts'"
                ).fetchall()
            ),
            "log": dict(
                con.execute("select table_name, row_count from meta.published_tables").fetchall()
            ),
            "versions": con.execute(
                "select distinct version from (select version from marts.fct_feedback "
                "union all select version from marts.mart_experience_monthly)"
            ).fetchall(),
        }


def test_publish_copies_every_mart_and_only_marts(paths: tuple[Path, Path, Path]) -> None:
    warehouse, serving, parquet = paths
    build_marts(warehouse, 1)
    report = publish_marts(warehouse, serving, parquet, run_id="r1")

    expected = {"fct_feedback": 100, "mart_experience_monthly": 10, "v_latest": 1}
    assert report.row_counts == expected
    state = serving_state(serving)
    assert state["tables"] == sorted(expected)  # views become tables; staging stays out
    assert state["log"] == expected
    for table, rows in expected.items():
        file = str(parquet / f"{table}.parquet")
        assert duckdb.sql("select count(*) from read_parquet(?)", params=[file]).fetchone() == (
            rows,
        )
    assert PARQUET_MANIFEST in {p.name for p in parquet.iterdir()}
    assert not [p for p in serving.parent.iterdir() if "publishing" in p.name]


def test_republish_replaces_and_drops_tables_gone_from_the_warehouse(
    paths: tuple[Path, Path, Path],
) -> None:
    warehouse, serving, parquet = paths
    build_marts(warehouse, 1)
    publish_marts(warehouse, serving, parquet)
    build_marts(warehouse, 2)
    with duckdb.connect(str(warehouse)) as con:
        con.execute("drop view marts.v_latest")
    publish_marts(warehouse, serving, parquet)

    state = serving_state(serving)
    assert state["log"] == {"fct_feedback": 200, "mart_experience_monthly": 20}
    assert state["versions"] == [(2,)]
    assert sorted(p.name for p in parquet.glob("*.parquet")) == [
        "fct_feedback.parquet",
        "mart_experience_monthly.parquet",
    ]


def test_open_reader_keeps_its_copy_while_a_new_one_is_published(
    paths: tuple[Path, Path, Path],
) -> None:
    warehouse, serving, parquet = paths
    build_marts(warehouse, 1)
    publish_marts(warehouse, serving, parquet)
    reader = duckdb.connect(str(serving), read_only=True)
    try:
        build_marts(warehouse, 2)
        publish_marts(warehouse, serving, parquet)
        # The open connection still reads the whole old copy, without an error.
        assert reader.execute("select count(*) from marts.fct_feedback").fetchone() == (100,)
        assert reader.execute("select max(version) from marts.fct_feedback").fetchone() == (1,)
    finally:
        reader.close()
    assert serving_state(serving)["versions"] == [(2,)]


READER = textwrap.dedent(
    """
    import sys, duckdb
    path, rounds = sys.argv[1], int(sys.argv[2])
    seen = set()
    for _ in range(rounds):
        with duckdb.connect(path, read_only=True) as con:
            log = dict(con.execute(
                "select table_name, row_count from meta.published_tables").fetchall())
            versions = {v for (v,) in con.execute(
                "select distinct version from marts.fct_feedback union "
                "select distinct version from marts.mart_experience_monthly").fetchall()}
            counts = {t: con.execute(f"select count(*) from marts.{t}").fetchone()[0]
                      for t in ("fct_feedback", "mart_experience_monthly")}
        assert len(versions) == 1, f"mixed copies: {versions}"
        assert all(log[t] == n for t, n in counts.items()), (log, counts)
        seen |= versions
    print(sorted(seen))
    """
)


def test_readers_in_another_process_never_see_a_mix_or_an_error(
    paths: tuple[Path, Path, Path],
) -> None:
    warehouse, serving, parquet = paths
    build_marts(warehouse, 1)
    publish_marts(warehouse, serving, parquet)
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(serving), "400"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    for version in (2, 3, 4, 5):
        build_marts(warehouse, version)
        publish_marts(warehouse, serving, parquet)
    out, err = reader.communicate(timeout=120)
    assert reader.returncode == 0, err[-2000:]
    assert out.strip().startswith("[")


def test_failed_publish_leaves_the_last_good_copy(paths: tuple[Path, Path, Path]) -> None:
    warehouse, serving, parquet = paths
    build_marts(warehouse, 1)
    publish_marts(warehouse, serving, parquet)
    before = serving.read_bytes()
    parquet_before = (parquet / "fct_feedback.parquet").read_bytes()
    with duckdb.connect(str(warehouse)) as con:
        con.execute("drop schema marts cascade")

    with pytest.raises(RuntimeError, match="no marts tables"):
        publish_marts(warehouse, serving, parquet)

    assert serving.read_bytes() == before
    assert (parquet / "fct_feedback.parquet").read_bytes() == parquet_before
    assert not [p for p in serving.parent.rglob("*") if "publishing" in p.name]


def test_leftovers_of_a_killed_publish_are_removed(paths: tuple[Path, Path, Path]) -> None:
    warehouse, serving, parquet = paths
    parquet.mkdir(parents=True)
    half_built = [
        serving.parent / f".publishing-abc-{serving.name}",
        parquet / ".publishing-abc-fct_feedback.parquet",
    ]
    for path in half_built:
        path.write_bytes(b"partial")
    assert sorted(remove_leftovers(serving, parquet)) == sorted(half_built)
    build_marts(warehouse, 1)
    publish_marts(warehouse, serving, parquet)
    assert not any(p.exists() for p in half_built)


def build_incremental_marts(path: Path) -> None:
    """Marts shaped like the incremental ones: a key and dbt's ``_written_at`` stamp."""
    with duckdb.connect(str(path)) as con:
        con.execute("create schema if not exists marts")
        con.execute(
            "create or replace table marts.fct_feedback as select 'F' || range as feedback_id, "
            "range as score, timestamp '2026-01-01' as _written_at from range(1000)"
        )
        con.execute(
            "create or replace table marts.fct_feedback_topic as "
            "select 'F' || (range // 2) as feedback_id, 'topic' || (range % 2) as topic, "
            "timestamp '2026-01-01' as _written_at from range(2000)"
        )
        con.execute("create or replace table marts.dim_customer as select 1 as customer")


def same_rows(warehouse: Path, serving: Path, parquet: Path, table: str) -> bool:
    query = "select * from {} except all select * from {}"
    with duckdb.connect(str(serving), read_only=True) as con:
        con.execute(f"attach '{warehouse}' as w (read_only)")
        served, wanted = f"marts.{table}", f"w.marts.{table}"
        file = f"read_parquet('{parquet / f'{table}.parquet'}')"
        return not any(
            con.execute(query.format(a, b)).fetchall()
            for a, b in [(served, wanted), (wanted, served), (file, wanted), (wanted, file)]
        )


def test_incremental_marts_are_published_as_the_rows_written_since(
    paths: tuple[Path, Path, Path],
) -> None:
    warehouse, serving, parquet = paths
    build_incremental_marts(warehouse)
    first = publish_marts(warehouse, serving, parquet)
    assert first.delta_tables == []  # nothing to start from: copied whole
    with duckdb.connect(str(warehouse)) as con:
        stamp = "timestamp '2026-01-02'"
        con.execute(
            f"update marts.fct_feedback set score = -1, _written_at = {stamp} "
            "where feedback_id in ('F1', 'F2')"
        )  # rewritten by the next dbt run
        con.execute(f"insert into marts.fct_feedback values ('F-new', 7, {stamp})")
        con.execute("delete from marts.fct_feedback where feedback_id = 'F3'")  # gone
        con.execute("delete from marts.fct_feedback_topic where feedback_id = 'F1'")
        con.execute(f"insert into marts.fct_feedback_topic values ('F1', 'price', {stamp})")
        con.execute("create or replace table marts.dim_customer as select 2 as customer")
    second = publish_marts(warehouse, serving, parquet)
    assert second.delta_tables == ["fct_feedback", "fct_feedback_topic"]
    assert second.row_counts["fct_feedback"] == 1000
    assert second.row_counts["fct_feedback_topic"] == 1999
    for table in ("fct_feedback", "fct_feedback_topic", "dim_customer"):
        assert same_rows(warehouse, serving, parquet, table), table

    # A warehouse restored from an older file is older than what was published: copied whole.
    build_incremental_marts(warehouse)
    restored = publish_marts(warehouse, serving, parquet)
    assert restored.delta_tables == []
    assert same_rows(warehouse, serving, parquet, "fct_feedback")

    # A table whose columns changed cannot take a delta either.
    with duckdb.connect(str(warehouse)) as con:
        con.execute("alter table marts.fct_feedback add column extra integer")
        con.execute("update marts.fct_feedback set _written_at = timestamp '2026-02-01'")
    changed = publish_marts(warehouse, serving, parquet)
    assert "fct_feedback" not in changed.delta_tables
    assert same_rows(warehouse, serving, parquet, "fct_feedback")


def test_an_unusable_last_copy_is_rebuilt_whole(paths: tuple[Path, Path, Path]) -> None:
    warehouse, serving, parquet = paths
    build_incremental_marts(warehouse)
    serving.write_bytes(b"not a duckdb file")
    report = publish_marts(warehouse, serving, parquet)
    assert report.delta_tables == [] and report.row_counts["fct_feedback"] == 1000
    assert same_rows(warehouse, serving, parquet, "fct_feedback")
    assert not [p for p in serving.parent.iterdir() if "publishing" in p.name]
