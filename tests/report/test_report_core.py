"""The report's frame and sections 1-5, on the e2e session run's serving copy (numbers checked
against independent queries of the marts) and on hand-made empty and one-day copies."""

from __future__ import annotations

import re
import string
from collections.abc import Callable
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from report.build import build_report
from report.labels import LABELS, LANGS, label
from report.section import ReportContext
from report.sections import SECTIONS, headline, journey, key_drivers, topic_heatmap, trends
from tests.e2e.fixtures import PipelineRun
from tests.pipeline import report_dir

CORE = ("headline", "trends", "topic_heatmap", "key_drivers", "journey")
TIMEZONE = "Asia/Shanghai"

pytestmark = pytest.mark.slow


def _sections_in(page: str) -> list[str]:
    return re.findall(r'<section id="([^"]+)" class="report-section">', page)


def _kpis(page: str) -> dict[str, str]:
    return dict(re.findall(r'data-metric="([^"]+)" data-value="([^"]*)"', page))


@pytest.mark.parametrize("lang", LANGS)
def test_the_report_builds_on_the_e2e_copy(e2e_serving: Path, tmp_path: Path, lang: str) -> None:
    result = build_report(e2e_serving, tmp_path / "report", lang, TIMEZONE, strict=True)
    page = result.path.read_text(encoding="utf-8")
    assert _sections_in(page) == list(SECTIONS)
    assert [s.id for s in result.sections] == list(SECTIONS)
    for section_id in CORE:
        section = result.section(section_id)
        assert section.empty is None and section.error is None, section
        assert section.figures >= 1 and section.reading
    # Self-contained: plotly.js beside the page, loaded by a relative path, nothing remote.
    assert (result.path.parent / "plotly.min.js").stat().st_size > 1_000_000
    assert '<script src="plotly.min.js"></script>' in page
    assert not re.search(r'(src|href)="(https?:)?//', page)
    assert "cdn." not in page and "mathjax" not in page.lower()
    assert 0 < result.bytes < 5_000_000 and result.bytes == result.path.stat().st_size
    assert result.seconds < 10


def test_rebuilding_replaces_the_folder_atomically(e2e_serving: Path, tmp_path: Path) -> None:
    out = tmp_path / "report"
    out.mkdir()
    (out / "stale.txt").write_text("yesterday")
    build_report(e2e_serving, out, "en", TIMEZONE, strict=True)
    assert sorted(p.name for p in out.iterdir()) == ["index.html", "plotly.min.js"]
    assert [p.name for p in tmp_path.iterdir()] == ["report"]  # no staging folder left


def _independent_headline(serving: Path) -> dict[str, float | int]:
    """This month's NPS and CSAT from the survey answers in fct_feedback, and the follow-up
    and alert counts, with pandas: not the mart the section reads."""
    with duckdb.connect(str(serving), read_only=True) as con:
        answers = con.execute(
            "select day, survey_type, survey_score, is_suspected_fake from marts.fct_feedback "
            "where source = 'survey' and survey_score is not null"
        ).df()
        created = con.execute("select created_at from marts.fct_feedback").df()
        followups = con.execute("select status from marts.fct_followup").df()
        alerts = con.execute("select day from marts.mart_alerts").df()
    answers = answers[~answers.is_suspected_fake.fillna(False).astype(bool)]
    answers["month"] = pd.to_datetime(answers.day).dt.to_period("M")
    month = answers.month.max()
    this = answers[answers.month == month]
    nps = this[this.survey_type == "nps"].survey_score
    csat = this[this.survey_type == "csat"].survey_score
    as_of = (
        pd.to_datetime(created.created_at)
        .dt.tz_localize("UTC")
        .dt.tz_convert(TIMEZONE)
        .dt.date.max()
    )
    return {
        "nps": 100 * ((nps >= 9).sum() - (nps <= 6).sum()) / len(nps),
        "nps_n": len(nps),
        "csat": 100 * (csat >= 4).sum() / len(csat),
        "open_followups": int(followups.status.isin(["open", "overdue"]).sum()),
        "overdue_followups": int((followups.status == "overdue").sum()),
        "alerts_today": int((pd.to_datetime(alerts.day).dt.date == as_of).sum()),
    }


def test_headline_numbers_equal_an_independent_count(e2e_serving: Path, tmp_path: Path) -> None:
    expected = _independent_headline(e2e_serving)
    result = build_report(e2e_serving, tmp_path / "report", "zh", TIMEZONE, strict=True)
    kpis = _kpis(result.path.read_text(encoding="utf-8"))
    assert float(kpis["nps"]) == pytest.approx(expected["nps"], abs=1e-5)
    assert float(kpis["csat"]) == pytest.approx(expected["csat"], abs=1e-5)
    for count in ("open_followups", "overdue_followups", "alerts_today"):
        assert int(kpis[count]) == expected[count], count
    summary = result.section("headline").summary
    assert summary["nps_responses"] == expected["nps_n"]
    assert summary["nps"] == round(expected["nps"], 1)


