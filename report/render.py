"""The report's one HTML page: inline CSS, a nav, one ``<section>`` per ``Section``.

Figures are plotly ``div``s that load ``plotly.min.js`` from beside ``index.html`` (written from
the installed package, ``plotly.offline.get_plotlyjs()``): the page opens from the file system
and makes no request that leaves the machine (no CDN, no MathJax, no map tiles). The folder is
written to a temporary sibling and renamed into place, so a reader never sees half a report.
"""

from __future__ import annotations

import html
import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

import plotly.graph_objects as go
import plotly.offline

from report.section import Section

PLOTLY_JS = "plotly.min.js"
INDEX = "index.html"

#: CJK first, so Chinese labels never fall back to boxes; the browser picks what it has.
FONT_FAMILY = (
    '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", '
    '"WenQuanYi Micro Hei", "Helvetica Neue", Arial, sans-serif'
)

#: Plotly's config of every figure: no logo (MathJax is left out by ``figure_html``).
PLOTLY_CONFIG = {"displaylogo": False, "responsive": True}

CSS = (
    f":root {{ --font: {FONT_FAMILY}; }}"
    + """
:root { --fg: #1f2933; --muted: #616e7c; --line: #e4e7eb; --bg: #f5f7fa; --accent: #1f6feb;
        --bad: #c62828; --good: #2e7d32; --warn: #b26a00; }
* { box-sizing: border-box; }
body { margin: 0; font-family: var(--font); color: var(--fg); background: var(--bg);
       line-height: 1.5; }
header.page { background: #fff; border-bottom: 1px solid var(--line); padding: 16px 32px; }
header.page h1 { margin: 0; font-size: 24px; }
header.page p { margin: 4px 0 0; color: var(--muted); }
nav.toc { position: sticky; top: 0; z-index: 10; background: #fff; padding: 8px 32px;
          border-bottom: 1px solid var(--line); display: flex; flex-wrap: wrap; gap: 4px 16px; }
nav.toc a { color: var(--accent); text-decoration: none; font-size: 14px; }
nav.toc a:hover { text-decoration: underline; }
main { max-width: 1280px; margin: 0 auto; padding: 16px 32px 48px; }
section.report-section { background: #fff; border: 1px solid var(--line); border-radius: 8px;
                         margin: 16px 0; padding: 16px 24px; scroll-margin-top: 48px; }
section.report-section h2 { margin: 0 0 4px; font-size: 20px; }
p.reading { margin: 0 0 12px; font-size: 15px; }
div.figure { margin: 8px 0; }
div.empty { padding: 32px; text-align: center; color: var(--muted); background: var(--bg);
            border: 1px dashed var(--line); border-radius: 8px; }
div.error { padding: 16px; color: var(--bad); background: #fdecea; border-radius: 8px; }
table.data { border-collapse: collapse; margin: 8px 0; font-size: 14px; }
table.data th, table.data td { border-bottom: 1px solid var(--line); padding: 4px 12px;
                               text-align: left; }
table.data td.num, table.data th.num { text-align: right; font-variant-numeric: tabular-nums; }
.kpis { display: grid; grid-template-columns: repeat(auto-fit, minmax(180px, 1fr)); gap: 12px;
        margin: 8px 0; }
.kpi { border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; }
.kpi .kpi-label { color: var(--muted); font-size: 13px; }
.kpi .kpi-value { font-size: 28px; font-weight: 600; font-variant-numeric: tabular-nums; }
.kpi .kpi-note { color: var(--muted); font-size: 12px; }
.kpi .up { color: var(--good); } .kpi .down { color: var(--bad); }
.mark { display: inline-block; font-size: 12px; padding: 0 6px; border-radius: 4px;
        background: #fff4e5; color: var(--warn); margin-left: 4px; }
p.note { color: var(--muted); font-size: 13px; margin: 4px 0; }
footer.page { color: var(--muted); font-size: 12px; text-align: center; padding: 16px; }
"""
)


def style_figure(fig: go.Figure) -> go.Figure:
    """The look every figure shares: white template, CJK fonts, tight margins (unless the
    section set its own)."""
    fig.update_layout(template="plotly_white", font={"family": FONT_FAMILY, "size": 13})
    if fig.layout.margin.l is None:
        fig.update_layout(margin={"l": 60, "r": 30, "t": 50, "b": 50})
    return fig


def figure_html(fig: go.Figure) -> str:
    """One figure as a ``div`` using the page's ``plotly.min.js``."""
    return fig.to_html(
        full_html=False,
        include_plotlyjs=False,
        include_mathjax=False,
        config=PLOTLY_CONFIG,
    )


def section_html(section: Section, error: str | None = None) -> str:
    """One ``<section>``: title, reading, then figures and extra HTML, or the empty panel."""
    parts = [
        f'<section id="{html.escape(section.id)}" class="report-section">',
        f"<h2>{html.escape(section.title)}</h2>",
    ]
    if section.reading:
        parts.append(f'<p class="reading">{html.escape(section.reading)}</p>')
    if error is not None:
        parts.append(f'<div class="error">{html.escape(error)}</div>')
    elif section.empty is not None:
        parts.append(f'<div class="empty">{html.escape(section.empty)}</div>')
    else:
        if section.html:
            parts.append(section.html)
        for fig in section.figures:
            parts.append(f'<div class="figure">{figure_html(style_figure(fig))}</div>')
    parts.append("</section>")
    return "\n".join(parts)


def page_html(
    sections: Sequence[Section],
    *,
    lang: str,
    title: str,
    subtitle: str,
    nav_label: str,
    footer: str,
    errors: dict[str, str] | None = None,
) -> str:
    """The whole ``index.html``; ``errors`` maps a section id to the message shown instead
    of its content."""
    errors = errors or {}
    nav = "".join(
        f'<a href="#{html.escape(s.id)}">{i}. {html.escape(s.title)}</a>'
        for i, s in enumerate(sections, start=1)
    )
    body = "\n".join(section_html(s, errors.get(s.id)) for s in sections)
    html_lang = "zh-CN" if lang == "zh" else "en"
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{html_lang}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n"
        f"<style>{CSS}</style>\n"
        f'<script src="{PLOTLY_JS}"></script>\n'
        "</head>\n<body>\n"
        f'<header class="page"><h1>{html.escape(title)}</h1>'
        f"<p>{html.escape(subtitle)}</p></header>\n"
        f'<nav class="toc" aria-label="{html.escape(nav_label)}">{nav}</nav>\n'
        f"<main>\n{body}\n</main>\n"
        f'<footer class="page">{html.escape(footer)}</footer>\n'
        "</body>\n</html>\n"
    )


def write_report(page: str, report_dir: Path) -> Path:
    """Write ``index.html`` and ``plotly.min.js`` into ``report_dir`` atomically: both go to a
    temporary sibling folder, which then replaces ``report_dir``. Returns index.html's path."""
    report_dir = Path(report_dir)
    report_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{report_dir.name}.", dir=report_dir.parent))
    try:
        (staging / INDEX).write_text(page, encoding="utf-8")
        (staging / PLOTLY_JS).write_text(plotly.offline.get_plotlyjs(), encoding="utf-8")
        os.chmod(staging, 0o755)
        old = None
        if report_dir.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{report_dir.name}.old.", dir=report_dir.parent))
            os.rmdir(old)
            os.rename(report_dir, old)
        os.rename(staging, report_dir)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return report_dir / INDEX
