"""Regenerate ``text_analytics/resources/script_chars.json`` from OpenCC's own dictionaries.

Script detection needs two character sets: characters that only occur in traditional text and
characters that only occur in simplified text. OpenCC's character tables say this exactly: a key of
``TSCharacters`` (traditional -> simplified) whose candidates do not include itself is
traditional-only (``後`` -> ``后``), while ``乾`` -> ``干 乾`` is also valid simplified. Likewise
for ``STCharacters`` (``后`` -> ``後 后`` is valid in both scripts, ``这`` -> ``這`` is not).

The tables ship with the ``opencc`` wheel as binary ``.ocd2`` files; the wheel's ``opencc_dict``
tool dumps them to text. Run: ``.venv/bin/python scripts/build_script_chars.py``.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path

import opencc

OUT = Path(__file__).resolve().parent.parent / "text_analytics" / "resources" / "script_chars.json"


def _dump(clib: Path, name: str) -> dict[str, list[str]]:
    """Read one OpenCC character table as ``{key: [candidates]}``."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / f"{name}.txt"
        subprocess.run(
            [
                str(clib / "bin" / "opencc_dict"),
                "-i",
                str(clib / "share" / "opencc" / f"{name}.ocd2"),
                "-o",
                str(out),
                "-f",
                "ocd2",
                "-t",
                "text",
            ],
            check=True,
        )
        table: dict[str, list[str]] = {}
        for line in out.read_text(encoding="utf-8").splitlines():
            key, _, values = line.partition("\t")
            if len(key) == 1:
                table[key] = values.split()
        return table


def _one_way(table: dict[str, list[str]]) -> str:
    """Keys whose conversion never keeps them unchanged, sorted, as one string."""
    return "".join(sorted(k for k, v in table.items() if k not in v))


def main() -> None:
    clib = Path(opencc.__file__).resolve().parent / "clib"
    payload = {
        "source": f"OpenCC {getattr(opencc, '__version__', '')} TSCharacters/STCharacters",
        "traditional_only": _one_way(_dump(clib, "TSCharacters")),
        "simplified_only": _one_way(_dump(clib, "STCharacters")),
    }
    OUT.write_text(json.dumps(payload, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(
        f"wrote {OUT}: {len(payload['traditional_only'])} traditional-only, "
        f"{len(payload['simplified_only'])} simplified-only characters"
    )


if __name__ == "__main__":
    main()
