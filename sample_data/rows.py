"""Render items into file records, plant defects, and record the truth about each row.

CSV values are rendered in the file's layouts (timestamps, dates); JSON values keep their
types, with timestamps as ISO 8601. Optional JSON keys without a value are left out, as API
feeds do. A row chosen by the ``DefectPlanter`` is broken in exactly one way after
rendering, so the defect is exactly what the loader will see.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, datetime
from random import Random

from sample_data.items import Item
from sample_data.layout import contract_names
from sample_data.messiness import DefectPlanter, format_iso
from sample_data.truth import TruthRecorder
from sample_data.writers import CsvSink, FileStyle, JsonlSink
from voc_core.contracts import SOURCES, Reason


class RowWriter:
    """Writes items into sinks; every delivered row passes through here once."""

    def __init__(self, planter: DefectPlanter, rng: Random, truth: TruthRecorder):
        self.planter = planter
        self.rng = rng
        self.truth = truth
        #: Values outside reported (open) enumerations, kept in the data: "source.column=value".
        self.unknown_values: Counter = Counter()

    def render_csv(self, value: object, style: FileStyle) -> str:
        if value is None:
            return ""
        if isinstance(value, datetime):
            return style.timestamp(value, self.rng)
        if isinstance(value, date):
            return value.strftime(style.date_layout)
        if isinstance(value, bool):
            return "true" if value else "false"
        return value if isinstance(value, str) else str(value)

    def render_json(self, value: object, mode: str) -> object:
        if isinstance(value, datetime):
            return format_iso(value, mode, self.rng)
        if isinstance(value, date):
            return value.isoformat()
        return value

    def write(
        self, item: Item, sink: CsvSink | JsonlSink, day: int, file_reason: str | None = None
    ) -> None:
        """Write one item; ``file_reason`` marks rows of a file the loader rejects whole."""
        contract = SOURCES[item.source]
        draw = not item.protect and file_reason is None
        reason = self.planter.draw(item.source, contract.file_format) if draw else None
        if isinstance(sink, CsvSink):
            line, defect_field = self._write_csv(item, sink, reason)
        else:
            line, defect_field = self._write_jsonl(item, sink, reason)
        if file_reason:
            reason = file_reason
        elif not reason:
            self._count_unknown(item)
        key = str(item.values.get(contract.key))
        self.truth.record(item, key, sink.info.rel_path, line, reason, defect_field, day)

    def _write_csv(self, item: Item, sink: CsvSink, reason: str | None) -> tuple[int, str | None]:
        style = sink.style
        names = contract_names(sink)
        row = {n: self.render_csv(item.values.get(n), style) for n in names}
        defect_field = None
        if reason == Reason.MALFORMED_ROW:
            fields = self.planter.malformed_csv_fields([row[n] for n in names])
        else:
            if reason:
                defect_field = self.planter.apply_value_defect(
                    item.source, reason, row, item.when, lambda dt: style.timestamp(dt, self.rng)
                )
            fields = [row[n] for n in names]
        return sink.write_fields(fields), defect_field

    def _write_jsonl(
        self, item: Item, sink: JsonlSink, reason: str | None
    ) -> tuple[int, str | None]:
        contract, values = SOURCES[item.source], item.values
        mode = item.iso_mode or sink.style.iso_mode
        obj = {}
        for name in contract.columns:
            if name in values and (values[name] is not None or name in contract.required):
                obj[name] = self.render_json(values[name], mode)
        for name, value in values.items():
            if name not in obj and name not in contract.columns and value is not None:
                obj[name] = self.render_json(value, mode)
        defect_field = None
        if reason and reason != Reason.MALFORMED_JSON:
            defect_field = self.planter.apply_value_defect(
                item.source, reason, obj, item.when, lambda dt: format_iso(dt, mode, self.rng)
            )
        text = json.dumps(obj, ensure_ascii=sink.style.ensure_ascii)
        if reason == Reason.MALFORMED_JSON:
            return sink.write_line(self.planter.malformed_json(text)), None
        return sink.write_line(text, obj.keys()), defect_field

    def _count_unknown(self, item: Item) -> None:
        for column, allowed in SOURCES[item.source].reported_enums.items():
            value = item.values.get(column)
            if value and value not in allowed:
                self.unknown_values[f"{item.source}.{column}={value}"] += 1
