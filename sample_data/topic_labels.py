"""A hand-labelled audit sample of survey comments: what a person reading them found.

Topic detection misses some mentions and finds some that are not there, and a regression on
detected mentions understates what each topic costs (misclassification attenuates it). The
usual remedy is to have people label a random sample of comments and correct the estimates
with it (mart_key_drivers' ``adjusted_*`` columns). The generator writes that sample from the
ground truth: about one survey comment in four, chosen by a salted hash of its key so that no
random stream of the rest of the generator moves, one row per topic the comment mentions with
its polarity, or one row without a topic for a comment about none of them. The labels are
exact (a real labeller errs too; that error is not simulated).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sample_data.items import Item
from sample_data.layout import Layout
from sample_data.rows import RowWriter
from sample_data.writers import FileStyle

#: Share of survey comments in the audit sample.
AUDIT_SHARE = 0.25
LABELLERS = ("cx_qa_01", "cx_qa_02", "cx_qa_03")


@dataclass(frozen=True)
class _Labelled:
    key: str
    aspects: tuple[tuple[str, str], ...]


class TopicLabelSample:
    """Collects the sampled survey comments while the run writes them, then writes the file."""

    def __init__(self, seed: int) -> None:
        self._salt = f"{seed}:topic-labels:"
        self._sampled: list[_Labelled] = []

    def _in_sample(self, key: str) -> bool:
        digest = hashlib.sha256((self._salt + key).encode()).digest()
        return int.from_bytes(digest[:8], "big") < AUDIT_SHARE * 2**64

    def offer(self, item: Item, key: str) -> None:
        """Keep ``item`` for labelling if it is a survey answer with a comment in the sample."""
        truth = item.truth
        if item.source != "survey" or truth is None or not truth.has_text:
            return
        if self._in_sample(key):
            aspects = tuple(dict.fromkeys((a.topic, a.polarity) for a in truth.aspects))
            self._sampled.append(_Labelled(key, aspects))

    def write(self, layout: Layout, rows: RowWriter, labelled_at: datetime, day: int) -> int:
        """``topic_label/topic_labels_<date>.csv``, delivered with the last day's files;
        returns the number of comments labelled."""
        sink = layout.open_fixed(
            "topic_label",
            f"topic_label/topic_labels_{labelled_at:%Y%m%d}.csv",
            FileStyle("utf-8", "\n", ("%Y-%m-%d %H:%M:%S",)),
            "regular",
            labelled_at,
        )
        number = 0
        for index, labelled in enumerate(self._sampled):
            topics = labelled.aspects or ((None, None),)
            for topic, polarity in topics:
                number += 1
                values = {
                    "label_id": f"TL{number:08d}",
                    "source": "survey",
                    "source_record_id": labelled.key,
                    "topic": topic,
                    "polarity": polarity,
                    "labelled_at": labelled_at,
                    "labeller": LABELLERS[index % len(LABELLERS)],
                }
                rows.write(Item("topic_label", labelled_at, values, protect=True), sink, day)
        sink.close()
        return len(self._sampled)
