"""``python -m sample_data``: write a deterministic sample of landing files.

A development and test aid, run from the repository root (not shipped in the wheel).
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from sample_data import DEFAULT_END_DATE, generate
from voc_core.settings import get_settings


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m sample_data",
        description="Write a deterministic sample of landing files and its ground truth.",
    )
    parser.add_argument(
        "--out",
        default=str(get_settings().landing_dir),
        help="landing folder to write (default: VOC_LANDING_DIR)",
    )
    parser.add_argument("--days", type=int, default=180)
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--end-date",
        type=date.fromisoformat,
        default=None,
        help="last day of the sample, YYYY-MM-DD (default: a fixed date)",
    )
    parser.add_argument(
        "--truth", default=None, help="where to write the ground truth (default: beside --out)"
    )
    parser.add_argument(
        "--workers",
        type=int,
        choices=(1, 2),
        default=None,
        help="processes: 2 writes the files in a second one (same bytes; default: 2 from "
        "10,000 customers up on a multi-core machine)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    summary = generate(
        out_dir=Path(args.out),
        days=args.days,
        customers=args.customers,
        seed=args.seed,
        end_date=args.end_date or DEFAULT_END_DATE,
        truth_dir=Path(args.truth) if args.truth else None,
        workers=args.workers,
    )
    print(f"Generated sample feedback in {Path(args.out).absolute()}")
    for source, rows in sorted(summary.rows_per_source.items()):
        print(f"  {source:<20} {rows:>9,} rows")
    print(f"  feedback items       {summary.feedback_items:>9,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
