"""Report sections 6-10 (improvements, followup, voices, competitors, data_health) on the e2e
session run's serving copy, their numbers checked against independent pandas calculations on
the marts and, for data health, against the warehouse's raw tables; and on the hand-made
empty and one-day copies (tests/report/conftest.py)."""

from __future__ import annotations

import html as html_lib
import re
import string
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

from report.labels import _SECTIONS_6_10, LANGS
from report.section import ReportContext
from report.sections import competitors, data_health, followup, improvements, voices
from report.sections._kit import share_interval
from tests.e2e.fixtures import PipelineRun
from voc_core.contracts import SOURCES

MODULES = (improvements, followup, voices, competitors, data_health)
MakeContext = Callable[..., ReportContext]


def _df(serving: Path, sql: str, params: list | None = None) -> pd.DataFrame:
    with duckdb.connect(str(serving), read_only=True) as con:
        return con.execute(sql, params or []).df()


# ---- helpers and labels (no pipeline) -------------------------------------------------------


@pytest.mark.parametrize(("k", "n"), [(5, 10), (0, 12), (12, 12), (37, 120), (1, 2)])
def test_share_interval_is_wilson(k: int, n: int) -> None:
    low, high = proportion_confint(k, n, alpha=0.05, method="wilson")
    ours = share_interval(k, n)
    assert ours is not None
    assert ours[0] == pytest.approx(low, abs=1e-4)
    assert ours[1] == pytest.approx(high, abs=1e-4)


def test_no_interval_on_fewer_than_two_observations() -> None:
    assert share_interval(1, 1) is None
    assert share_interval(0, 0) is None


def test_labels_of_sections_6_10_have_the_same_fields_in_both_languages() -> None:
    fields = lambda s: {f for _, f, _, _ in string.Formatter().parse(s) if f}  # noqa: E731
    for key, (zh, en) in _SECTIONS_6_10.items():
        assert zh and en, key
        assert fields(zh) == fields(en), key


# ---- on the e2e serving copy ----------------------------------------------------------------

slow = pytest.mark.slow


@slow
@pytest.mark.parametrize("lang", LANGS)
def test_every_section_draws_on_the_e2e_copy(
    e2e_serving: Path, context: MakeContext, lang: str
) -> None:
    ctx = context(e2e_serving, lang)
    for module in MODULES:
        section = module.build(ctx)
        assert section.id == module.ID
        assert section.empty is None, (section.id, section.empty)
        assert section.figures and section.reading, section.id
        # Aggregated figures: no per-row traces.
        assert sum(len(f.to_json()) for f in section.figures) < 200_000, section.id
        # Every user-visible string went through the labels: no unformatted placeholder.
        assert not re.search(r"\{[a-z_]+\}", section.reading + section.html), section.id


@slow
def test_improvements_show_the_marts_primary_metric_and_verdicts(
    e2e_serving: Path, context: MakeContext
) -> None:
    mart = _df(
        e2e_serving,
        "select * from marts.mart_improvement_impact where is_primary "
        "and metric = 'negative_share' and (before_value is not null or after_value is not null)",
    ).sort_values(["launch_date", "action_id"])
    section = improvements.build(context(e2e_serving, "en"))
    assert section.summary["actions"] == len(mart) > 0
    assert section.summary["worked"] == int((mart.verdict == "worked").sum())
    assert section.summary["significant"] == int(mart.is_significant.sum())
    controlled = mart[mart.has_control & mart.did_estimate.notna()]
    assert section.summary["with_control"] == len(controlled)
    before, after = section.figures[0].data[:2]
    # A window without observations is no point (None), never a zero.
    for trace, column in ((before, mart.before_value), (after, mart.after_value)):
        expected = [None if pd.isna(v) else pytest.approx(100 * v) for v in column]
        assert list(trace.x) == expected
    # The interval drawn is Wilson's on the window's counts.
    first = mart.iloc[0]
    low, high = proportion_confint(
        round(first.before_value * first.n_before), first.n_before, method="wilson"
    )
    assert before.error_x.arrayminus[0] == pytest.approx(100 * (first.before_value - low), 1e-3)
    assert before.error_x.array[0] == pytest.approx(100 * (high - first.before_value), 1e-3)
    if len(controlled):
        did = section.figures[1].data[0]
        assert list(did.x) == pytest.approx(list(100 * controlled.did_estimate))
    if (mart.verdict == "worked").any():
        assert "worked" in section.reading


