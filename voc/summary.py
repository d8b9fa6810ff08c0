"""The short report ``make demo`` prints: what landed, what was quarantined, what next."""

from __future__ import annotations

import duckdb

from text_analytics.adapt import REGISTRY, model_in_use
from voc.insights_summary import print_insights
from voc_core.catalog import relation_exists
from voc_core.contracts import SOURCES
from voc_core.settings import Settings


def _count(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> int | None:
    if not relation_exists(con, schema, table):
        return None
    return con.execute(f'select count(*) from {schema}."{table}"').fetchone()[0]


def _fmt(n: int | None) -> str:
    return "-" if n is None else f"{n:,}"


def _print_sentiment_models(con: duckdb.DuckDBPyConnection) -> None:
    """Which sentiment model scores this warehouse, and its attempts to learn its domain."""
    print(f"\nSentiment model in use: {model_in_use(con).version}")
    if not relation_exists(con, *REGISTRY.split(".")):
        return
    for version, status, base_acc, adapted_acc, rows in con.execute(
        f"select version, status, base_accuracy, adapted_accuracy, training_rows "
        f"from {REGISTRY} order by trained_at"
    ).fetchall():
        print(
            f"  {status:<9}{version}: held-back accuracy {adapted_acc:.3f} "
            f"(shipped model {base_acc:.3f}), trained on {rows:,} rated texts"
        )


def _print_closed_loop(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """The follow-up queue by priority, its SLA attainment, and the latest alerts."""
    if not relation_exists(con, "marts", "fct_followup"):
        return
    print("\nFollow-up queue (marts.fct_followup), by priority:")
    print(f"  {'priority':<10}{'items':>9}{'open':>8}{'overdue':>9}{'answered in SLA*':>18}")
    for priority, items, still_open, overdue, in_sla in con.execute(
        """select priority, count(*), count(*) filter (where status = 'open'),
               count(*) filter (where status = 'overdue'),
               100.0 * count(*) filter (where responded_within_sla and response_traceable)
                   / nullif(count(responded_within_sla) filter (where response_traceable), 0)
           from marts.fct_followup group by 1 order by 1"""
    ).fetchall():
        sla = "-" if in_sla is None else f"{in_sla:.1f}%"
        print(f"  {priority:<10}{items:>9,}{still_open:>8,}{overdue:>9,}{sla:>18}")
    print("  * of the items due whose answer the data can show (response_traceable)")
    print(f"  Open queue per team as CSV (Excel): {settings.export_dir}/followup_<team>.csv")
    if not relation_exists(con, "marts", "mart_alerts"):
        return
    alerts = con.execute(
        """select day, severity, scope_type, scope_value, topic, negative_mentions, mentions
           from marts.mart_alerts order by day desc, severity, negative_mentions desc limit 5"""
    ).fetchall()
    total = _count(con, "marts", "mart_alerts")
    print(f"\nAlerts (marts.mart_alerts): {total:,}; the latest:")
    for day, severity, scope_type, scope_value, topic, negative, mentions in alerts:
        print(
            f"  {day} {severity:<9}{scope_type}={scope_value} topic={topic}: "
            f"{negative:,} negative of {mentions:,}"
        )


def print_summary(settings: Settings) -> None:
    """Print rows per source and layer, quarantine by reason, and where to look next."""
    if not settings.duckdb_path.exists():
        print(f"No warehouse at {settings.duckdb_path} yet: run `voc run` first.")
        return
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as con:
        print(f"\nWarehouse: {settings.duckdb_path}")
        print(f"{'source':<20}{'raw rows':>12}{'staged rows':>14}{'quarantined':>14}")
        quarantined = dict(
            con.execute("select source, count(*) from raw._quarantine group by 1").fetchall()
        )
        for source in SOURCES:
            raw = _count(con, "raw", source)
            staged = _count(con, "staging", f"stg_{source}")
            print(f"{source:<20}{_fmt(raw):>12}{_fmt(staged):>14}{quarantined.get(source, 0):>14,}")
        print("\nQuarantined rows by reason (raw._quarantine):")
        for reason, n in con.execute(
            "select reason, count(*) from raw._quarantine group by 1 order by 2 desc"
        ).fetchall():
            print(f"  {reason:<26}{n:>8,}")
        print("\nFiles by status (raw._files):")
        for status, n in con.execute(
            "select status, count(*) from raw._files group by 1 order by 2 desc"
        ).fetchall():
            print(f"  {status:<26}{n:>8,}")
        _print_sentiment_models(con)
        _print_closed_loop(con, settings)
        print_insights(con)
    print(
        "\nNext:\n"
        "  make dev        Dagster UI at http://127.0.0.1:3000 (asset graph, runs, metadata)\n"
        '  .venv/bin/python -c "import duckdb; con = duckdb.connect('
        f"'{settings.duckdb_path}', read_only=True); "
        "con.sql('select * from raw._quarantine limit 20').show()\"\n"
        "  make test       the test suite\n"
    )
    report = settings.report_dir / "index.html"
    if report.exists():
        print(f"The VoC report (open in a browser, works offline): {report}\n")
    if settings.serving_path.exists():
        print(
            f"BI tools: open the serving copy read-only, {settings.serving_path}\n"
            f"  (Parquet files per mart in {settings.marts_parquet_dir}/):\n"
            '  .venv/bin/python -c "import duckdb; duckdb.connect('
            f"'{settings.serving_path}', read_only=True)"
            ".sql('select * from marts.mart_experience_monthly').show()\"\n"
        )
