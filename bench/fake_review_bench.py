"""Fake-review rules against the generator's ground truth: precision and recall per rule.

    .venv/bin/python bench/fake_review_bench.py                      # generate, run, measure
    .venv/bin/python bench/fake_review_bench.py --customers 2500 --days 120 --seed 11
    .venv/bin/python bench/fake_review_bench.py --warehouse W.duckdb --truth ground_truth/

Without ``--warehouse`` a sample is generated into a temporary folder and the whole pipeline
is run on it in-process (as ``voc run`` does), then measured. ``run(warehouse, truth_dir)``
measures a warehouse that has been built already.

What is measured, over the reviews the rules look at (dbt var ``fake_review_sources``):

* per rule: *precision* = share of the reviews it flags that are planted fakes (of any
  campaign); *recall* = share of the campaigns it is written for (``RULE_TARGETS``) that it
  flags; ``fakes_flagged`` = planted fakes it flags, whatever their campaign;
* overall: the reviews ``mart_review_authenticity`` marks ``is_suspected_fake`` (the rules
  combined by suspicion_score) against every planted fake, recall per campaign pattern, and
  the share of genuine reviews flagged; the same for "any rule hit" for comparison.

Targets (issue 5): overall precision >= 0.9, recall >= 0.8, genuine reviews flagged < 1 %.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

#: The generator's campaign patterns (sample_data/fakes.py) each rule is written to catch.
RULE_TARGETS: dict[str, tuple[str, ...]] = {
    "NEAR_DUPLICATE": ("identical_text", "near_duplicate"),
    "BURST": ("burst",),
    "VELOCITY": ("velocity",),
    "NEW_ACCOUNT_EXTREME": ("new_account_attack",),
    "RATING_TEXT_MISMATCH": ("rating_text_mismatch",),
    "GENERIC_PRAISE": ("generic_template",),
}
TARGETS = {"precision": 0.9, "recall": 0.8, "genuine_flagged_share": 0.01}

_SCOPE_SQL = """
create temp table bench_reviews as
select
    f.feedback_id,
    f.source,
    t.pattern,
    t.campaign_id,
    coalesce(m.is_suspected_fake, false) as suspected,
    coalesce(m.rule_count, 0) > 0 as any_rule,
    coalesce(m.risk_level = 'elevated', false) as elevated,
    coalesce(m.rules, []) as rules
from intermediate.int_feedback_unioned as f
left join fake_truth as t
    on f.source = 'ecommerce_review' and t.review_id = f.source_record_id
left join marts.mart_review_authenticity as m
    on m.feedback_id = f.feedback_id
