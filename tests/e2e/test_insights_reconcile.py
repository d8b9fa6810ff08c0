"""The journey, customer-value and segment-value marts agree with an independent reading.

``independent_insights`` recomputes them with pandas from the landing files, the seed
``channel_touchpoints`` and the model outputs only the warehouse holds (text model labels and
topics, fake flags, segments, churn risk); every figure a BI tool reads must equal it.
"""

from __future__ import annotations

import pytest

from tests.e2e import independent_insights as ii
from tests.e2e import independent_metrics as im
from tests.e2e.conftest import PipelineRun
from tests.e2e.test_marts_reconcile import assert_same, frame_rows, keyed, query

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def landing(pipeline_run: PipelineRun) -> im.Landing:
    return im.Landing(pipeline_run.landing, pipeline_run.truth)


@pytest.fixture(scope="module")
def outputs(pipeline_run: PipelineRun) -> ii.ModelOutputs:
    return ii.ModelOutputs.read(pipeline_run.warehouse)


def test_journey_per_month_touchpoint_and_segment(
    pipeline_run: PipelineRun, landing: im.Landing, outputs: ii.ModelOutputs
) -> None:
    key = ["month_start", "touchpoint", "segment"]
    mart = keyed(query(pipeline_run, "select * from marts.mart_journey_monthly"), key)
    expected = keyed(frame_rows(ii.journey_monthly(landing, outputs)), key)
    touchpoints = {k[1] for k in expected}
    assert {"purchase", "delivery", "support", "store", "app"} <= touchpoints
    assert_same(
        mart,
        expected,
        exact=[
            "nps_responses",
            "promoters",
            "detractors",
            "low_sample",
            "csat_responses",
            "ces_responses",
            "text_items",
            "negative_text_items",
            "top_negative_topic_mentions",
        ],
        approx=[
            "nps",
            "nps_ci_low",
            "nps_ci_high",
            "csat_pct",
            "csat_pct_ci_low",
            "csat_pct_ci_high",
            "ces_mean",
            "ces_mean_ci_low",
            "ces_mean_ci_high",
            "negative_share",
        ],
    )

    def topic(value: object) -> str | None:
        return value if isinstance(value, str) else None  # pandas reads None as NaN

    topics = {
        k: (mart[k]["top_negative_topic"], topic(r["top_negative_topic"]))
        for k, r in expected.items()
    }
    assert {k: v for k, v in topics.items() if v[0] != v[1]} == {}
    assert sum(v[1] is not None for v in topics.values()) > len(topics) / 2


def test_customer_value_per_customer(pipeline_run: PipelineRun, landing: im.Landing) -> None:
    mart = keyed(
        query(
            pipeline_run,
            "select customer_id, historic_value, value_tenure_days, predicted_value_12m"
            " from marts.dim_customer",
        ),
        ["customer_id"],
    )
    expected = keyed(frame_rows(ii.customer_value(landing)), ["customer_id"])
    # Customers without an order are worth nothing.
    assert all(
        r["historic_value"] == 0 and r["predicted_value_12m"] == 0
        for k, r in mart.items()
        if k not in expected
    )
    assert sum(r["predicted_value_12m"] > 0 for r in expected.values()) > 100
    assert_same(
        {k: mart[k] for k in expected},
        expected,
        exact=["value_tenure_days"],
        approx=["historic_value", "predicted_value_12m"],
    )


def test_value_at_risk_and_deciles(pipeline_run: PipelineRun) -> None:
    rows = query(
        pipeline_run,
        "select customer_id, predicted_value_12m, churn_risk, value_at_risk, value_decile"
        " from marts.dim_customer",
    )
    for r in rows:
        assert r["value_at_risk"] == pytest.approx(r["predicted_value_12m"] * r["churn_risk"])
    valued = sorted(
        (r for r in rows if r["predicted_value_12m"] > 0),
        key=lambda r: (r["predicted_value_12m"], r["customer_id"]),
    )
    assert all(r["value_decile"] is None for r in rows if r["predicted_value_12m"] == 0)
    deciles = [r["value_decile"] for r in valued]
    assert deciles == sorted(deciles) and set(deciles) == set(range(1, 11))
    sizes = [deciles.count(d) for d in range(1, 11)]
    assert max(sizes) - min(sizes) <= 1


def test_segment_value_per_month(
    pipeline_run: PipelineRun, landing: im.Landing, outputs: ii.ModelOutputs
) -> None:
    key = ["month_start", "segment"]
    mart = keyed(query(pipeline_run, "select * from marts.mart_segment_value"), key)
    expected = keyed(frame_rows(ii.segment_value(landing, outputs)), key)
    assert sum(r["churned"] for r in expected.values()) > 0
    assert_same(
        mart,
        expected,
        exact=["customers", "nps_responses", "detractors", "active_at_start", "churned"],
        approx=[
            "revenue",
            "detractor_share",
            "churn_rate",
            "predicted_value_12m",
            "value_at_risk",
        ],
    )
