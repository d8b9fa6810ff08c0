"""The text scoring step alone (``text_analytics.scoring.score_pending``) at a chosen scale.

    .venv/bin/python -m bench.scoring_bench WAREHOUSE --items 1000000 [--processes 2]

Copies ``intermediate.int_feedback_unioned`` (id, text, creation time) of an existing warehouse
(a ``make demo`` or ``bench/work/<scale>/warehouse.duckdb``) into a fresh DuckDB file of its own,
repeated until it holds ``--items`` rows, then scores everything pending once. Prints one JSON
object: wall seconds, rows/s, CPU seconds of this process and of the scoring workers, and the
peak RSS of the whole process tree (``bench/procmem.py``) with the RSS before scoring beside it.

Each copy after the first gets new ids (hashes, so id order is not copy order) and its texts
a suffix such as ``（3）``: a copy's texts are new texts to the scorer, as at a real larger
scale, rather than repeats it would score once (their clauses still repeat, as in real
feedback).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from bench.procmem import TreeSampler, tree_rss  # noqa: E402

FEEDBACK = "intermediate.int_feedback_unioned"


def build(source: Path, target: Path, items: int) -> int:
    """Write ``items`` feedback rows, copied from ``source`` with new ids, into ``target``."""
    import duckdb

    target.unlink(missing_ok=True)
    with duckdb.connect(str(target)) as con:
        con.execute(f"attach '{source}' as src (read_only)")
        have = con.execute(f"select count(*) from src.{FEEDBACK}").fetchone()[0]
        copies = -(-items // have)
        con.execute("create schema intermediate")
        con.execute(
            f"""
            create table {FEEDBACK} as
            select
                case when c.k = 0 then f.feedback_id else md5(f.feedback_id || c.k) end
                    as feedback_id,
                case
                    when c.k = 0 or coalesce(f.feedback_text, '') = '' then f.feedback_text
                    else f.feedback_text || '（' || c.k || '）'
                end as feedback_text,
                f.created_at
            from src.{FEEDBACK} as f cross join range(?) as c(k)
            order by c.k, f.created_at, feedback_id
            limit ?
            """,
            [copies, items],
        )
        con.execute("detach src")
        return con.execute(f"select count(*) from {FEEDBACK}").fetchone()[0]


def run(target: Path, processes: int, batch_size: int | None) -> dict[str, object]:
    import duckdb

    from text_analytics.scoring import score_pending

    kwargs: dict[str, object] = {"processes": processes}
    if batch_size:
        kwargs["batch_size"] = batch_size
    before_rss = tree_rss(os.getpid())[0]
    cpu_self = time.process_time()
    with TreeSampler(os.getpid(), interval=0.1) as sampler, duckdb.connect(str(target)) as con:
        wall = time.perf_counter()
        report = score_pending(con, **kwargs)
        wall = time.perf_counter() - wall
        # What DuckDB holds in memory at the end (table blocks, primary-key indexes, ...).
        duckdb_mb = {
            tag.lower(): round(size / 2**20, 1)
            for tag, size in con.execute(
                "select tag, memory_usage_bytes from duckdb_memory() where memory_usage_bytes > 0"
            ).fetchall()
        }
    cpu_self = time.process_time() - cpu_self
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_workers = children.ru_utime + children.ru_stime
    return {
        "items": report.pending,
        "scored": report.scored,
        "processes": processes,
        "wall_seconds": round(wall, 2),
        "rows_per_s": round(report.scored / wall, 1),
        "cpu_seconds_main": round(cpu_self, 2),
        "cpu_seconds_workers": round(cpu_workers, 2),
        "rss_before_mb": round(before_rss / 2**20, 1),
        **sampler.figures(),
        "duckdb_memory_mb": duckdb_mb,
        "load_average": os.getloadavg(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("warehouse", type=Path, help="a warehouse with int_feedback_unioned")
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=None)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()))
    args = parser.parse_args(argv)
    target = args.work / f"scoring_bench_{args.items}.duckdb"
    rows = build(args.warehouse.resolve(), target, args.items)
    try:
        result = run(target, args.processes, args.batch_size)
    finally:
        target.unlink(missing_ok=True)
        Path(f"{target}.wal").unlink(missing_ok=True)
    result["items_built"] = rows
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
