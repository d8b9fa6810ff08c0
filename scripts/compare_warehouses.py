"""Compare two warehouses table by table: row counts and ``except all`` both ways.

A refactoring that should not change behaviour is checked by building the demo warehouse
before and after and comparing them:

    python scripts/compare_warehouses.py BEFORE.duckdb AFTER.duckdb [--rename OLD=NEW ...]

Columns that record when something ran (load, scoring, validation and build times, run ids,
file paths that embed them) differ between any two runs and are left out; so are tables that
exist in only one warehouse, which are listed. ``--rename`` pairs a table that moved
(``marts.fake_review_rule_hits=intermediate.int_fake_review_rule_hits``). JSON columns are
compared with their keys sorted; a table equal but for doubles that differ by at most 1e-9
(DuckDB may sum in another order) counts as the same, with the largest difference shown.
Exits 1 when any table differs.
"""

from __future__ import annotations

import argparse
import sys

import duckdb

#: Columns whose values are the time or identity of a run, not its result.
RUN_TIME_COLUMNS = frozenset(
    {
        "_loaded_at",
        "loaded_at",
        "_written_at",
        "scored_at",
        "validated_at",
        "run_at",
        "run_id",
        "published_at",
        "data_docs",
        "loaded_through",
        "_dbt_run_at",
        "quarantined_at",
    }
)
#: Schemas whose tables are bookkeeping of runs (quality results, publish log).
SKIPPED_SCHEMAS = frozenset({"quality", "meta", "main"})


def _tables(con: duckdb.DuckDBPyConnection, alias: str) -> set[str]:
    rows = con.execute(
        "select table_schema || '.' || table_name from information_schema.tables "
        "where table_catalog = ? and table_type = 'BASE TABLE'",
        [alias],
    ).fetchall()
    return {name for (name,) in rows if name.split(".")[0] not in SKIPPED_SCHEMAS}


def _columns(con: duckdb.DuckDBPyConnection, alias: str, table: str) -> dict[str, str]:
    schema, name = table.split(".")
    rows = con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_catalog = ? and table_schema = ? and table_name = ? order by ordinal_position",
        [alias, schema, name],
    ).fetchall()
    return {column: kind for column, kind in rows if column not in RUN_TIME_COLUMNS}


def _select(columns: dict[str, str], relation: str) -> str:
    parts = []
    for column, kind in columns.items():
        quoted = f'"{column}"'
        if kind == "JSON":
            # Keys sorted: two builds may write the same object in another order.
            parts.append(
                f"list_transform(list_sort(json_keys({quoted})), lambda k: k || '=' || "
                f"coalesce(json_extract({quoted}, '$.\"' || k || '\"')::varchar, 'null'))"
                "::varchar"
            )
        else:
            parts.append(quoted)
    return f"select {', '.join(parts)} from {relation}"


#: Largest difference of a double between two builds that is summation order, not a change.
DOUBLE_TOLERANCE = 1e-9


def _double_drift(
    con: duckdb.DuckDBPyConnection, columns: dict[str, str], left: str, right: str
) -> float | None:
    """When two tables are equal but for their doubles, the largest absolute difference of a
    double (rows paired in the order of every other column), if within DOUBLE_TOLERANCE;
    else None."""
    doubles = [c for c, kind in columns.items() if kind in ("DOUBLE", "FLOAT")]
    others = {c: kind for c, kind in columns.items() if c not in doubles}
    if not doubles or not others:
        return None
    (changed,) = con.execute(
        f"select count(*) from ({_select(others, left)} except all {_select(others, right)})"
    ).fetchone()
    if changed:
        return None
    keys = ", ".join(f'"{c}"' for c in others)
    numbered = "select *, row_number() over (order by {keys}) as _n from {table}"
    diffs = ", ".join(f'max(abs(l."{c}" - r."{c}"))' for c in doubles)
    row = con.execute(
        f"select greatest({diffs}) from ({numbered.format(keys=keys, table=left)}) as l "
        f"join ({numbered.format(keys=keys, table=right)}) as r using (_n)"
    ).fetchone()
    drift = row[0] or 0.0
    return drift if drift <= DOUBLE_TOLERANCE else None


def compare(before: str, after: str, renames: dict[str, str]) -> int:
    con = duckdb.connect()
    con.execute(f"attach '{before}' as b (read_only)")
    con.execute(f"attach '{after}' as a (read_only)")
    old, new = _tables(con, "b"), _tables(con, "a")
    pairs = {t: renames.get(t, t) for t in sorted(old)}
    different = 0
    for left, right in pairs.items():
        if right not in new:
            print(f"only before: {left}")
            continue
        columns = _columns(con, "b", left)
        if columns != _columns(con, "a", right):
            print(f"DIFFERENT COLUMNS {left} -> {right}")
            different += 1
            continue
        quoted_l = "b." + ".".join(f'"{p}"' for p in left.split("."))
        quoted_r = "a." + ".".join(f'"{p}"' for p in right.split("."))
        select_l, select_r = _select(columns, quoted_l), _select(columns, quoted_r)
        (n_l,) = con.execute(f"select count(*) from {quoted_l}").fetchone()
        (n_r,) = con.execute(f"select count(*) from {quoted_r}").fetchone()
        (gone,) = con.execute(f"select count(*) from ({select_l} except all {select_r})").fetchone()
        (extra,) = con.execute(
            f"select count(*) from ({select_r} except all {select_l})"
        ).fetchone()
        verdict = "same" if n_l == n_r and gone == extra == 0 else "DIFFERENT"
        name = left if left == right else f"{left} -> {right}"
        detail = f"{n_l:,} / {n_r:,} rows; {gone} only before, {extra} only after"
        if verdict != "same" and n_l == n_r:
            drift = _double_drift(con, columns, quoted_l, quoted_r)
            if drift is not None:
                verdict = "same"
                detail = f"{n_l:,} rows; equal but for doubles, max |difference| {drift:.1e}"
        different += verdict != "same"
        print(f"{verdict:<9} {name}: {detail}")
    for table in sorted(new - set(pairs.values())):
        print(f"only after: {table}")
    return 1 if different else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before")
    parser.add_argument("after")
    parser.add_argument("--rename", action="append", default=[], metavar="OLD=NEW")
    args = parser.parse_args(argv)
    renames = dict(pair.split("=", 1) for pair in args.rename)
    return compare(args.before, args.after, renames)


if __name__ == "__main__":
    sys.exit(main())
