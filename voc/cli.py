"""The ``voc`` command: run the pipeline, summarise, score a file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from voc_core.settings import get_settings


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
