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
#: The figures before issue 18, printed beside the new ones.
BASELINE = PROJECT_ROOT / "bench" / "baseline.json"
SCALE_ORDER = {"10k": 0, "100k": 1, "1M": 2, "10M": 3}

#: The targets of issue 18.
E2E_1M_LIMIT_S = 120.0
MEMORY_1M_LIMIT_MB = 3 * 1024.0
E2E_10M_LIMIT_S = 25 * 60.0
MEMORY_10M_LIMIT_MB = 8 * 1024.0
REFRESH_1M_LIMIT_S = 30.0
#: +1% refresh on 10M history / on 100k history.
REFRESH_RATIO_LIMIT = 2.0
NOOP_LIMIT_S = 10.0
#: Not a target of the issue itself: the generator must write 10M items "in reasonable time".
GENERATE_10M_LIMIT_S = 10 * 60.0
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
        if "noop" in scale:
            cols.append((f"{name} no-op", scale["noop"]))
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
        if s.get("separate"):
            lines.append(
                f"{n}: measured by another run ({_measured_on(s)}, {s['measured']['file']})"
            )
        for run in ("history", "noop", "refresh"):
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
    return "n/a" if ok is None else ("met" if ok else "not met")


def _wall(scale: dict[str, Any] | None, run: str) -> float | None:
    """Wall seconds of ``run`` (history, noop, refresh) at one scale, None if not measured."""
    if not scale or run not in scale or "process" not in scale[run]:
        return None
    return scale[run]["process"].get("wall_s")


def _peak(scale: dict[str, Any] | None, run: str) -> float | None:
    if not scale or run not in scale or "process" not in scale[run]:
        return None
    return scale[run]["process"].get("peak_tree_rss_mb")


def _measured_on(scale: dict[str, Any]) -> str:
    m = scale.get("measured", {})
    return f"commit {m.get('commit')}, {m.get('when', '?')[:10]}"


def _cpu(scale: dict[str, Any] | None, run: str) -> str:
    """`` (CPU n s)`` of a run: the machine is shared, CPU time says how much was waiting."""
    cpu = scale[run]["process"].get("cpu_s") if _wall(scale, run) is not None else None
    return "" if cpu is None else f" (CPU {cpu:,.0f} s)"


def _under(value: float | None, limit: float) -> str:
    return "n/a" if value is None else _verdict(value < limit)


