"""`dbt build` of the staging models on the landing fixture, against a real DuckDB file."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest
import yaml

from tests.landing_fixture import EXPECTED_STAGED
from voc_core.contracts import SOURCES
from voc_core.settings import DBT_PROJECT_DIR


@pytest.fixture
def staged(fixture_warehouse: Path) -> Path:
    """The landing fixture loaded and built through staging and intermediate by `dbt build`
    (tests/conftest.py); read-only here."""
    return fixture_warehouse


def query(path: Path, sql: str):
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_every_staging_model_holds_the_latest_row_per_key(staged: Path) -> None:
    for source, expected in EXPECTED_STAGED.items():
        assert query(staged, f"select count(*) from staging.stg_{source}")[0][0] == expected


def test_latest_delivery_wins(staged: Path) -> None:
    assert query(staged, "select score from staging.stg_survey where response_id = 'R3'") == [(4,)]


def test_timestamps_are_utc_whatever_their_layout(staged: Path) -> None:
    rows = dict(query(staged, "select response_id, created_at from staging.stg_survey"))
    assert rows["R1"] == datetime(2026, 5, 1, 2, 0)  # naive Shanghai 10:00
    assert rows["R2"] == datetime(2026, 5, 1, 2, 30)  # 2026/05/01 10:30
    assert rows["R3"] == datetime(2026, 5, 2, 0, 0)  # +08:00 offset
    app = dict(query(staged, "select review_id, created_at from staging.stg_app_review"))
    assert app["A2"] == datetime(2026, 5, 1, 4, 0)  # Z
    cards = dict(query(staged, "select card_id, visit_date from staging.stg_store_card"))
    assert cards == {"K1": date(2026, 5, 1), "K2": date(2026, 5, 2)}


def test_values_are_typed_and_codes_normalised(staged: Path) -> None:
    r5 = query(staged, "select score, is_answered from staging.stg_survey where response_id='R5'")
    assert r5 == [(None, False)]
    amounts = dict(query(staged, "select order_id, amount from staging.stg_order"))
    assert {k: float(v) for k, v in amounts.items()} == {"O1": 199.0, "O2": 59.9}
    assert query(staged, "select platform from staging.stg_app_review where review_id='A2'") == [
        ("harmony",)
    ]
    ticket = query(
        staged,
        "select contact_count, handle_seconds, csat_score, feedback_text "
        "from staging.stg_support_ticket where ticket_id = 'T1'",
    )
    assert ticket == [(1, 600, 4, "客户来电反映退货流程太复杂")]


def test_every_raw_table_is_a_declared_source() -> None:
    sources = yaml.safe_load((DBT_PROJECT_DIR / "models/staging/_sources.yml").read_text())
    declared = {t["name"] for t in sources["sources"][0]["tables"]}
    assert declared == set(SOURCES)
    staging = yaml.safe_load((DBT_PROJECT_DIR / "models/staging/_staging__models.yml").read_text())
    models = {m["name"] for m in staging["models"]}
    assert models == {f"stg_{s}" for s in SOURCES}


def test_unified_feedback_holds_every_text_source_with_stable_ids(staged: Path) -> None:
    from voc_core.contracts import FEEDBACK_SOURCE_NAMES

    per_source = dict(
        query(staged, "select source, count(*) from intermediate.int_feedback_unioned group by 1")
    )
    assert per_source == {s: EXPECTED_STAGED[s] for s in FEEDBACK_SOURCE_NAMES}
    import hashlib

    (feedback_id,) = query(
        staged,
        "select feedback_id from intermediate.int_feedback_unioned "
        "where source = 'survey' and source_record_id = 'R1'",
    )[0]
    assert feedback_id == hashlib.md5(b"survey:R1").hexdigest()
