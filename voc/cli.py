"""The ``voc`` command: run the pipeline, summarise, build the report, score a file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from voc_core.settings import REPORT_LANGS, get_settings


def _cmd_run(args: argparse.Namespace) -> int:
    from voc.runner import run_pipeline

    succeeded = run_pipeline(
        args.select, full_refresh=args.full_refresh, revalidate=args.revalidate
    )
    return 0 if succeeded else 1


def _cmd_dbt(args: argparse.Namespace) -> int:
    from voc.dbt_cli import run_dbt

    return run_dbt(args.dbt_args, get_settings())


def _cmd_summary(args: argparse.Namespace) -> int:
    from voc.summary import print_summary

    print_summary(get_settings())
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from report.build import build_report

    settings = get_settings()
    serving = Path(args.serving) if args.serving else settings.serving_path
    if not serving.exists():
        print(f"voc report: no serving copy at {serving}: run `voc run` first", file=sys.stderr)
        return 2
    result = build_report(
        serving,
        Path(args.out) if args.out else settings.report_dir,
        lang=args.lang or settings.report_lang,
        business_timezone=settings.business_timezone,
    )
    print(
        f"{len(result.sections)} sections, {result.bytes:,} bytes, {result.seconds:.1f} s",
        file=sys.stderr,
    )
    for section in result.sections:
        if section.error is not None:
            print(f"voc report: section {section.id} failed: {section.error}", file=sys.stderr)
    print(result.path)
    return 1 if result.failed else 0


def _cmd_score(args: argparse.Namespace) -> int:
    from voc.score import ScoreInputError, score_file, warehouse_model

    try:
        model = warehouse_model(Path(args.warehouse)) if args.warehouse else None
        return score_file(
            Path(args.input), args.text_col, Path(args.out) if args.out else None, model=model
        )
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
        help="rebuild incremental dbt models from scratch (after a change of their columns), "
        "validate every row again and publish the serving copy whole",
    )
    run.add_argument(
        "--revalidate",
        action="store_true",
        help="validate every row again (after a change to the quality suites)",
    )
    run.set_defaults(func=_cmd_run)

    dbt = commands.add_parser(
        "dbt",
        help="run dbt on the project with the pipeline's settings as vars",
        description="Runs dbt in dbt_project/ with the warehouse path and time zones of the "
        "settings passed as --vars, e.g. `voc dbt build --select staging`.",
    )
    dbt.add_argument("dbt_args", nargs=argparse.REMAINDER, help="dbt's own arguments")
    dbt.set_defaults(func=_cmd_dbt)

    summary = commands.add_parser("summary", help="print what is in the warehouse")
    summary.set_defaults(func=_cmd_summary)

    report = commands.add_parser(
        "report",
        help="build the VoC report (static HTML) from the serving copy and print its path",
        description="Writes index.html and plotly.min.js into VOC_REPORT_DIR (default "
        "data/report) from the serving copy (VOC_SERVING_PATH), as the nightly asset "
        "report/voc_report does.",
    )
    report.add_argument(
        "--lang",
        choices=REPORT_LANGS,
        default=None,
        help="labels' language (default: VOC_REPORT_LANG, zh)",
    )
    report.add_argument(
        "--out", default=None, metavar="DIR", help="folder (default: VOC_REPORT_DIR)"
    )
    report.add_argument(
        "--serving", default=None, metavar="PATH", help="serving copy (default: VOC_SERVING_PATH)"
    )
    report.set_defaults(func=_cmd_report)

    score = commands.add_parser("score", help="add sentiment, topics and masking to a file")
    score.add_argument("--in", dest="input", required=True, help="CSV or JSON Lines file")
    score.add_argument("--text-col", required=True, help="column holding the text")
    score.add_argument("--out", default=None, help="output file (default: <in>.scored.<ext>)")
    score.add_argument(
        "--warehouse",
        default=None,
        metavar="PATH",
        help="score with the sentiment model this warehouse promoted (default: the shipped one)",
    )
    score.set_defaults(func=_cmd_score)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