def targets(
    e2e: dict[str, Any],
    text: dict[str, Any] | None,
    fake: dict[str, Any] | None,
    baseline: dict[str, Any] | None = None,
) -> list[tuple[str, str, str, str]]:
    """[(target, figure now, figure before, verdict)] for every target of issue 18, then the
    earlier issues' targets (no figure before). ``baseline``: ``bench/baseline.json``."""
    scales = e2e.get("scales", {}) if e2e else {}
    before = (baseline or {}).get("scales", {})
    small, big, huge = scales.get("100k"), scales.get("1M"), scales.get("10M")
    b_small, b_big = before.get("100k", {}), before.get("1M", {})
    out: list[tuple[str, str, str, str]] = []

    def seconds(value: float | None) -> str:
        return "not measured" if value is None else f"{value:,.1f} s"

    def mb(value: float | None) -> str:
        return "not measured" if value is None else _mb(value)

    # 1M end to end and its memory.
    wall = _wall(big, "history")
    items = big["history"]["rows_total"]["feedback_unioned"] if wall is not None else None
    out.append(
        (
            f"1M items end to end < {E2E_1M_LIMIT_S:.0f} s (voc run, generation excluded)",
            seconds(wall) + _cpu(big, "history") + (f", {items:,} items" if items else ""),
            seconds(b_big.get("history_s")),
            _under(wall, E2E_1M_LIMIT_S),
        )
    )
    mem = _peak(big, "history")
    out.append(
        (
            f"1M items peak memory of the process tree < {MEMORY_1M_LIMIT_MB / 1024:.0f} GB",
            mb(mem),
            mb(b_big.get("history_peak_tree_rss_mb")),
            _under(mem, MEMORY_1M_LIMIT_MB),
        )
    )
    # 10M (make bench-10m, merged in when its result file exists).
    wall10 = _wall(huge, "history")
    where = f" ({_measured_on(huge)}, make bench-10m)" if huge else " (make bench-10m)"
    out.append(
        (
            f"10M items end to end < {E2E_10M_LIMIT_S / 60:.0f} min",
            ("not measured" if wall10 is None else f"{wall10 / 60:,.1f} min")
            + _cpu(huge, "history")
            + where,
            "not measured",
            _under(wall10, E2E_10M_LIMIT_S),
        )
    )
    mem10 = _peak(huge, "history")
    out.append(
        (
            f"10M items peak memory of the process tree < {MEMORY_10M_LIMIT_MB / 1024:.0f} GB",
            mb(mem10) + where,
            "not measured",
            _under(mem10, MEMORY_10M_LIMIT_MB),
        )
    )
    # Refresh.
    fresh = _wall(big, "refresh")
    out.append(
        (
            f"+1% refresh on 1M history < {REFRESH_1M_LIMIT_S:.0f} s",
            seconds(fresh) + _cpu(big, "refresh"),
            seconds(b_big.get("refresh_s")),
            _under(fresh, REFRESH_1M_LIMIT_S),
        )
    )
    a, b = _wall(huge, "refresh"), _wall(small, "refresh")
    ratio = a / b if a is not None and b else None
    old = (
        f"1M/100k {b_big['refresh_s'] / b_small['refresh_s']:.2f}x"
        if b_big.get("refresh_s") and b_small.get("refresh_s")
        else "not measured"
    )
    out.append(
        (
            f"+1% refresh on 10M / on 100k history < {REFRESH_RATIO_LIMIT:.0f}x",
            "not measured" + where
            if ratio is None
            else f"{a:,.0f} s / {b:,.0f} s = {ratio:.2f}x"
            + (f" (10M: {_measured_on(huge)})" if huge.get("separate") else ""),
            old + " (10M not measured)",
            _under(ratio, REFRESH_RATIO_LIMIT),
        )
    )
    # Fixed cost: the run with no new files, at every scale measured (the largest decides).
    noops = [(n, _wall(s, "noop")) for n, s in scales.items() if _wall(s, "noop") is not None]
    worst = max((w for _, w in noops), default=None)
    out.append(
        (
            f"run with no new files (fixed cost) < {NOOP_LIMIT_S:.0f} s, every scale",
            ", ".join(f"{n}: {w:.1f} s{_cpu(scales[n], 'noop')}" for n, w in noops)
            or "not measured",
            f"not measured (+1% refresh on 100k: {b_small['refresh_s']:.0f} s, mostly fixed cost)"
            if b_small.get("refresh_s")
            else "not measured",
            _under(worst, NOOP_LIMIT_S),
        )
    )
    # The generator (the brief of issue 18: fast enough to write 10M items).
    gen10 = huge["generate"]["wall_s"] if huge and "generate" in huge else None
    rates = [  # a rate from a small sample says more about start-up than about 10M
        (n, s["generate"]["rows_per_s"])
        for n, s in scales.items()
        if s.get("generate", {}).get("rows_per_s") and SCALE_ORDER.get(n, 0) >= SCALE_ORDER["1M"]
    ]
    if gen10 is not None:
        gen_cpu = huge["generate"].get("cpu_s")
        gen_figure = f"{gen10 / 60:.1f} min" + (f" (CPU {gen_cpu:,.0f} s)" if gen_cpu else "")
        gen_figure += where
    elif rates:
        n, rate = max(rates, key=lambda r: SCALE_ORDER.get(r[0], 0))
        gen_figure = f"not measured; at {n}: {rate:,.0f} items/s, 10M in ~{1e7 / rate / 60:.0f} min"
    else:
        gen_figure = "not measured"
    old_rate = b_big.get("generate_rows_per_s")
    out.append(
        (
            f"generator writes 10M items < {GENERATE_10M_LIMIT_S / 60:.0f} min",
            gen_figure,
            f"{old_rate:,.0f} items/s at 1M, 10M in ~{1e7 / old_rate / 60:.0f} min"
            if old_rate
            else "not measured",
            _under(gen10, GENERATE_10M_LIMIT_S),
        )
    )
    # Earlier issues' targets.
    if text:
        r = text["ratio_full_to_jieba_cpu"]
        s = text["scaling_2_processes_wall"]
        out.append(
            (
                f"text scoring >= {TEXT_RATIO_MIN}x bare jieba, one core (CPU time)",
                f"{r:.2f}x",
                "",
                _verdict(r >= TEXT_RATIO_MIN),
            )
        )
        out.append(
            (
                f"text scoring scales to both cores (2 processes >= {TEXT_SCALING_MIN}x one)",
                f"{s:.2f}x",
                "",
                _verdict(s >= TEXT_SCALING_MIN),
            )
        )
    if fake:
        o = fake["overall"]
        out.append(
            (
                "fake reviews: precision >= 0.9, recall >= 0.8, genuine flagged < 1%",
                f"P {o['precision']}, R {o['recall']}, genuine {o['genuine_flagged_share']}",
                "",
                _verdict(bool(fake.get("meets_targets"))),
            )
        )
    return out


