"""The generator writes the same bytes whether it renders the files in this process or in a
second one (``workers=2``, what large samples use by default)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from sample_data import generate, run

SAMPLE = {"days": 45, "customers": 600, "seed": 13}


def _digest(root: Path) -> dict[str, str]:
    """sha256 of every file written, by path relative to ``root``; the summary without the
    folder names (they differ by run)."""
    out = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        data = path.read_bytes()
        if path.name == "summary.json":
            data = data.replace(str(root).encode(), b"<root>")
        out[str(path.relative_to(root))] = hashlib.sha256(data).hexdigest()
    return out


def test_two_workers_write_the_same_bytes_as_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Customers cross to the writer in several messages, as they do at scale.
    monkeypatch.setattr(run, "CUSTOMERS_PER_MESSAGE", 70)
    one, two = tmp_path / "one", tmp_path / "two"
    s1 = generate(one / "landing", truth_dir=one / "truth", workers=1, **SAMPLE)
    s2 = generate(two / "landing", truth_dir=two / "truth", workers=2, **SAMPLE)
    d1, d2 = _digest(one), _digest(two)
    assert len(d1) > 20
    assert d1 == d2
    assert s1.rows_per_source == s2.rows_per_source
    assert s1.feedback_items == s2.feedback_items > 0
