"""The ``voc`` command: generate sample data, run the pipeline, summarise, score a file."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from voc_core.settings import get_settings


def _cmd_generate(args: argparse.Namespace) -> int:
    from voc.generate import DEFAULT_END_DATE, generate

    summary = generate(
        out_dir=Path(args.out),
        days=args.days,
        customers=args.customers,
        seed=args.seed,
        end_date=args.end_date or DEFAULT_END_DATE,
        truth_dir=Path(args.truth) if args.truth else None,
    )
    print(f"Generated sample feedback in {Path(args.out).absolute()}")
    for source, rows in sorted(summary.rows_per_source.items()):
        print(f"  {source:<20} {rows:>9,} rows")
    print(f"  feedback items       {summary.feedback_items:>9,}")
    return 0


def _cmd_run(args: argparse.Namespace) -> int:
    from voc.runner import run_pipeline

    return 0 if run_pipeline(args.select, full_refresh=args.full_refresh) else 1


def _cmd_summary(args: argparse.Namespace) -> int:
    from voc.summary import print_summary

    print_summary(get_settings())
    return 0


def _cmd_score(args: argparse.Namespace) -> int:
    from text_analytics.cli import ScoreInputError, score_file

    try:
        return score_file(Path(args.input), args.text_col, Path(args.out) if args.out else None)
    except ScoreInputError as exc:
        print(f"voc score: {exc}", file=sys.stderr)
        return 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="voc", description="voc-warehouse: customer feedback into trustworthy numbers."
    )
    commands = parser.add_subparsers(dest="command", required=True)

    gen = commands.add_parser("generate", help="write a deterministic sample of landing files")
    gen.add_argument(
        "--out",
        default=str(get_settings().landing_dir),
        help="landing folder to write (default: VOC_LANDING_DIR)",
    )
    gen.add_argument("--days", type=int, default=180)
    gen.add_argument("--customers", type=int, default=20_000)
    gen.add_argument("--seed", type=int, default=42)
    gen.add_argument(
        "--end-date",
        type=date.fromisoformat,
        default=None,
        help="last day of the sample, YYYY-MM-DD (default: a fixed date)",
    )
    gen.add_argument(
        "--truth", default=None, help="where to write the ground truth (default: beside --out)"
    )
    gen.set_defaults(func=_cmd_generate)

    run = commands.add_parser("run", help="materialise the pipeline's assets in-process")
    run.add_argument(
        "--select",
        default=None,
        help="Dagster asset selection, e.g. 'group:raw' or 'key:raw/survey+' (default: everything)",
    )
    run.add_argument(
        "--full-refresh",
        action="store_true",
        help="rebuild incremental dbt models from scratch (after a change of their columns)",
    )
    run.set_defaults(func=_cmd_run)

    summary = commands.add_parser("summary", help="print what is in the warehouse")
    summary.set_defaults(func=_cmd_summary)

    score = commands.add_parser("score", help="add sentiment, topics and masking to a file")
    score.add_argument("--in", dest="input", required=True, help="CSV or JSON Lines file")
    score.add_argument("--text-col", required=True, help="column holding the text")
    score.add_argument("--out", default=None, help="output file (default: <in>.scored.<ext>)")
    score.set_defaults(func=_cmd_score)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
