"""The benchmark table: end to end, refresh, text scoring, fake reviews, targets met / missed.

    .venv/bin/python -m bench.report        # reads bench/results/*.json, prints, writes summary

Reads what ``make bench`` wrote to ``bench/results/`` (``e2e_*.json`` from ``bench.e2e_bench``,
``text_bench.json`` from ``bench.text_bench``, ``fake_review.json`` from
``bench.fake_review_bench``), prints one table and writes the same figures and the verdict per
target to ``bench/results/summary.json``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from bench.stages import ROW_ORDER, STAGE_LABELS  # noqa: E402

RESULTS_DIR = PROJECT_ROOT / "bench" / "results"

E2E_LIMIT_S = 300.0
MEMORY_LIMIT_MB = 4096.0
REFRESH_RATIO_LIMIT = 1.5
TEXT_RATIO_MIN = 0.7
#: "Scales to both cores": two worker processes at least this much faster than one.
TEXT_SCALING_MIN = 1.5


def _label(stage: str) -> str:
    return STAGE_LABELS.get(stage, stage)


def _cell(stage: dict[str, Any] | None) -> str:
    if not stage:
        return f"{'':>22}"
    rate = stage.get("rows_per_s")
    rate_s = f"{rate:>10,.0f}/s" if rate else f"{'':>12}"
    return f"{stage['seconds']:>8.1f} s {rate_s}"


def _runs(report: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    cols = []
    for name, scale in report["scales"].items():
        cols.append((f"{name} history", scale["history"]))
        if "refresh" in scale:
            cols.append((f"{name} +1%", scale["refresh"]))
    return cols


def format_e2e(report: dict[str, Any]) -> str:
    """The end-to-end table: one column per run, one row per stage (seconds, rows/s)."""
    cols = _runs(report)
    width = 34
    lines = [
        "End to end (voc run in a subprocess; rows/s = rows new in the run / stage seconds)",
        f"{'stage':<{width}}" + "".join(f"{c:>23}" for c, _ in cols),
    ]
    for stage in ROW_ORDER:
        cells = []
        for col, run in cols:
            if stage == "generate":
                scale = report["scales"][col.split()[0]]
                cells.append(
                    _cell(
                        {"seconds": scale["generate"]["wall_s"], "rows_per_s": None}
                        if col.endswith("history")
                        else None
                    )
                )
            else:
                cells.append(_cell(run["stages"].get(stage)))
        lines.append(f"{_label(stage):<{width}}" + "".join(f"{c:>23}" for c in cells))

    def row(label: str, fn) -> None:
        lines.append(f"{label:<{width}}" + "".join(f"{fn(r):>23}" for _, r in cols))

    row("run wall time (voc run)", lambda r: f"{r['process']['wall_s']:.1f} s")
    row("feedback items in warehouse", lambda r: f"{r['rows_total']['feedback_unioned']:,}")
    row("feedback items new in run", lambda r: f"{r['rows_new']['feedback_unioned']:,}")
    row("raw rows new in run", lambda r: f"{r['rows_new']['raw']:,}")
    row(
        "items/s end to end",
        lambda r: f"{r['rows_new']['feedback_unioned'] / r['process']['wall_s']:,.0f}/s",
    )
    row("peak memory, tree (sum RSS)", lambda r: _mb(r["process"].get("peak_tree_rss_mb")))
    row(
        "largest process (sampled)",
        lambda r: (
            f"{_mb(r['process'].get('peak_single_rss_mb'))} "
            f"{r['process'].get('peak_single_process') or ''}"
        )[:22],
    )
    row("largest process (kernel)", lambda r: _mb(r["process"].get("kernel_max_single_rss_mb")))
    row("CPU time of the tree", lambda r: _num(r["process"].get("cpu_s"), "s"))
    gens = [
        f"{n}: {s['generated_feedback_items']:,} items generated in {s['generate']['wall_s']:.0f} s"
        f" (peak {_mb(s['generate'].get('peak_tree_rss_mb'))}), "
        f"{s['holdback']['feedback_records_held']:,} feedback records held back for the refresh"
        for n, s in report["scales"].items()
    ]
    lines.extend(gens)
    for n, s in report["scales"].items():
        for key in ("notes",):
            if s.get(key):
                lines.append(f"{n}: {s[key]}")
        for run in ("history", "refresh"):
            if s.get(run, {}).get("notes"):
                lines.append(f"{n} {run}: {s[run]['notes']}")
    m = report.get("machine", {})
    lines.append(
        f"machine: {m.get('cpus')} cores, load average at start {m.get('load_avg_at_start')}, "
        f"at end {m.get('load_avg_at_end')}"
    )
    return "\n".join(lines)


def _num(value: float | None, unit: str) -> str:
    return "n/a" if value is None else f"{value:,.0f} {unit}"


def _mb(value: float | None) -> str:
    return _num(value, "MB")


def _verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("met" if ok else "MISSED")


def targets(e2e: dict[str, Any], text: dict[str, Any] | None, fake: dict[str, Any] | None):
    """[(target, figure, verdict)] for every target of the issue."""
    scales = e2e.get("scales", {}) if e2e else {}
    out = []
    big = scales.get("1M")
    if big:
        run = big["history"]
        wall = run["process"]["wall_s"]
        items = run["rows_total"]["feedback_unioned"]
        failed = run.get("failed")
        out.append(
            (
                f"1M items end to end < {E2E_LIMIT_S:.0f} s (voc run, generate excluded)",
                f"{wall:.0f} s for {items:,} items" + (f"; run FAILED: {failed}" if failed else ""),
                _verdict(wall < E2E_LIMIT_S and not failed),
            )
        )
        mem, where = run["process"].get("peak_tree_rss_mb"), "history run"
        verdict = _verdict(None if mem is None else mem < MEMORY_LIMIT_MB)
        if mem is None and "refresh" in big:
            mem, where = big["refresh"]["process"].get("peak_tree_rss_mb"), "refresh run on 1M"
            # Only part of a run was sampled: say so rather than claim the target.
            verdict = "partly" if mem is not None and mem < MEMORY_LIMIT_MB else _verdict(False)
        out.append(
            (
                f"1M items peak memory < {MEMORY_LIMIT_MB / 1024:.0f} GB (tree, sum of RSS)",
                f"{_mb(mem)} ({where})",
                verdict,
            )
        )
    else:
        out.append(("1M items end to end < 300 s, < 4 GB", "not measured", "n/a"))
    small = scales.get("100k")
    if big and big.get("refresh", {}).get("failed"):
        out.append(
            (
                f"+1% refresh on 1M within {REFRESH_RATIO_LIMIT}x of on 100k",
                f"not measured: {big['refresh']['failed']}",
                "n/a",
            )
        )
    elif big and small and "refresh" in big and "refresh" in small:
        a = big["refresh"]["process"]["wall_s"]
        b = small["refresh"]["process"]["wall_s"]
        out.append(
            (
                f"+1% refresh on 1M within {REFRESH_RATIO_LIMIT}x of on 100k",
                f"{a:.0f} s / {b:.0f} s = {a / b:.2f}x",
                _verdict(a / b <= REFRESH_RATIO_LIMIT),
            )
        )
    else:
        out.append(("+1% refresh on 1M within 1.5x of on 100k", "not measured", "n/a"))
    if text:
        r = text["ratio_full_to_jieba_cpu"]
        s = text["scaling_2_processes_wall"]
        out.append(
            (
                f"text scoring >= {TEXT_RATIO_MIN}x bare jieba, one core (CPU time)",
                f"{r:.2f}x",
                _verdict(r >= TEXT_RATIO_MIN),
            )
        )
        out.append(
            (
                f"text scoring scales to both cores (2 processes >= {TEXT_SCALING_MIN}x one)",
                f"{s:.2f}x",
                _verdict(s >= TEXT_SCALING_MIN),
            )
        )
    if fake:
        o = fake["overall"]
        out.append(
            (
                "fake reviews: precision >= 0.9, recall >= 0.8, genuine flagged < 1%",
                f"P {o['precision']}, R {o['recall']}, genuine {o['genuine_flagged_share']}",
                _verdict(bool(fake.get("meets_targets"))),
            )
        )
    return out


def format_text(text: dict[str, Any]) -> str:
    b, f1, f2 = (
        text["bare_jieba_lcut"],
        text["full_path_1_process"],
        text["full_path_2_processes"],
    )
    lines = [
        f"Text scoring ({text['n_texts']:,} texts, mean {text['mean_chars']} chars, "
        f"{text['source']}, model {text['model_version']})",
        f"  bare jieba.lcut, 1 process    {b['cpu_chars_per_s']:>12,.0f} chars/s (CPU)",
        f"  full path, 1 process          {f1['cpu_chars_per_s']:>12,.0f} chars/s (CPU)"
        f"  {f1['texts_per_s']:>8,.0f} texts/s (wall)",
        f"  full path, 2 processes        {f2['chars_per_s']:>12,.0f} chars/s (wall)"
        f"  {f2['texts_per_s']:>8,.0f} texts/s (wall)",
        f"  ratio full/jieba (CPU) {text['ratio_full_to_jieba_cpu']}, "
        f"(wall) {text['ratio_full_to_jieba_wall']}; 2-process scaling (wall) "
        f"{text['scaling_2_processes_wall']}x",
    ]
    snow = text.get("snownlp", {})
    if "chars_per_s" in snow:
        lines.append(
            f"  SnowNLP sentiments ({snow['n_texts']:,} texts)  "
            f"{snow.get('cpu_chars_per_s', snow['chars_per_s']):>12,.0f} chars/s (CPU)"
        )
    elif snow:
        lines.append(f"  SnowNLP: {snow.get('note')}")
    return "\n".join(lines)


def format_fake(fake: dict[str, Any]) -> str:
    lines = ["Fake reviews (rules vs the generator's ground truth)"]
    for name in ("overall", "any_rule"):
        r = fake[name]
        lines.append(
            f"  {name:<10} flagged {r['flagged']:>6}  precision {r['precision']}  "
            f"recall {r['recall']}  genuine flagged share {r['genuine_flagged_share']}"
        )
    return "\n".join(lines)


def _load(path: Path) -> dict[str, Any] | None:
    if not path.exists():
        return None
    text = path.read_text(encoding="utf-8").strip()
    # text_bench prints its JSON after any log lines: take from the first brace.
    return json.loads(text[text.index("{") :]) if "{" in text else None


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, default=RESULTS_DIR, help="results folder")
    results = parser.parse_args(argv).results
    e2e: dict[str, Any] = {"scales": {}}
    for path in sorted(results.glob("e2e_*.json")):
        part = _load(path) or {}
        e2e["scales"].update(part.get("scales", {}))
        e2e["machine"] = part.get("machine", e2e.get("machine"))
    text = _load(results / "text_bench.json")
    fake = _load(results / "fake_review.json")
    if e2e["scales"]:
        print(format_e2e(e2e))
        print()
    if text:
        print(format_text(text))
        print()
    if fake:
        print(format_fake(fake))
        print()
    verdicts = targets(e2e, text, fake)
    print("Targets")
    for name, figure, verdict in verdicts:
        print(f"  {verdict:<7} {name:<70} {figure}")
    summary = {
        "e2e": e2e,
        "text": text,
        "fake_review": fake,
        "targets": [{"target": n, "figure": f, "verdict": v} for n, f, v in verdicts],
    }
    (results / "summary.json").write_text(
        json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    print(f"figures written to {results / 'summary.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
