"""Build the report: open the serving copy read-only, build every section, write the page.

``build_report`` is what the Dagster asset (``orchestration.report``) and ``voc report`` call.
A section whose mart is not in the serving copy yet renders the "no data yet" panel; any other
failure of one section renders an error panel in its place (the rest of the report is still
worth reading at 8 am) and is listed in ``ReportResult.failed``; ``strict=True`` (the tests)
raises it instead.
"""

from __future__ import annotations

import importlib
import logging
import re
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb

from report.labels import day_label, text_for
from report.render import INDEX, page_html, write_report
from report.section import ReportContext, Section
from report.sections import SECTIONS

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SectionResult:
    """What one section came to, for the asset's metadata and the tests."""

    id: str
    title: str
    reading: str
    figures: int
    empty: str | None
    error: str | None
    summary: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class ReportResult:
    """Where the report was written and what it holds."""

    #: ``index.html``.
    path: Path
    #: Size of ``index.html`` (``plotly.min.js`` beside it not counted).
    bytes: int
    #: Wall-clock seconds of the whole build (queries, figures, writing).
    seconds: float
    lang: str
    as_of: date | None
    sections: list[SectionResult]

    @property
    def failed(self) -> list[str]:
        """Ids of the sections that raised (rendered as an error panel)."""
        return [s.id for s in self.sections if s.error is not None]

    def section(self, section_id: str) -> SectionResult:
        return next(s for s in self.sections if s.id == section_id)

    def markdown(self) -> str:
        """A short summary for the Dagster UI: the headline numbers, then one line a section."""
        lines = [f"**as of** {self.as_of or '—'} · {self.lang} · {self.bytes:,} bytes · "]
        lines[0] += f"{self.seconds:.1f} s"
        headline = next((s for s in self.sections if s.id == "headline"), None)
        if headline is not None and headline.summary:
            lines.append("")
            lines.append("| figure | value |")
            lines.append("|---|---|")
            for key, value in headline.summary.items():
                lines.append(f"| {key} | {value} |")
        lines.append("")
        for s in self.sections:
            state = (
                f"error: {s.error}"
                if s.error
                else ("empty" if s.empty is not None else f"{s.figures} figure(s)")
            )
            lines.append(f"- `{s.id}` ({state}): {s.reading}")
        return "\n".join(lines)


def data_as_of(con: duckdb.DuckDBPyConnection, business_timezone: str) -> date | None:
    """The last business day with feedback in the serving copy: the report's "today"
    (None when there is no feedback, or no ``marts.fct_feedback`` yet)."""
    try:
        row = con.execute(
            "select max(cast(timezone(?, timezone('UTC', created_at)) as date)) "
            "from marts.fct_feedback",
            [business_timezone],
        ).fetchone()
    except duckdb.CatalogException:
        return None
    return row[0] if row else None


def _missing_table(error: duckdb.CatalogException) -> str:
    match = re.search(r"Table with name (\S+) does not exist", str(error))
    return match.group(1) if match else "marts"


def _open(serving_path: Path) -> duckdb.DuckDBPyConnection:
    """The serving copy, read-only; an empty in-memory database when it does not exist yet
    (every section then shows its "no data yet" panel)."""
    if Path(serving_path).exists():
        return duckdb.connect(str(serving_path), read_only=True)
    return duckdb.connect()


def build_sections(ctx: ReportContext, strict: bool = False) -> list[tuple[Section, str | None]]:
    """Every section of ``SECTIONS`` in order, with the error message of those that failed."""
    built: list[tuple[Section, str | None]] = []
    for section_id in SECTIONS:
        module = importlib.import_module(f"report.sections.{section_id}")
        title = ctx.text(f"{section_id}.title")
        try:
            section = module.build(ctx)
        except duckdb.CatalogException as error:
            if strict and "does not exist" not in str(error):
                raise
            empty = ctx.text("empty.no_table", table=_missing_table(error))
            built.append((Section(id=section_id, title=title, reading="", empty=empty), None))
            continue
        except Exception as error:
            if strict:
                raise
            log.exception("report section %s failed", section_id)
            message = ctx.text("error.section", error=f"{type(error).__name__}: {error}")
            built.append((Section(id=section_id, title=title, reading=""), message))
            continue
        if section.id != section_id:
            raise ValueError(f"report.sections.{section_id} returned section id {section.id!r}")
        built.append((section, None))
    return built


def build_report(
    serving_path: Path,
    report_dir: Path,
    lang: str = "zh",
    business_timezone: str = "Asia/Shanghai",
    *,
    strict: bool = False,
    now: datetime | None = None,
) -> ReportResult:
    """Build the report from the serving copy at ``serving_path`` into ``report_dir``
    (``index.html`` and ``plotly.min.js``), replacing what was there atomically."""
    started = time.perf_counter()
    text = text_for(lang)
    zone = ZoneInfo(business_timezone)
    generated = (now or datetime.now(tz=zone)).astimezone(zone)
    con = _open(Path(serving_path))
    try:
        as_of = data_as_of(con, business_timezone)
        ctx = ReportContext(
            con=con, lang=lang, business_timezone=business_timezone, as_of=as_of, text=text
        )
        built = build_sections(ctx, strict=strict)
    finally:
        con.close()
    generated_label = f"{day_label(generated.date(), lang)} {generated:%H:%M}"
    subtitle = (
        text(
            "page.subtitle",
            as_of=day_label(as_of, lang),
            timezone=business_timezone,
            generated=generated_label,
        )
        if as_of is not None
        else text("page.subtitle_empty", generated=generated_label)
    )
    sections = [section for section, _ in built]
    page = page_html(
        sections,
        lang=lang,
        title=text("page.title"),
        subtitle=subtitle,
        nav_label=text("page.nav"),
        footer=text("page.footer"),
        errors={section.id: error for section, error in built if error is not None},
    )
    index = write_report(page, Path(report_dir))
    results = [
        SectionResult(
            id=section.id,
            title=section.title,
            reading=section.reading,
            figures=len(section.figures),
            empty=section.empty,
            error=error,
            summary=dict(section.summary),
        )
        for section, error in built
    ]
    return ReportResult(
        path=index,
        bytes=index.stat().st_size,
        seconds=time.perf_counter() - started,
        lang=lang,
        as_of=as_of,
        sections=results,
    )


__all__ = ["INDEX", "ReportResult", "SectionResult", "build_report", "data_as_of"]