def test_headline_change_and_interval_come_from_the_marts(
    e2e_serving: Path, context: Callable[..., ReportContext]
) -> None:
    ctx = context(e2e_serving)
    monthly = ctx.con.execute(
        "select * from marts.mart_experience_monthly where segment = 'all' order by month_start"
    ).df()
    this, last = monthly.iloc[-1], monthly.iloc[-2]
    section = headline.build(ctx)
    assert section.summary["nps_delta"] == round(this.nps - last.nps, 1)
    assert section.summary["csat_delta"] == round(this.csat_pct - last.csat_pct, 1)
    interval = f"{this.nps_ci_low:,.1f} – {this.nps_ci_high:,.1f}"
    assert interval in section.html
    gauges = [t for t in section.figures[0].data if t.type == "indicator"]
    assert [g.value for g in gauges][:1] == [pytest.approx(this.nps)]
    assert gauges[0].delta.reference == pytest.approx(last.nps)


def test_trends_draw_every_segment_and_month(
    e2e_serving: Path, context: Callable[..., ReportContext]
) -> None:
    ctx = context(e2e_serving)
    monthly = ctx.con.execute("select * from marts.mart_experience_monthly").df()
    section = trends.build(ctx)
    fig = section.figures[0]
    buttons = fig.layout.updatemenus[0].buttons
    assert len(buttons) == monthly.segment.nunique()
    assert buttons[0].label == ctx.text("segment.all")
    all_nps = monthly[monthly.segment == "all"].sort_values("month_start").nps
    lines = [t for t in fig.data if t.mode == "lines+markers" and t.visible]
    assert len(lines) == 3  # NPS, CSAT, CES of the segment shown first ('all')
    assert list(lines[0].y) == pytest.approx(list(all_nps))
    # Only one segment's traces visible at a time; each button shows its own group.
    for button in buttons:
        visible = button.args[0]["visible"]
        assert len(visible) == len(fig.data) and 0 < sum(visible) < len(fig.data)


def test_heat_map_cells_equal_the_weekly_mart(
    e2e_serving: Path, context: Callable[..., ReportContext]
) -> None:
    ctx = context(e2e_serving)
    weekly = ctx.con.execute("select * from marts.mart_topic_trend_weekly").df()
    section = topic_heatmap.build(ctx)
    heat = section.figures[0].data[0]
    weeks = sorted(weekly.week_start.astype(str).unique())
    assert list(heat.x) == weeks
    topics = {ctx.text(f"topic.{t}"): t for t in weekly.topic.unique()}
    assert set(heat.y) == set(topics)
    for row, name in enumerate(heat.y):
        for col, week in enumerate(heat.x):
            cell = weekly[(weekly.topic == topics[name]) & (weekly.week_start.astype(str) == week)]
            mentions, negatives = int(cell.mentions.sum()), int(cell.negative_mentions.sum())
            assert list(heat.customdata[row][col]) == [mentions, negatives]
            if mentions:
                assert heat.z[row][col] == pytest.approx(negatives / mentions)
            else:
                assert heat.z[row][col] is None


def test_key_drivers_plot_the_rolling_window(
    e2e_serving: Path, context: Callable[..., ReportContext]
) -> None:
    ctx = context(e2e_serving)
    mart = ctx.con.execute(
        "select * from marts.mart_key_drivers "
        "where window_name = 'rolling_90d' and segment = 'all' and nps_impact is not null"
    ).df()
    section = key_drivers.build(ctx)
    points = {
        text: (x, y)
        for trace in section.figures[0].data
        if trace.type == "scatter"
        for text, x, y in zip(trace.text, trace.x, trace.y, strict=True)
    }
    assert len(points) == len(mart)
    for row in mart.itertuples():
        x, y = points[ctx.text(f"topic.{row.topic}")]
        assert (x, y) == (pytest.approx(row.negative_mention_share), pytest.approx(row.nps_impact))
    costliest = mart.sort_values("nps_impact").iloc[0]
    assert section.summary["costliest_topic"] == costliest.topic
    assert ctx.text(f"topic.{costliest.topic}") in section.reading