def format_targets(verdicts: list[tuple[str, str, str, str]], baseline: dict | None) -> str:
    """The targets as one table: verdict, target, figure now, figure before."""
    when = (
        f"before: commit {baseline.get('commit')}, {baseline.get('when', '')[:10]}"
        if baseline
        else "before"
    )
    width = max(len(t) for t, *_ in verdicts)
    now_w = max(len("now"), *(len(f) for _, f, _, _ in verdicts))
    lines = [
        "Targets (issue 18 first; now: this run, before: the figures the issue started from)",
        f"  {'verdict':<9}{'target':<{width}}  {'now':<{now_w}}  {when}",
    ]
    for target, figure, old, verdict in verdicts:
        lines.append(f"  {verdict:<9}{target:<{width}}  {figure:<{now_w}}  {old}".rstrip())
    return "\n".join(lines)


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


def merge_e2e(paths: list[Path]) -> dict[str, Any]:
    """The scales of every ``e2e_*.json`` in one report. Each scale keeps where and when it
    was measured (``measured``); ``machine`` is the run that measured 1M (``make bench``), and
    a scale measured by another run (``make bench-10m``) is marked ``separate``."""
    e2e: dict[str, Any] = {"scales": {}}
    main_file = None
    for path in paths:
        part = _load(path) or {}
        machine = part.get("machine", {})
        for name, scale in part.get("scales", {}).items():
            scale["measured"] = {
                "commit": machine.get("commit"),
                "when": machine.get("when"),
                "file": path.name,
            }
            e2e["scales"][name] = scale
        if "1M" in part.get("scales", {}) or main_file is None:
            main_file, e2e["machine"] = path.name, machine
    for scale in e2e["scales"].values():
        scale["separate"] = scale["measured"]["file"] != main_file
    order = sorted(e2e["scales"], key=lambda n: SCALE_ORDER.get(n, 99))
    e2e["scales"] = {n: e2e["scales"][n] for n in order}
    return e2e


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, default=RESULTS_DIR, help="results folder")
    results = parser.parse_args(argv).results
    e2e = merge_e2e(sorted(results.glob("e2e_*.json")))
    text = _load(results / "text_bench.json")
    fake = _load(results / "fake_review.json")
    baseline = _load(BASELINE)
    if e2e["scales"]:
        print(format_e2e(e2e))
        print()
    if text:
        print(format_text(text))
        print()
    if fake:
        print(format_fake(fake))
        print()
    verdicts = targets(e2e, text, fake, baseline)
    print(format_targets(verdicts, baseline))
    summary = {
        "e2e": e2e,
        "text": text,
        "fake_review": fake,
        "targets": [
            {"target": n, "figure": f, "before": b, "verdict": v} for n, f, b, v in verdicts
        ],
    }
    (results / "summary.json").write_text(
        json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    print(f"figures written to {results / 'summary.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
