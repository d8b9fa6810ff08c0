"""Scoring a CSV or JSON Lines file from the command line (``voc score``).

    score_file(Path("reviews.csv"), "content", None)  # writes reviews.scored.csv

The format comes from the extension (``.csv``; ``.jsonl``/``.ndjson``; ``.json`` holding JSON
Lines or one array of objects) or, for other names, from the first character of the file. CSV may
be UTF-8 (with or without BOM), GB18030/GBK or Big5; the output keeps the input's format and
encoding (Big5 input is written as UTF-8: the cleaned text is simplified Chinese), with every
input column and row kept and the analysis columns added (see
``text_analytics.pipeline.score_frame``; in JSON the lists and topics are native arrays).
User errors raise ``ScoreInputError`` with a readable message.

With a warehouse (``warehouse_model``), texts are scored by the sentiment model that warehouse
trained on its own ratings and promoted (``text_analytics.adapt``), as its pipeline scores them.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path
from typing import Any, Literal

import duckdb
import pandas as pd

from ingestion.encoding import BIG5, detect_encoding
from text_analytics.adapt import current_model
from text_analytics.model import VersionedModel, model_version, scoring_with
from text_analytics.pipeline import analyse_batch, score_frame

Format = Literal["csv", "jsonl", "json"]
ENCODINGS = ("UTF-8 (with or without BOM)", "GB18030/GBK", "Big5")


class ScoreInputError(ValueError):
    """The input file cannot be scored (unreadable, malformed, or without the text column)."""


def _read_text(path: Path) -> tuple[str, str]:
    """File content and the encoding to write the output in.

    The input's encoding is detected as the loader does (UTF-8 with or without BOM, GB18030,
    Big5). Output keeps it, except Big5: the cleaned text is simplified Chinese, which Big5
    cannot hold, so a Big5 file is scored to UTF-8.
    """

    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ScoreInputError(f"cannot read {path}: {exc.strerror or exc}") from exc
    detected = detect_encoding(raw)
    if detected.undecodable_lines:
        raise ScoreInputError(
            f"{path}: {detected.undecodable_lines} line(s) are not valid {detected.codec} "
            f"(supported: {', '.join(ENCODINGS)})"
        )
    content = raw.decode(detected.codec)
    return content, "utf-8" if detected.codec == BIG5 else detected.codec


def detect_format(path: Path, content: str) -> Format:
    """Format from the extension, else from the first non-blank character."""
    suffix = path.suffix.lower()
    head = content.lstrip()[:1]
    if suffix == ".csv":
        return "csv"
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if suffix == ".json":
        return "json" if head == "[" else "jsonl"
    if head == "[":
        return "json"
    if head == "{":
        return "jsonl"
    return "csv"


def default_out_path(path: Path, fmt: Format) -> Path:
    """``reviews.csv`` -> ``reviews.scored.csv`` (extension added when the input has none)."""
    if path.suffix:
        return path.with_name(f"{path.stem}.scored{path.suffix}")
    return path.with_name(f"{path.name}.scored.{fmt}")


def _read_csv(path: Path, content: str, text_col: str) -> pd.DataFrame:
    if not content.strip():
        raise ScoreInputError(f"{path}: file is empty (a CSV needs a header row)")
    try:
        df = pd.read_csv(io.StringIO(content), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, csv.Error, ValueError) as exc:
        raise ScoreInputError(f"{path}: not a readable CSV file ({exc})") from exc
    if text_col not in df.columns:
        raise ScoreInputError(
            f"{path}: no column {text_col!r}; columns are: {', '.join(map(str, df.columns))}"
        )
    return df


def _read_json_rows(path: Path, content: str, fmt: Format, text_col: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    if fmt == "json":
        try:
            data = json.loads(content)
        except json.JSONDecodeError as exc:
            raise ScoreInputError(f"{path}: invalid JSON at line {exc.lineno}: {exc.msg}") from exc
        if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
            raise ScoreInputError(f"{path}: expected a JSON array of objects")
        rows = data
    else:
        for number, line in enumerate(content.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ScoreInputError(
                    f"{path}: line {number} is not valid JSON: {exc.msg}"
                ) from exc
            if not isinstance(row, dict):
                raise ScoreInputError(f"{path}: line {number} is not a JSON object")
            rows.append(row)
    if rows and not any(text_col in row for row in rows):
        keys = sorted({k for row in rows for k in row})
        raise ScoreInputError(f"{path}: no field {text_col!r}; fields are: {', '.join(keys)}")
    return rows


def _json_text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False) if isinstance(value, (dict, list)) else str(value)


def _score_rows(rows: list[dict[str, Any]], text_col: str, processes: int) -> None:
    version = model_version()
    results = analyse_batch([_json_text(r.get(text_col)) for r in rows], processes=processes)
    for row, r in zip(rows, results, strict=True):
        row.update(
            script=r.script,
            text_clean=r.text_clean,
            tokens=r.tokens,
            sentiment_label=r.sentiment_label,
            sentiment_score=r.sentiment_score,
            topics=[{"topic": t.topic, "label": t.label, "score": t.score} for t in r.topics],
            primary_topic=r.primary_topic,
            keywords=r.keywords,
            simhash=r.simhash,
            pii_kinds=list(r.pii_kinds),
            model_version=version,
        )


def warehouse_model(path: Path) -> VersionedModel | None:
    """The model ``path``'s warehouse promoted, or None (it has none: the shipped model is
    used, and a note says so). Opens the file read-only."""
    if not path.is_file():
        raise ScoreInputError(f"warehouse {path} does not exist or is not a file")
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise ScoreInputError(f"cannot open warehouse {path}: {exc}") from exc
    try:
        model = current_model(con)
    finally:
        con.close()
    if model is None:
        print(
            f"{path} has no promoted sentiment model: scoring with the shipped one",
            file=sys.stderr,
        )
    return model


def score_file(
    in_path: Path,
    text_col: str,
    out_path: Path | None = None,
    processes: int = 1,
    model: VersionedModel | None = None,
) -> int:
    """Score every row of ``in_path`` and write ``out_path``; returns 0 (an exit status).
    ``model``: score with it (a warehouse's, see ``warehouse_model``) instead of the shipped one.

    Raises ``ScoreInputError`` for unreadable input, a malformed file or a missing text column.
    """
    with scoring_with(model):
        return _score_file(in_path, text_col, out_path, processes)


def _score_file(in_path: Path, text_col: str, out_path: Path | None, processes: int) -> int:
    in_path = Path(in_path)
    if not in_path.is_file():
        raise ScoreInputError(f"input file {in_path} does not exist or is not a file")
    content, encoding = _read_text(in_path)
    fmt = detect_format(in_path, content)
    out = Path(out_path) if out_path else default_out_path(in_path, fmt)
    try:
        if fmt == "csv":
            df = _read_csv(in_path, content, text_col)
            scored = score_frame(df, text_col, processes=processes)
            scored.to_csv(out, index=False, encoding=encoding)
            n_rows = len(scored)
        else:
            rows = _read_json_rows(in_path, content, fmt, text_col)
            _score_rows(rows, text_col, processes)
            with out.open("w", encoding=encoding if encoding != "utf-8-sig" else "utf-8") as handle:
                if fmt == "json":
                    json.dump(rows, handle, ensure_ascii=False, indent=1)
                    handle.write("\n")
                else:
                    for row in rows:
                        handle.write(json.dumps(row, ensure_ascii=False) + "\n")
            n_rows = len(rows)
    except OSError as exc:
        raise ScoreInputError(f"cannot write {out}: {exc.strerror or exc}") from exc
    print(f"scored {n_rows} rows of {in_path} -> {out} (model {model_version()})", file=sys.stderr)
    return 0
