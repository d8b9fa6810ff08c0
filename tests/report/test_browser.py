"""The report in a real browser: headless Chromium (Debian's ``chromium`` package; ``.ci/run``
installs it) opens the built ``index.html`` from the file system, in Chinese and English.

Every request is routed: anything that is not a ``file://`` URL is aborted and recorded, and
the test fails if there was one (the report must open with no network). Console errors and
page errors fail it too. Each of the ten sections must be present with a rendered chart (svg
or canvas nodes), and the headline's KPI tiles (``data-metric`` / ``data-value``) must equal
the marts. Skips with a reason when Chromium or playwright is missing.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from report.build import build_report
from report.labels import LANGS
from report.sections import SECTIONS

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
TIMEZONE = "Asia/Shanghai"


def _sync_playwright():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - depends on the machine
        pytest.skip("playwright is not installed (uv sync --group dev)")
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (apt-get install chromium; .ci/run does it)")
    return sync_playwright


def _headline_from_marts(serving: Path) -> dict[str, float]:
    """The headline's figures straight from the marts: this month's NPS, CSAT and CES (latest
    month, all segments), open and overdue follow-ups, alerts on the last business day."""
    with duckdb.connect(str(serving), read_only=True) as con:
        nps, csat, ces = con.execute(
            "select nps, csat_pct, ces_mean from marts.mart_experience_monthly "
            "where segment = 'all' order by month_start desc limit 1"
        ).fetchone()
        open_items, overdue = con.execute(
            "select count(*) filter (where status in ('open', 'overdue')), "
            "count(*) filter (where status = 'overdue') from marts.fct_followup"
        ).fetchone()
        (alerts,) = con.execute(
            "select count(*) from marts.mart_alerts where day = (select max(day) from "
            "marts.fct_feedback)"
        ).fetchone()
    return {
        "nps": nps,
        "csat": csat,
        "ces": ces,
        "open_followups": open_items,
        "overdue_followups": overdue,
        "alerts_today": alerts,
    }


def _keep_on_the_machine(page, outside: list[str]) -> None:
    """Route every request of ``page``: file:// goes through, anything else is aborted and
    its URL appended to ``outside``."""

    def route(request_route) -> None:
        url = request_route.request.url
        if url.startswith("file://"):
            request_route.continue_()
        else:
            outside.append(url)
            request_route.abort()

    page.route("**/*", route)


@pytest.fixture(scope="module")
def browser():
    sync_playwright = _sync_playwright()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield browser
        browser.close()


@pytest.mark.parametrize("lang", LANGS)
def test_report_opens_offline_with_every_chart_and_the_marts_headline(
    browser, e2e_serving: Path, tmp_path: Path, lang: str
) -> None:
    result = build_report(e2e_serving, tmp_path / "report", lang, TIMEZONE, strict=True)
    assert result.failed == []

    outside: list[str] = []
    errors: list[str] = []
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    _keep_on_the_machine(page, outside)
    page.on("console", lambda m: errors.append(f"console: {m.text}") if m.type == "error" else 0)
    page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
    try:
        page.goto(result.path.as_uri(), wait_until="load")
        # Plotly draws each figure into its div on load; wait until every one has.
        page.wait_for_function(
            "() => [...document.querySelectorAll('.plotly-graph-div')]"
            ".every(d => d.querySelector('svg.main-svg'))",
            timeout=30_000,
        )
        assert page.evaluate("() => typeof Plotly") == "object"
        ids = page.eval_on_selector_all("section.report-section", "ss => ss.map(s => s.id)")
        assert ids == list(SECTIONS)
        for section_id in SECTIONS:
            drawn = page.locator(f"section#{section_id}").locator("svg, canvas").count()
            assert drawn > 0, f"section {section_id} has no chart"
            assert page.locator(f"section#{section_id} h2").inner_text().strip()
        kpis = page.eval_on_selector_all(
            "[data-metric]",
            "es => Object.fromEntries(es.map(e => [e.dataset.metric, e.dataset.value]))",
        )
        lang_attr = page.evaluate("() => document.documentElement.lang")
    finally:
        page.close()

    assert outside == [], f"requests left the machine: {outside[:5]}"
    assert errors == [], errors[:5]
    assert lang_attr.startswith(lang)
    expected = _headline_from_marts(e2e_serving)
    for metric, value in expected.items():
        assert metric in kpis, f"no KPI tile data-metric={metric}"
        if value is None:
            assert kpis[metric] == ""
        else:
            assert float(kpis[metric]) == pytest.approx(float(value), abs=1e-6), metric


def test_the_guard_catches_a_request_leaving_the_machine(browser, tmp_path: Path) -> None:
    """The routing above would see a CDN script: a page that asks for one is caught."""
    page_path = tmp_path / "index.html"
    page_path.write_text(
        '<html><head><script src="https://cdn.example.com/plotly.js"></script></head>'
        "<body><svg></svg></body></html>",
        encoding="utf-8",
    )
    outside: list[str] = []
    page = browser.new_page()
    _keep_on_the_machine(page, outside)
    try:
        page.goto(page_path.as_uri(), wait_until="load")
    finally:
        page.close()
    assert outside == ["https://cdn.example.com/plotly.js"]