@slow
def test_followup_sla_backlog_and_alerts_equal_an_independent_count(
    e2e_serving: Path, context: MakeContext
) -> None:
    ctx = context(e2e_serving, "en")
    items = _df(e2e_serving, "select * from marts.fct_followup")
    items["team"] = items.owner_team.where(~items.owner_team.str.startswith("门店-"), "*stores")
    start = ctx.as_of - timedelta(days=followup.SLA_DAYS - 1)
    window = items[
        (pd.to_datetime(items.day).dt.date >= start)
        & (pd.to_datetime(items.day).dt.date <= ctx.as_of)
        & items.response_traceable
        & items.responded_within_sla.notna()
    ]
    in_time = window.responded_within_sla.astype(bool)
    section = followup.build(ctx)
    assert section.summary["sla_measured"] == len(window) > 0
    assert section.summary["sla_pct"] == pytest.approx(round(100 * in_time.mean(), 1))
    overdue = items[items.status == "overdue"]
    assert section.summary["overdue"] == len(overdue)
    assert section.summary["overdue_traceable"] == int(overdue.response_traceable.sum())
    # The heat map's cells are the teams' on-time shares.
    heat = section.figures[0].data[0]
    by_cell = window.assign(ok=in_time).groupby(["team", "priority"]).ok.mean()
    names = {followup.team_name(ctx, t): t for t in items.team.unique()}
    for y, row in zip(heat.y, heat.z, strict=True):
        for priority, value in zip(heat.x, row, strict=True):
            key = (names[y], priority)
            if value is None:
                assert key not in by_cell.index
            else:
                assert value == pytest.approx(100 * by_cell[key])
    alerts = _df(e2e_serving, "select day from marts.mart_alerts")
    days = pd.to_datetime(alerts.day).dt.date
    assert section.summary["alerts_today"] == int((days == ctx.as_of).sum())
    if section.summary["alerts_today"] == 0 and len(alerts):
        assert section.summary["latest_alert_day"] == str(max(d for d in days if d <= ctx.as_of))


@slow
def test_voices_keywords_and_quotes_come_from_the_masked_marts(
    e2e_serving: Path, context: MakeContext
) -> None:
    ctx = context(e2e_serving, "en")
    start = ctx.as_of - timedelta(days=voices.WINDOW_DAYS - 1)
    items = _df(
        e2e_serving,
        "select feedback_id, day, primary_topic, sentiment_label, keywords, text_clean "
        "from marts.fct_feedback where not is_suspected_fake and day between ? and ?",
        [start, ctx.as_of],
    )
    words = items.dropna(subset=["primary_topic"]).explode("keywords").dropna(subset=["keywords"])
    words = words[words.keywords.str.strip() != ""]
    counts = words.groupby(["primary_topic", "keywords"]).size()
    section = voices.build(ctx)
    cloud = section.figures[0].data[0]
    topics = section.figures[0].layout.xaxis.tickvals
    ticks = dict(zip(topics, section.figures[0].layout.xaxis.ticktext, strict=True))
    assert len(cloud.text) > 0
    for x, rank, word in zip(cloud.x, cloud.y, cloud.text, strict=True):
        topic = next(t for t in counts.index.levels[0] if ctx.text(f"topic.{t}") == ticks[x])
        ranked = counts[topic].sort_values(ascending=False)
        # The word's count is the rank-th largest of its topic (ties broken by the word).
        assert counts[(topic, word)] == ranked.iloc[rank - 1]
    assert str(section.summary["top_keyword"]) in section.reading
    # Quotes: masked texts of negative items of the quoted topics, at most three each.
    quotes = re.findall(r"<blockquote>(.*?)</blockquote>", section.html, flags=re.S)
    assert 0 < len(quotes) <= voices.QUOTES * voices.QUOTED_TOPICS
    negative = items[items.sentiment_label == "negative"]
    quoted = set(section.summary["quoted_topics"])
    pool = negative[negative.primary_topic.isin(quoted)].text_clean.dropna()
    for quote in quotes:
        text = html_lib.unescape(quote).rstrip("…")
        assert any(t.startswith(text) for t in pool), text
        assert not re.search(r"(?<!\d)1[3-9]\d{9}(?!\d)", text)  # no unmasked phone number
    assert "other" not in quoted


@slow
def test_competitors_negative_share_equals_the_brand_mart(
    e2e_serving: Path, context: MakeContext
) -> None:
    ctx = context(e2e_serving, "en")
    week = ctx.as_of - timedelta(days=ctx.as_of.weekday())
    since = week - timedelta(weeks=competitors.RECENT_WEEKS - 1)
    mart = _df(
        e2e_serving,
        "select * from marts.mart_brand_weekly where source = 'all' and platform = 'all' "
        "and topic = 'all' and week_start between ? and ?",
        [since, ctx.as_of],
    )
    totals = mart.groupby("brand")[["mentions", "negative_mentions"]].sum()
    section = competitors.build(ctx)
    bars = section.figures[1].data[0]
    for name, value in zip(bars.x, bars.y, strict=True):
        brand = next(b for b in totals.index if competitors.brand_name(ctx, b) in name)
        row = totals.loc[brand]
        assert value == pytest.approx(100 * row.negative_mentions / row.mentions)
    own = mart[mart.is_own_brand]
    assert section.summary["own_share_of_voice"] == pytest.approx(
        own.mentions.sum() / mart.mentions.sum()
    )
    assert section.summary["own_negative_share"] == pytest.approx(
        own.negative_mentions.sum() / own.mentions.sum()
    )
    lines = {t.name: t for t in section.figures[0].data}
    weekly = _df(
        e2e_serving,
        "select week_start, brand, share_of_voice from marts.mart_brand_weekly "
        "where source = 'all' and platform = 'all' and topic = 'all' and week_start <= ? "
        "order by week_start",
        [ctx.as_of],
    )
    for brand, rows in weekly.groupby("brand"):
        trace = lines[competitors.brand_name(ctx, brand)]
        assert list(trace.y) == pytest.approx(
            list(100 * rows.share_of_voice.tail(len(trace.y))), abs=1e-9
        )


