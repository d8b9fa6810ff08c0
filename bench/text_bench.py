"""Throughput of the text analytics scoring path against bare jieba, plus the accuracy table.

    .venv/bin/python bench/text_bench.py [N_TEXTS]

Texts: the labelled corpus (``../shared/data/sentiment``) repeated and shuffled to ``n_texts``,
or a synthetic fallback when it is absent. Timings interleave bare ``jieba.lcut`` and the full
path block by block, so load from other work on the machine hits both alike; each figure is the
sum over blocks after both have been warmed up. One-process figures are given in wall time and
in CPU time of this process (``time.process_time``): on a shared two-core machine the CPU time
is the steadier measure of single-core speed, and the ratio to jieba is computed from it (the
wall-time ratio is reported too). The two-process run can only be timed on the wall clock.
SnowNLP (bench dependency group, not a product dependency) is timed on a sample when installed.

The full path memoises jieba's segmentation per block (``text_analytics.tokenize.segment``).
To reach ``n_texts`` the corpus is repeated, and repeated texts would be served from that cache,
so it is emptied before every timed block: the hits left are the corpus's own repeated clauses
(about a quarter of its blocks), as in real feedback.
"""

from __future__ import annotations

import json
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

BLOCKS = 5
SNOWNLP_SAMPLE = 2_000
SCALING_TEXTS = 30_000
_SYNTHETIC_PARTS = (
    ("物流很快", "快递三天才到", "包装很严实", "客服态度很好", "客服爱答不理", "价格实惠"),
    ("质量不错", "用了两天就坏了", "性价比很高", "app老是闪退", "门店环境干净", "退款一直没处理"),
    ("会回购的", "再也不买了", "总体满意", "非常失望", "还行吧", "推荐给朋友"),
)


def load_texts(n_texts: int, seed: int = 7) -> tuple[list[str], str, int]:
    """``n_texts`` texts, where they came from, and the length of the run in which no text
    repeats (the corpus is repeated, each copy shuffled, until there are ``n_texts``)."""
    from text_analytics.evaluate import CorpusMissingError, load_corpus

    rng = random.Random(seed)
    try:
        base = load_corpus()["text"].tolist()
        source = "online_shopping_7_cats.csv"
    except CorpusMissingError:
        base = [
            "，".join(rng.choice(part) for part in _SYNTHETIC_PARTS) + "。" for _ in range(5_000)
        ]
        source = "synthetic (corpus absent)"
    texts: list[str] = []
    while len(texts) < n_texts:
        block = base[:]
        rng.shuffle(block)
        texts.extend(block)
    return texts[:n_texts], source, len(base)


