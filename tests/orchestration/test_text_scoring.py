"""Incremental text scoring in the warehouse: only what is new or changed is scored."""

from __future__ import annotations

from pathlib import Path

import duckdb

from orchestration.text_analytics.scoring import SCORES, TOPIC_SCORES, score_pending


def feedback_count(con) -> int:
    return con.execute("select count(*) from intermediate.int_feedback_unioned").fetchone()[0]


def test_scores_every_item_once_then_nothing(warehouse_copy: Path) -> None:
    with duckdb.connect(str(warehouse_copy)) as con:
        first = score_pending(con, processes=1)
        assert first.scored == first.pending == feedback_count(con)
        assert con.execute(f"select count(*) from {SCORES}").fetchone()[0] == first.scored
        second = score_pending(con, processes=1)
        assert (second.pending, second.scored) == (0, 0)


def test_personal_data_is_masked_and_topics_have_their_own_sentiment(warehouse_copy: Path) -> None:
    with duckdb.connect(str(warehouse_copy)) as con:
        score_pending(con, processes=1)
        text = con.execute(
            f"select s.text_clean from {SCORES} s join intermediate.int_feedback_unioned f "
            "using (feedback_id) where f.source_record_id = 'P1'"
        ).fetchone()[0]
        assert "13812345678" not in text
        topics = dict(
            con.execute(
                f"select t.topic, t.topic_sentiment_label from {TOPIC_SCORES} t "
                "join intermediate.int_feedback_unioned f using (feedback_id) "
                "where f.source_record_id = 'E1'"
            ).fetchall()
        )
        assert topics.get("logistics") == "positive"
        assert topics.get("service_attitude") == "negative"


def test_a_new_model_version_rescores_everything(warehouse_copy: Path) -> None:
    with duckdb.connect(str(warehouse_copy)) as con:
        score_pending(con, processes=1)
        again = score_pending(con, model_version="next-model", processes=1)
        assert again.scored == feedback_count(con)
        versions = con.execute(f"select distinct model_version from {SCORES}").fetchall()
        assert versions == [("next-model",)]
        assert con.execute(f"select count(*) from {SCORES}").fetchone()[0] == again.scored


def test_a_changed_text_is_rescored_alone(warehouse_copy: Path) -> None:
    with duckdb.connect(str(warehouse_copy)) as con:
        score_pending(con, processes=1)
        con.execute(
            "update intermediate.int_feedback_unioned set feedback_text = '太差了，再也不买了' "
            "where source_record_id = 'A1'"
        )
        again = score_pending(con, processes=1)
        assert again.scored == 1
        label = con.execute(
            f"select s.sentiment_label from {SCORES} s join intermediate.int_feedback_unioned f "
            "using (feedback_id) where f.source_record_id = 'A1'"
        ).fetchone()[0]
        assert label == "negative"


def test_two_processes_give_the_same_scores_as_one(warehouse_copy: Path, tmp_path: Path) -> None:
    import shutil

    other = tmp_path / "other.duckdb"
    shutil.copy(warehouse_copy, other)
    query = f"select * exclude (scored_at) from {SCORES} order by feedback_id"
    with duckdb.connect(str(warehouse_copy)) as con:
        score_pending(con, processes=1, batch_size=3)
        one = con.execute(query).fetchall()
    with duckdb.connect(str(other)) as con:
        score_pending(con, processes=2, batch_size=1000, chunk_size=2)
        two = con.execute(query).fetchall()
    assert one == two
