"""Raw rows are validated once: a landing file whose rows passed its source's suite is
remembered, and later runs validate only the rows of files not passed yet.

The nightly refresh then costs what the new files cost, not what the history costs. A file
whose rows failed is not remembered, so it is validated again (and blocks again) until it is
fixed or superseded. ``voc run --full-refresh`` (``VOC_DBT_FULL_REFRESH=1``) or
``VOC_QUALITY_REVALIDATE=1`` validates every row again, after a change to the suites.
"""

from __future__ import annotations

import os
from datetime import datetime

import duckdb
import pandas as pd

TABLE = "quality.validated_files"
REVALIDATE_ENV = ("VOC_QUALITY_REVALIDATE", "VOC_DBT_FULL_REFRESH")


def revalidate_all() -> bool:
    """True when every row should be validated again, whatever passed before."""
    return any(os.environ.get(name, "") not in ("", "0") for name in REVALIDATE_ENV)


def ensure_table(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create schema if not exists quality")
    con.execute(
        f"""
        create table if not exists {TABLE} (
            suite varchar not null,
            file_sha256 varchar not null,
            file_path varchar not null,
            rows_validated bigint not null,
            validated_at timestamp not null,
            primary key (suite, file_sha256, file_path)
        )
        """
    )


def not_yet_passed(suite: str, alias: str) -> str:
    """SQL condition on rows ``alias`` of a raw table: their file has not passed ``suite``."""
    name = suite.replace("'", "''")
    return (
        f"not exists (select 1 from {TABLE} as v where v.suite = '{name}' "
        f"and v.file_sha256 = {alias}._file_sha256 and v.file_path = {alias}._file_path)"
    )


def remember(
    con: duckdb.DuckDBPyConnection, suite: str, frame: pd.DataFrame, validated_at: datetime
) -> int:
    """Remember the files of ``frame`` (its rows passed ``suite``); returns how many."""
    if frame.empty:
        return 0
    files = (
        frame.groupby(["_file_sha256", "_file_path"], dropna=False)
        .size()
        .reset_index(name="rows_validated")
        .rename(columns={"_file_sha256": "file_sha256", "_file_path": "file_path"})
    )
    files.insert(0, "suite", suite)
    files["validated_at"] = validated_at
    con.register("_passed_files", files)
    try:
        con.execute(f"insert or replace into {TABLE} by name select * from _passed_files")
    finally:
        con.unregister("_passed_files")
    return len(files)