@slow
def test_data_health_reconciles_with_the_warehouse_raw_tables(
    pipeline_run: PipelineRun, e2e_serving: Path, context: MakeContext
) -> None:
    with duckdb.connect(str(pipeline_run.warehouse), read_only=True) as con:
        raw_rows = {
            source: con.execute(f'select count(*) from raw."{source}"').fetchone()[0]
            for (source,) in con.execute(
                "select source from marts.mart_data_health_sources"
            ).fetchall()
        }
        quarantine = con.execute(
            "select source, reason, count(*) as n from raw._quarantine group by all"
        ).df()
        newest = dict(
            con.execute("select source, max(day) from marts.fct_feedback group by 1").fetchall()
        )
        results = con.execute(
            "select layer, run_at, suite, expectation, success from quality.validation_results"
        ).df()
    sources = _df(e2e_serving, "select * from marts.mart_data_health_sources").set_index("source")
    assert set(sources.index) == set(raw_rows) and len(sources) == len(SOURCES)
    for source, n in raw_rows.items():
        assert sources.loc[source, "rows_loaded"] == n, source
    by_source = quarantine.groupby("source").n.sum()
    for source in sources.index:
        assert sources.loc[source, "rows_quarantined"] == by_source.get(source, 0), source
    for source, day in newest.items():
        assert sources.loc[source, "newest_day"].date() == day
    reasons = _df(e2e_serving, "select * from marts.mart_data_health_quarantine")
    merged = reasons.merge(quarantine, on=["source", "reason"], how="outer")
    assert (merged.quarantined_rows == merged.n).all() and len(merged) == len(quarantine)
    # Each layer's checks are those of one recorded run of that layer.
    checks = _df(e2e_serving, "select * from marts.mart_data_health_checks")
    assert set(checks.layer) >= {"raw", "intermediate"}
    for (layer, run_at), rows in checks.groupby(["layer", "run_at"]):
        run = results[(results.layer == layer) & (results.run_at == run_at)]
        assert len(rows) == len(run.groupby(["suite", "expectation"]))
        assert (~rows.success).sum() == (~run.groupby(["suite", "expectation"]).success.all()).sum()

    section = data_health.build(context(e2e_serving, "en"))
    assert section.summary["rows_loaded"] == sum(raw_rows.values())
    assert section.summary["rows_quarantined"] == int(quarantine.n.sum())
    assert section.summary["checks"] == len(checks)
    assert section.summary["failed_checks"] == int((~checks.success).sum())
    tiles = section.figures[0].data
    assert tiles[0].value == sum(raw_rows.values())


# ---- empty and one-day copies ---------------------------------------------------------------


@slow
@pytest.mark.parametrize("lang", LANGS)
def test_empty_copy_gives_no_data_panels(
    empty_serving: Path, context: MakeContext, lang: str
) -> None:
    ctx = context(empty_serving, lang)
    assert ctx.as_of is None
    for module in MODULES:
        section = module.build(ctx)
        assert section.empty and not section.figures, section.id
        assert section.title


def test_sections_without_their_marts_say_no_data(tmp_path: Path) -> None:
    from report.labels import text_for

    path = tmp_path / "serving.duckdb"
    duckdb.connect(str(path)).close()
    with duckdb.connect(str(path), read_only=True) as con:
        for lang in LANGS:
            ctx = ReportContext(con, lang, "Asia/Shanghai", None, text_for(lang))
            for module in MODULES:
                section = module.build(ctx)
                assert section.empty == text_for(lang)("empty.no_data"), section.id


@slow
@pytest.mark.parametrize("lang", LANGS)
def test_one_day_copy_renders_every_section(
    one_day_serving: Path, context: MakeContext, lang: str
) -> None:
    ctx = context(one_day_serving, lang)
    for module in MODULES:
        section = module.build(ctx)  # never raises on tiny data
        assert section.empty is not None or section.figures, section.id
        assert not re.search(r"\{[a-z_]+\}", section.reading + section.html), section.id
    # One day of feedback still has keywords, quotes and a follow-up queue.
    assert voices.build(ctx).figures
    assert data_health.build(ctx).figures