def _blocks(texts: list[str], copy_length: int) -> list[list[str]]:
    """About ``BLOCKS`` timing blocks, none crossing from one copy of the corpus into the next,
    so that no text occurs twice in a block."""
    size = -(-len(texts) // BLOCKS)
    return [
        texts[start : min(start + size, copy_start + copy_length, len(texts))]
        for copy_start in range(0, len(texts), copy_length)
        for start in range(copy_start, min(copy_start + copy_length, len(texts)), size)
    ]


def _timed(fn: Callable[[list[str]], Any], texts: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process) of ``fn(texts)``."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn(texts)
    return time.perf_counter() - wall, time.process_time() - cpu


def _rates(seconds: float, n: int, chars: int, cpu: float | None = None) -> dict[str, float]:
    out = {
        "seconds": round(seconds, 3),
        "texts_per_s": round(n / seconds, 1),
        "chars_per_s": round(chars / seconds, 1),
    }
    if cpu is not None:
        out["cpu_seconds"] = round(cpu, 3)
        out["cpu_texts_per_s"] = round(n / cpu, 1)
        out["cpu_chars_per_s"] = round(chars / cpu, 1)
    return out


def run(n_texts: int = 100_000) -> dict[str, Any]:
    """Measure and return the figures (also the accuracy table from ``evaluation.json``)."""
    import jieba

    from text_analytics import MODEL_VERSION, analyse_batch, warm_up
    from text_analytics._resources import EVALUATION_FILE
    from text_analytics.tokenize import clear_segment_cache

    texts, source, copy_length = load_texts(n_texts)
    chars = sum(map(len, texts))
    warm_up()  # loads jieba (with the user dictionary), the model and the IDF table

    def bare(block: list[str]) -> None:
        lcut = jieba.lcut
        [lcut(t) for t in block]

    def full(block: list[str]) -> None:
        clear_segment_cache()
        analyse_batch(block, processes=1)

    warm = texts[:2_000]
    bare(warm)
    full(warm)
    t_bare = t_full = c_bare = c_full = 0.0
    for block in _blocks(texts, copy_length):
        wall, cpu = _timed(bare, block)
        t_bare, c_bare = t_bare + wall, c_bare + cpu
        wall, cpu = _timed(full, block)
        t_full, c_full = t_full + wall, c_full + cpu
    # Scaling: one and two processes on the same texts, none repeated (the corpus's first copy).
    distinct = texts[: min(copy_length, SCALING_TEXTS)]
    t_one_distinct, _ = _timed(full, distinct)
    t_two, _ = _timed(lambda b: analyse_batch(b, processes=2), distinct)

    result: dict[str, Any] = {
        "n_texts": len(texts),
        "chars": chars,
        "mean_chars": round(chars / len(texts), 1),
        "source": source,
        "model_version": MODEL_VERSION,
        "bare_jieba_lcut": _rates(t_bare, len(texts), chars, c_bare),
        "full_path_1_process": _rates(t_full, len(texts), chars, c_full),
        "full_path_2_processes": _rates(t_two, len(distinct), sum(map(len, distinct))),
    }
    result["ratio_full_to_jieba_cpu"] = round(c_bare / c_full, 3)
    result["ratio_full_to_jieba_wall"] = round(t_bare / t_full, 3)
    result["scaling_2_processes_wall"] = round(t_one_distinct / t_two, 3)

    try:
        from snownlp import SnowNLP
    except ImportError:
        result["snownlp"] = {"note": "snownlp not installed (uv sync --group bench); skipped"}
    else:
        sample = texts[:SNOWNLP_SAMPLE]
        sample_chars = sum(map(len, sample))

        def snow(block: list[str]) -> None:
            for text in block:
                SnowNLP(text).sentiments  # noqa: B018 - the property does the work

        wall, cpu = _timed(snow, sample)
        result["snownlp"] = _rates(wall, len(sample), sample_chars, cpu)
        result["snownlp"]["n_texts"] = len(sample)

    if EVALUATION_FILE.exists():
        table = json.loads(EVALUATION_FILE.read_text(encoding="utf-8"))
        result["accuracy_summary"] = accuracy_summary(table)
        result["accuracy"] = table
    return result


def accuracy_summary(table: dict[str, Any]) -> dict[str, Any]:
    """The headline figures of ``evaluation.json``: the cross-category target is judged on the
    unweighted mean over the left-out categories; the pooled (row-weighted) figure is beside it."""
    cross = table.get("cross_category", {})
    ood = table.get("out_of_domain", {})
    snow = table.get("snownlp", {})
    return {
        "in_domain_holdout": table.get("in_domain_holdout", {}).get("accuracy"),
        "cross_category_mean_unweighted": cross.get("mean"),
        "cross_category_pooled": cross.get("pooled"),
        "cross_category_target": 0.9,
        "traditional_holdout": table.get("traditional_holdout", {}).get("accuracy"),
        "out_of_domain_hand_written": ood.get("accuracy"),
        "three_class_hand_written": ood.get("three_class", {}).get("accuracy"),
        "snownlp_out_of_domain": snow.get("out_of_domain"),
        "snownlp_in_domain_sample": snow.get("in_domain_holdout_sample"),
    }


def main(argv: list[str]) -> int:
    n = int(argv[1]) if len(argv) > 1 else 100_000
    result = run(n)
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
