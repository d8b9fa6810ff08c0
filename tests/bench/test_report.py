"""The benchmark table (bench/report.py): the verdict of every target of issue 18 from
hand-built figures, the 10M figures merged from their own file, and committed results that
name no path of the machine that ran them."""

from __future__ import annotations

import json
import re
from pathlib import Path

from bench.e2e_bench import PROJECT_ROOT, repo_relative
from bench.report import RESULTS_DIR, merge_e2e, targets


def _run(wall: float, peak: float = 1000.0, items: int = 1000) -> dict:
    return {
        "process": {"wall_s": wall, "cpu_s": wall * 1.5, "peak_tree_rss_mb": peak},
        "rows_total": {"feedback_unioned": items},
        "rows_new": {"feedback_unioned": items},
        "stages": {},
    }


def _scale(history: float, peak: float, noop: float, refresh: float, gen: float) -> dict:
    return {
        "generate": {"wall_s": gen, "rows_per_s": 1000.0},
        "history": _run(history, peak),
        "noop": _run(noop),
        "refresh": _run(refresh),
    }


def _write(path: Path, commit: str, scales: dict) -> None:
    machine = {"commit": commit, "when": "2026-12-06T04:00:00+00:00", "cpus": 2}
    path.write_text(json.dumps({"machine": machine, "scales": scales}), encoding="utf-8")


BASELINE = {
    "commit": "6a5527b",
    "scales": {
        "100k": {"refresh_s": 59.0},
        "1M": {"history_s": 268.0, "history_peak_tree_rss_mb": 2665.0, "refresh_s": 79.5},
    },
}


def test_every_target_gets_its_figure_before_and_verdict(tmp_path: Path) -> None:
    _write(
        tmp_path / "e2e_100k_1M.json",
        "aaaaaaa",
        {
            "100k": _scale(60.0, 900.0, 5.0, 20.0, 10.0),
            "1M": _scale(110.0, 2900.0, 9.5, 29.0, 100.0),
        },
    )
    _write(
        tmp_path / "e2e_10M.json",
        "bbbbbbb",
        {"10M": _scale(1400.0, 9000.0, 12.0, 50.0, 500.0)},
    )
    e2e = merge_e2e(sorted(tmp_path.glob("e2e_*.json")))
    assert list(e2e["scales"]) == ["100k", "1M", "10M"]
    assert e2e["machine"]["commit"] == "aaaaaaa"
    assert e2e["scales"]["10M"]["separate"] and not e2e["scales"]["1M"]["separate"]
    rows = {
        t.split(" <")[0]: (now, before, verdict)
        for t, now, before, verdict in targets(e2e, None, None, BASELINE)
    }
    assert rows["1M items end to end"][2] == "met"  # 110 s < 120 s
    assert rows["1M items end to end"][1] == "268.0 s"
    assert rows["1M items peak memory of the process tree"][2] == "met"  # 2900 MB < 3 GB
    assert rows["10M items end to end"][2] == "met"  # 1400 s < 25 min
    assert "commit bbbbbbb" in rows["10M items end to end"][0]
    assert rows["10M items peak memory of the process tree"][2] == "not met"  # 9000 MB > 8 GB
    assert rows["+1% refresh on 1M history"][2] == "met"  # 29 s < 30 s
    assert rows["+1% refresh on 1M history"][1] == "79.5 s"
    ratio = rows["+1% refresh on 10M / on 100k history"]
    assert ratio[2] == "not met" and "2.50x" in ratio[0]  # 50 s / 20 s
    assert "1M/100k 1.35x" in ratio[1]  # 79.5 / 59
    noop = rows["run with no new files (fixed cost)"]
    assert noop[2] == "not met"  # 12 s at 10M, though 100k and 1M are under 10 s
    assert "1M: 9.5 s" in noop[0] and "10M: 12.0 s" in noop[0]
    assert rows["generator writes 10M items"][2] == "met"  # 500 s < 10 min


def test_targets_not_measured_have_no_verdict() -> None:
    e2e = {"scales": {"100k": _scale(60.0, 900.0, 5.0, 20.0, 10.0)}}
    verdicts = {t.split(" <")[0]: v for t, _, _, v in targets(e2e, None, None, BASELINE)}
    assert verdicts["1M items end to end"] == "n/a"
    assert verdicts["10M items end to end"] == "n/a"
    assert verdicts["+1% refresh on 10M / on 100k history"] == "n/a"
    assert verdicts["run with no new files (fixed cost)"] == "met"  # 5 s at 100k


def test_paths_in_figures_are_relative_to_the_repository() -> None:
    assert repo_relative(PROJECT_ROOT / "bench" / "work" / "1M" / "history.log") == (
        "bench/work/1M/history.log"
    )
    assert repo_relative("python") == "python"


def test_committed_results_name_no_path_of_the_machine_that_ran_them() -> None:
    absolute = re.compile(r'"(/|[A-Za-z]:\\\\)[^"]*"|"[^"]*\s/(home|root|tmp|work|Users)/')
    for path in sorted(RESULTS_DIR.glob("*.json")):
        text = path.read_text(encoding="utf-8")
        assert not absolute.search(text), f"{path.name}: {absolute.search(text).group(0)}"
        assert str(PROJECT_ROOT) not in text, path.name