def test_journey_recomputes_nps_from_the_counts(
    e2e_serving: Path, context: Callable[..., ReportContext]
) -> None:
    ctx = context(e2e_serving)
    mart = ctx.con.execute("select * from marts.mart_journey_monthly where segment = 'all'").df()
    months = sorted(mart.month_start.unique())[-3:]
    recent = mart[mart.month_start.isin(months)].groupby("touchpoint").sum(numeric_only=True)
    answered = recent[recent.nps_responses > 0]
    nps = 100 * (answered.promoters - answered.detractors) / answered.nps_responses
    share = recent.negative_text_items / recent.text_items
    section = journey.build(ctx)
    assert section.summary["lowest_nps_touchpoint"] == nps.idxmin()
    assert section.summary["lowest_nps"] == round(nps.min(), 1)
    assert section.summary["most_negative_touchpoint"] == share.idxmax()
    bars = {t.name: dict(zip(t.x, t.y, strict=True)) for t in section.figures[0].data}
    for touchpoint, value in nps.items():
        assert bars[ctx.text("journey.nps_trace")][ctx.text(f"touchpoint.{touchpoint}")] == (
            pytest.approx(value)
        )


@pytest.mark.parametrize("lang", LANGS)
def test_an_empty_copy_renders_every_section_as_no_data(
    empty_serving: Path, tmp_path: Path, lang: str
) -> None:
    result = build_report(empty_serving, tmp_path / "report", lang, TIMEZONE, strict=True)
    page = result.path.read_text(encoding="utf-8")
    assert _sections_in(page) == list(SECTIONS)
    assert result.as_of is None and not result.failed
    for section in result.sections:
        assert section.empty and section.figures == 0, section
    assert page.count('<div class="empty">') == len(SECTIONS)


def test_a_missing_copy_renders_every_section_as_no_data(tmp_path: Path) -> None:
    result = build_report(
        tmp_path / "nothing.duckdb", tmp_path / "report", "zh", TIMEZONE, strict=True
    )
    assert [s.id for s in result.sections] == list(SECTIONS)
    assert all(s.empty for s in result.sections)


@pytest.mark.parametrize("lang", LANGS)
def test_a_one_day_copy_renders_every_section(
    one_day_serving: Path, tmp_path: Path, lang: str
) -> None:
    result = build_report(one_day_serving, tmp_path / "report", lang, TIMEZONE, strict=True)
    page = result.path.read_text(encoding="utf-8")
    assert _sections_in(page) == list(SECTIONS)
    for section in result.sections:
        assert section.error is None
        assert section.empty or section.figures >= 1, section
    head = result.section("headline")
    assert head.empty is None
    assert head.summary["nps"] == 100.0 and head.summary["nps_responses"] == 1
    assert head.summary["nps_delta"] is None  # no last month
    assert label("headline.no_last", lang) in head.reading
    assert head.summary["ces"] is None  # no CES answer: shown as a dash, not 0
    assert label("mark.low_sample", lang) in page
    kpis = _kpis(page)
    assert kpis["nps"] == "100.0" and kpis["ces"] == ""
    # One answer: no interval drawn on the headline (n < 2).
    assert label("headline.interval", lang, low="-35.0", high="100.0") not in page
    assert result.section("trends").figures == 1


def test_a_section_failure_becomes_an_error_panel(
    e2e_serving: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(ctx: ReportContext) -> None:
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(journey, "build", broken)
    result = build_report(e2e_serving, tmp_path / "report", "en", TIMEZONE)
    assert result.failed == ["journey"]
    page = result.path.read_text(encoding="utf-8")
    assert '<div class="error">' in page and "ZeroDivisionError: boom" in page
    with pytest.raises(ZeroDivisionError):
        build_report(e2e_serving, tmp_path / "strict", "en", TIMEZONE, strict=True)


def test_the_pipeline_run_materialised_the_report(pipeline_run: PipelineRun) -> None:
    events = pipeline_run.materializations.get("report/voc_report", [])
    assert len(events) == 1
    metadata = events[0]
    index = Path(metadata["path"])
    assert index == report_dir(pipeline_run.warehouse) / "index.html" and index.exists()
    # Later tests rerun the job on this warehouse and rewrite the file (its "built at" line
    # changes), so the size recorded then need not equal the file now: a whole report, not 0.
    assert metadata["bytes"] > 50_000
    assert metadata["failed_sections"] == []
    assert "| nps |" in metadata["summary"]


def test_every_label_has_both_languages_with_the_same_placeholders() -> None:
    fields = string.Formatter()
    for key, texts in LABELS.items():
        assert len(texts) == len(LANGS) and all(texts), key
        names = [{f for _, f, _, _ in fields.parse(text) if f} for text in texts]
        assert names[0] == names[1], key
    for section_id in SECTIONS:
        assert f"{section_id}.title" in LABELS
    assert label("topic.brand_new_topic", "en") == "brand_new_topic"
    with pytest.raises(KeyError):
        label("headline.no_such_key", "zh")
