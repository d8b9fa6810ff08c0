"""Script detection (simplified / traditional / none) and folding traditional to simplified.

Only characters that exist in one script decide: ``這`` is traditional-only, ``这`` simplified-only,
while ``后``, ``里`` or ``着`` are valid in both and do not count. The character sets come from
OpenCC's own tables (``resources/script_chars.json``, rebuilt by
``scripts/build_script_chars.py``). A text with CJK but no deciding character is ``hans``; ties in
a mixed text are ``hans`` too, since folding it is harmless either way.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Literal

import opencc

from text_analytics._resources import SCRIPT_CHARS

Script = Literal["hans", "hant", "none"]

#: CJK unified ideographs (basic block, extension A, compatibility ideographs).
CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")

#: OpenCC configuration used for folding: Taiwan phrases to mainland ones (軟體 -> 软件,
#: 滑鼠 -> 鼠标) on top of the character conversion; still about 10M characters/s.
FOLD_CONFIG = "tw2sp"


@lru_cache(maxsize=1)
def _char_sets() -> tuple[frozenset[str], frozenset[str]]:
    data = json.loads(SCRIPT_CHARS.read_text(encoding="utf-8"))
    return frozenset(data["traditional_only"]), frozenset(data["simplified_only"])


@lru_cache(maxsize=1)
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC(FOLD_CONFIG)


def detect_script(text: str) -> Script:
    """``hant`` when traditional-only characters outnumber simplified-only ones, ``none``
    without CJK, else ``hans``."""
    trad, simp = _char_sets()
    if trad.isdisjoint(text):
        return "hans" if CJK_RE.search(text) else "none"
    n_trad = sum(c in trad for c in text)
    n_simp = sum(c in simp for c in text)
    return "hant" if n_trad > n_simp else "hans"


def to_simplified(text: str) -> str:
    """Fold traditional characters and Taiwan vocabulary to simplified Chinese."""
    return _converter().convert(text)


def fold(text: str) -> tuple[Script, str]:
    """Detect the script and return the text folded to simplified where it is traditional.

    Mixed texts detected as ``hans`` are still folded when they contain traditional-only
    characters, so the tokenizer never sees ``質量`` next to ``质量``.
    """
    trad, _ = _char_sets()
    if trad.isdisjoint(text):
        return ("hans" if CJK_RE.search(text) else "none"), text
    return detect_script(text), to_simplified(text)