where f.source in (select distinct source from intermediate.int_fake_review_base)
"""


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _scores(flagged: int, true_pos: int, fakes: int, genuine: int) -> dict[str, Any]:
    return {
        "flagged": flagged,
        "true_positives": true_pos,
        "precision": _ratio(true_pos, flagged),
        "recall": _ratio(true_pos, fakes),
        "genuine_flagged": flagged - true_pos,
        "genuine_flagged_share": _ratio(flagged - true_pos, genuine),
    }


def run(warehouse: Path, truth_dir: Path) -> dict[str, Any]:
    """Precision and recall of the fake-review rules in ``warehouse`` (read only) against
    ``truth_dir/fake_reviews.csv``."""
    import duckdb

    with duckdb.connect(str(warehouse), read_only=True) as con:
        con.execute(
            "create temp table fake_truth as select * from read_csv(?, all_varchar = true)",
            [str(Path(truth_dir) / "fake_reviews.csv")],
        )
        con.execute(_SCOPE_SQL)
        rows = con.execute(
            "select source, pattern, suspected, any_rule, rules from bench_reviews"
        ).fetchall()
        planted_total = con.execute("select count(*) from fake_truth").fetchone()[0]
        elevated, elevated_fakes = con.execute(
            "select count(*), count(pattern) from bench_reviews where elevated"
        ).fetchone()

    fakes = sum(1 for r in rows if r[1] is not None)
    genuine = len(rows) - fakes
    report: dict[str, Any] = {
        "warehouse": "a temporary DuckDB file, removed after the run",
        "reviews": len(rows),
        "reviews_by_source": {},
        "planted_fakes": planted_total,
        "fakes_in_warehouse": fakes,
        "genuine_reviews": genuine,
    }
    for source, *_ in rows:
        report["reviews_by_source"][source] = report["reviews_by_source"].get(source, 0) + 1

    rules: dict[str, Any] = {}
    for rule, patterns in RULE_TARGETS.items():
        hit = [r for r in rows if rule in r[4]]
        true_pos = sum(1 for r in hit if r[1] is not None)
        target = [r for r in rows if r[1] in patterns]
        caught = sum(1 for r in target if rule in r[4])
        rules[rule] = {
            "flagged": len(hit),
            "fakes_flagged": true_pos,
            "precision": _ratio(true_pos, len(hit)),
            "target_patterns": list(patterns),
            "target_fakes": len(target),
            "recall": _ratio(caught, len(target)),
            "genuine_flagged": len(hit) - true_pos,
        }
    report["rules"] = rules

    suspected = [r for r in rows if r[2]]
    any_rule = [r for r in rows if r[3]]
    report["overall"] = _scores(
        len(suspected), sum(1 for r in suspected if r[1] is not None), fakes, genuine
    )
    report["any_rule"] = _scores(
        len(any_rule), sum(1 for r in any_rule if r[1] is not None), fakes, genuine
    )
    # The behaviour model's moderation queue (risk_level 'elevated'): not a verdict, no
    # target; the share of genuine reviews it holds is what a moderator would read through.
    report["elevated"] = _scores(elevated, elevated_fakes, fakes, genuine)
    patterns: dict[str, dict[str, Any]] = {}
    for _, pattern, is_suspected, _, _ in rows:
        if pattern is None:
            continue
        entry = patterns.setdefault(pattern, {"fakes": 0, "suspected": 0})
        entry["fakes"] += 1
        entry["suspected"] += int(is_suspected)
    for entry in patterns.values():
        entry["recall"] = _ratio(entry["suspected"], entry["fakes"])
    report["overall_recall_by_pattern"] = dict(sorted(patterns.items()))
    overall = report["overall"]
    report["meets_targets"] = bool(
        overall["precision"] is not None
        and overall["precision"] >= TARGETS["precision"]
        and overall["recall"] is not None
        and overall["recall"] >= TARGETS["recall"]
        and overall["genuine_flagged_share"] is not None
        and overall["genuine_flagged_share"] < TARGETS["genuine_flagged_share"]
    )
    return report


def build_sample(root: Path, days: int, customers: int, seed: int) -> tuple[Path, Path]:
    """Generate a sample under ``root`` and run every asset of the pipeline on it in-process;
    return (warehouse, truth_dir)."""
    import dagster as dg

    from orchestration.dbt.project import prepare_manifest
    from sample_data import generate

    generate(out_dir=root / "landing", days=days, customers=customers, seed=seed)
    prepare_manifest()  # the models on disk, not a stale manifest
    from orchestration.definitions import defs
    from orchestration.resources import LandingZoneResource, WarehouseResource

    warehouse = root / "warehouse.duckdb"
    resources = {
        "warehouse": WarehouseResource(duckdb_path=str(warehouse)),
        "landing": LandingZoneResource(
            landing_dir=str(root / "landing"), source_timezones={}, default_timezone="Asia/Shanghai"
        ),
    }
    result = dg.materialize([*defs.assets], resources={**defs.resources, **resources})
    if not result.success:
        raise SystemExit("the pipeline run failed; see Dagster's log above")
    return warehouse, root / "ground_truth"


def format_report(report: dict[str, Any]) -> str:
    """The report as a table for the terminal."""

    def pct(value: float | None) -> str:
        return "   n/a" if value is None else f"{100 * value:6.1f}"

    lines = [
        f"reviews in scope: {report['reviews']} {report['reviews_by_source']}; "
        f"planted fakes: {report['fakes_in_warehouse']}",
        "",
        f"{'rule':<22}{'flagged':>8}{'fakes':>7}{'prec %':>8}{'recall %':>10}  target patterns",
    ]
    for rule, r in report["rules"].items():
        lines.append(
            f"{rule:<22}{r['flagged']:>8}{r['fakes_flagged']:>7}{pct(r['precision']):>8}"
            f"{pct(r['recall']):>10}  {', '.join(r['target_patterns'])} ({r['target_fakes']})"
        )
    lines.append("")
    labels = {
        "overall": "suspected (score)",
        "any_rule": "any rule hit",
        "elevated": "elevated (behaviour)",
    }
    for name, label in labels.items():
        r = report[name]
        lines.append(
            f"{label:<22}{r['flagged']:>8}{r['true_positives']:>7}{pct(r['precision']):>8}"
            f"{pct(r['recall']):>10}  genuine flagged: {r['genuine_flagged']} "
            f"({100 * (r['genuine_flagged_share'] or 0):.2f} %)"
        )
    lines.append("")
    lines.append("overall recall by campaign pattern:")
    for pattern, r in report["overall_recall_by_pattern"].items():
        lines.append(f"  {pattern:<22}{r['suspected']:>4} / {r['fakes']:<4}{pct(r['recall'])} %")
    lines.append("")
    lines.append(
        f"targets (precision >= {TARGETS['precision']}, recall >= {TARGETS['recall']}, "
        f"genuine flagged < {100 * TARGETS['genuine_flagged_share']:.0f} %): "
        + ("met" if report["meets_targets"] else "NOT met")
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, help="a built warehouse (skip generating)")
    parser.add_argument("--truth", type=Path, help="its ground-truth folder")
    parser.add_argument("--days", type=int, default=180)
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", type=Path, help="also write the report as JSON here")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    if args.warehouse:
        truth = args.truth or args.warehouse.parent / "ground_truth"
        report = run(args.warehouse, truth)
    else:
        with tempfile.TemporaryDirectory(prefix="fake_review_bench_") as tmp:
            warehouse, truth = build_sample(Path(tmp), args.days, args.customers, args.seed)
            report = run(warehouse, truth)
        report["sample"] = {"days": args.days, "customers": args.customers, "seed": args.seed}
    report["seconds"] = round(time.perf_counter() - started, 1)
    if "sample" in report:
        s = report["sample"]
        print(f"sample: {s['days']} days, {s['customers']} customers, seed {s['seed']}")
    print(format_report(report))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    return 0 if report["meets_targets"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
