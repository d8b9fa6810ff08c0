"""Load a source's landing files into its raw table, one transaction per file.

For every file: hash it; skip it if this exact file was processed before; record it as a
duplicate delivery if the same bytes arrived under another name; otherwise detect the
encoding, parse, check every row against the contract and write loaded rows, quarantined rows
and the manifest row in one transaction. Per file, rows read = rows loaded + rows
quarantined. A file that fails unexpectedly is rolled back, recorded as ``failed`` with the
error, retried on the next run, and never stops the other files.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pandas as pd

from ingestion.encoding import decode, detect_encoding, printable
from ingestion.raw_store import (
    LINEAGE_COLUMNS,
    MANIFEST_TABLE,
    QUARANTINE_TABLE,
    ensure_raw_schema,
    insert_frame,
    raw_table,
)
from ingestion.readers import ParsedFile, RawRecord, read_records
from ingestion.validation import RowValidator, Violation
from voc_core.contracts import SOURCES, Reason, SourceContract

log = logging.getLogger(__name__)

#: Files the loader leaves alone: hidden files and partial uploads.
_IGNORED_SUFFIXES = (".tmp", ".part", ".partial", ".crdownload")


class FileStatus:
    LOADED = "loaded"
    LOADED_WITH_QUARANTINE = "loaded_with_quarantine"
    REJECTED = "rejected"
    DUPLICATE = "duplicate"
    FAILED = "failed"


@dataclass
class FileLoadResult:
    """What happened to one landing file."""

    file_path: str
    file_sha256: str
    status: str
    encoding: str | None = None
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    message: str | None = None
    reasons: Counter = field(default_factory=Counter)


@dataclass
class SourceLoadReport:
    """What one load of a source did, for logs and Dagster metadata."""

    source: str
    files: list[FileLoadResult] = field(default_factory=list)
    files_already_loaded: int = 0
    unknown_values: dict[str, dict[str, int]] = field(default_factory=dict)

    def total(self, attribute: str) -> int:
        return sum(getattr(f, attribute) for f in self.files)

    def status_counts(self) -> dict[str, int]:
        return dict(Counter(f.status for f in self.files))

    def reason_counts(self) -> dict[str, int]:
        total: Counter = Counter()
        for f in self.files:
            total.update(f.reasons)
        return dict(sorted(total.items()))


def landing_files(landing_dir: Path, source: str) -> list[Path]:
    """The files delivered for ``source``, in a stable order (path order = delivery order)."""
    folder = landing_dir / source
    if not folder.is_dir():
        return []
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file()
        and not any(part.startswith((".", "~")) for part in p.relative_to(folder).parts)
        and not p.name.endswith(_IGNORED_SUFFIXES)
    )


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


def _missing_required(contract: SourceContract, parsed: ParsedFile) -> list[str]:
    if not parsed.records and not parsed.columns:
        return []  # an empty file has nothing to reject
    present = set(parsed.columns)
    return [c for c in contract.required if c not in present]


class SourceLoader:
    """Loads the landing files of one source into DuckDB."""

    def __init__(self, con: duckdb.DuckDBPyConnection, source: str, local_tz: str):
        self.con = con
        self.contract = SOURCES[source]
        self.local_tz = local_tz
        ensure_raw_schema(con)

    def load_folder(self, landing_dir: Path) -> SourceLoadReport:
        report = SourceLoadReport(self.contract.name)
        processed, loaded_hashes = self._manifest_state()
        validator = RowValidator(self.contract, self.local_tz, _utc_now())
        for path in landing_files(landing_dir, self.contract.name):
            rel_path = path.relative_to(landing_dir).as_posix()
            try:
                data = path.read_bytes()
            except OSError as exc:
                report.files.append(self._record_failure(rel_path, "", f"cannot read: {exc}"))
                continue
            sha = hashlib.sha256(data).hexdigest()
            if (sha, rel_path) in processed:
                report.files_already_loaded += 1
                continue
            if sha in loaded_hashes:
                result = self._record_duplicate(rel_path, sha, len(data), loaded_hashes[sha])
            else:
                result = self._load_file(rel_path, sha, data, validator)
                if result.status != FileStatus.FAILED:
                    loaded_hashes[sha] = rel_path
            processed.add((sha, rel_path))
            report.files.append(result)
            log.info("%s: %s %s (%s)", self.contract.name, rel_path, result.status, result.message)
        report.unknown_values = validator.unknown_values.as_dict()
        return report

    def _manifest_state(self) -> tuple[set[tuple[str, str]], dict[str, str]]:
        """Files processed before (except failures, which are retried) and loaded hashes."""
        rows = self.con.execute(
            f"select file_sha256, file_path, status from {MANIFEST_TABLE} where source = ?",
            [self.contract.name],
        ).fetchall()
        processed = {(sha, path) for sha, path, status in rows if status != FileStatus.FAILED}
        loaded = {
            sha: path
            for sha, path, status in sorted(rows, key=lambda r: r[1])
            if status not in (FileStatus.FAILED, FileStatus.DUPLICATE)
        }
        return processed, loaded

    def _load_file(
        self, rel_path: str, sha: str, data: bytes, validator: RowValidator
    ) -> FileLoadResult:
        loaded_at = _utc_now().replace(tzinfo=None)
        try:
            detected = detect_encoding(data)
            parsed = read_records(decode(data, detected.codec), self.contract.file_format)
            result = self._split_and_write(
                rel_path, sha, data, detected.codec, parsed, validator, loaded_at
            )
        except Exception as exc:
            log.exception("loading %s failed", rel_path)
            return self._record_failure(rel_path, sha, f"{type(exc).__name__}: {exc}")
        return result

    def _split_and_write(
        self,
        rel_path: str,
        sha: str,
        data: bytes,
        encoding: str,
        parsed: ParsedFile,
        validator: RowValidator,
        loaded_at: datetime,
    ) -> FileLoadResult:
        missing = _missing_required(self.contract, parsed)
        good: list[RawRecord] = []
        bad: list[tuple[RawRecord, Violation]] = []
        if missing:
            violation = Violation(
                Reason.MISSING_REQUIRED_COLUMN,
                f"file lacks required column(s) {', '.join(missing)}: whole file quarantined",
            )
            bad = [(r, violation) for r in parsed.records]
        else:
            for record in parsed.records:
                problem = record.error or validator.check(record.values)
                if problem:
                    bad.append((record, problem))
                else:
                    good.append(record)

        result = FileLoadResult(
            file_path=rel_path,
            file_sha256=sha,
            status=_status(missing, good, bad),
            encoding=encoding,
            rows_read=len(parsed.records),
            rows_loaded=len(good),
            rows_quarantined=len(bad),
            reasons=Counter(v.reason for _, v in bad),
        )
        result.message = (
            bad[0][1].message
            if missing
            else ", ".join(f"{n} {r}" for r, n in sorted(result.reasons.items())) or None
        )
        self.con.begin()
        try:
            insert_frame(
                self.con,
                raw_table(self.contract.name),
                self._raw_frame(good, sha, rel_path, loaded_at, encoding),
            )
            insert_frame(self.con, QUARANTINE_TABLE, self._quarantine_frame(bad, sha, rel_path))
            self._write_manifest(result, len(data), loaded_at)
            self.con.commit()
        except Exception:
            self.con.rollback()
            raise
        return result

    def _raw_frame(
        self, records: list[RawRecord], sha: str, rel_path: str, loaded_at: datetime, encoding: str
    ) -> pd.DataFrame:
        known = self.contract.columns
        known_set = set(known)
        rows = []
        for r in records:
            values = r.values
            extra = {k: v for k, v in values.items() if k not in known_set}
            rows.append(
                [values.get(c) for c in known]
                + [json.dumps(extra, ensure_ascii=False) if extra else None]
                + [sha, rel_path, r.line_number, loaded_at, encoding]
            )
        return pd.DataFrame(rows, columns=[*known, *LINEAGE_COLUMNS], dtype=object)

    def _quarantine_frame(
        self, bad: list[tuple[RawRecord, Violation]], sha: str, rel_path: str
    ) -> pd.DataFrame:
        now = _utc_now().replace(tzinfo=None)
        rows = [
            [
                self.contract.name,
                sha,
                rel_path,
                r.line_number,
                printable(r.raw),
                v.reason,
                v.message,
                now,
            ]
            for r, v in bad
        ]
        columns = [
            "source",
            "file_sha256",
            "file_path",
            "line_number",
            "raw_content",
            "reason",
            "message",
            "quarantined_at",
        ]
        return pd.DataFrame(rows, columns=columns, dtype=object)

    def _write_manifest(
        self, result: FileLoadResult, file_bytes: int | None, loaded_at: datetime
    ) -> None:
        self.con.execute(
            f"delete from {MANIFEST_TABLE} where file_sha256 = ? and file_path = ?",
            [result.file_sha256, result.file_path],
        )
        self.con.execute(
            f"insert into {MANIFEST_TABLE} values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                result.file_sha256,
                self.contract.name,
                result.file_path,
                file_bytes,
                result.encoding,
                result.rows_read,
                result.rows_loaded,
                result.rows_quarantined,
                result.status,
                result.message,
                loaded_at,
            ],
        )

    def _record_duplicate(
        self, rel_path: str, sha: str, size: int, original: str
    ) -> FileLoadResult:
        result = FileLoadResult(
            rel_path, sha, FileStatus.DUPLICATE, message=f"same content as {original}; skipped"
        )
        self._write_manifest(result, size, _utc_now().replace(tzinfo=None))
        return result

    def _record_failure(self, rel_path: str, sha: str, message: str) -> FileLoadResult:
        result = FileLoadResult(rel_path, sha, FileStatus.FAILED, message=message)
        self._write_manifest(result, None, _utc_now().replace(tzinfo=None))
        return result


def _status(missing: list[str], good: list, bad: list) -> str:
    if missing:
        return FileStatus.REJECTED
    return FileStatus.LOADED_WITH_QUARANTINE if bad else FileStatus.LOADED


def load_source(
    con: duckdb.DuckDBPyConnection, source: str, landing_dir: Path, local_tz: str
) -> SourceLoadReport:
    """Load every new landing file of ``source``; see the module docstring."""
    return SourceLoader(con, source, local_tz).load_folder(landing_dir)
