"""64-bit SimHash near-duplicate signatures over character shingles, vectorised with numpy.

The signature text keeps only CJK characters, Latin letters and digits, lower-cased, so
punctuation, spacing and emoji changes do not move the signature; small edits flip few bits.
Shingles are two consecutive characters (a one-character text is one shingle), hashed with
SplitMix64 of their packed code points: stable across processes and Python versions (unlike
``hash()``). Signatures are returned as signed 64-bit integers so they fit DuckDB ``BIGINT``.

Measured on 2,000 corpus reviews of 20-120 characters: one substituted character moves a median
of 6 bits (99th percentile 14), while unrelated reviews differ by 23 bits or more in 99 % of
pairs; bigrams separate the two better than trigrams (8 / 17 / 22). Hence
``NEAR_DUPLICATE_BITS = 12`` as a starting threshold for the fake-review rules.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

SHINGLE = 2
#: Suggested near-duplicate threshold for review-length texts (see the module docstring).
NEAR_DUPLICATE_BITS = 12
_DROP_RE = re.compile(r"[^0-9a-z\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_MASK64 = (1 << 64) - 1


def signature_text(text: str) -> str:
    """The part of ``text`` the signature depends on."""
    return _DROP_RE.sub("", text.lower())


_KEEP_SEP_DROP_RE = re.compile(r"[^0-9a-z\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\0]+")


def _signature_texts(texts: Sequence[str]) -> list[str]:
    """``signature_text`` of each text, with one ``lower`` and one regex pass over all of them
    joined by NUL (dropped by the signature anyway, so it only marks where a text ends). Texts
    that contain a NUL themselves are done one by one. Lower-casing is per character except
    for the Greek final sigma, which the signature drops whichever form it takes."""
    joined = "\0".join(texts)
    if len(texts) < 2 or joined.count("\0") != len(texts) - 1:
        return [signature_text(t) for t in texts]
    return _KEEP_SEP_DROP_RE.sub("", joined.lower()).split("\0")


def _splitmix64(x: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        z = x + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


#: Texts with fewer shingles than this have their bit counts summed in 16-bit lanes.
_LANE_LIMIT = 1 << 16
_LANE_MASK = np.uint64(0x0001_0001_0001_0001)
_LANE_BITS = np.uint64(0xFFFF)


def _bit_counts_swar(hashes: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Per text (segments of ``hashes`` beginning at ``starts``), how many hashes have each of
    the 64 bits set: an ``(n_texts, 64)`` int64 array, column ``b`` for bit ``b``.

    Bits ``k``, ``k + 16``, ``k + 32`` and ``k + 48`` are summed together in the four 16-bit
    lanes of one uint64, so 16 one-dimensional sums replace a sum over 64 columns of bytes;
    exact while no text has ``_LANE_LIMIT`` shingles or more (a lane would overflow).
    """
    values = hashes.astype(np.uint64, copy=False)
    ones = np.empty((len(starts), 64), dtype=np.int64)
    for k in range(16):
        sums = np.add.reduceat((values >> np.uint64(k)) & _LANE_MASK, starts)
        for lane in range(4):
            ones[:, k + 16 * lane] = (sums >> np.uint64(16 * lane)) & _LANE_BITS
    return ones


def simhash_many(texts: Sequence[str]) -> list[int]:
    """Signed 64-bit SimHash of each text (0 for a text with nothing to sign).

    All texts are hashed in one go: their signature texts are concatenated (short ones padded
    to one shingle with NULs, which no signature text contains), every window of ``SHINGLE``
    code points is packed and hashed, and windows that straddle two texts are dropped.
    """
    sigs = _signature_texts(texts)
    owners = [i for i, sig in enumerate(sigs) if sig]
    result = [0] * len(texts)
    if not owners:
        return result
    parts = [sigs[i] if len(sigs[i]) >= SHINGLE else sigs[i].ljust(SHINGLE, "\0") for i in owners]
    lengths = np.fromiter(map(len, parts), dtype=np.int64, count=len(parts))
    codes = np.frombuffer("".join(parts).encode("utf-32-le"), dtype="<u4").astype(np.uint64)
    # Code points are < 2**21, so up to three of them pack exactly into 63 bits.
    n_windows = len(codes) - SHINGLE + 1
    packed = codes[:n_windows].copy()
    for i in range(1, SHINGLE):
        packed |= codes[i : i + n_windows] << np.uint64(21 * i)
    ends = np.cumsum(lengths)
    valid = np.ones(n_windows, dtype=bool)
    for back in range(1, SHINGLE):  # windows starting in the last characters of a text
        valid[ends[:-1] - back] = False
    hashes = _splitmix64(packed[valid]).astype("<u8")
    counts = lengths - (SHINGLE - 1)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    # One row of 64 bits per shingle (byte order fixed little-endian, so results do not depend
    # on the machine), counted per text; a bit is set where most shingles have it.
    if counts.max() < _LANE_LIMIT:
        ones = _bit_counts_swar(hashes, starts)
    else:
        bits = np.unpackbits(hashes.view(np.uint8).reshape(-1, 8), axis=1, bitorder="little")
        ones = np.add.reduceat(bits, starts, axis=0, dtype=np.int64)
    majority = (2 * ones > counts[:, None]).astype(np.uint8)
    signed = np.packbits(majority, axis=1, bitorder="little").view("<u8").view("<i8").ravel()
    for owner, value in zip(owners, signed.tolist(), strict=True):
        result[owner] = value
    return result


def simhash(text: str) -> int:
    """Signed 64-bit SimHash of one text."""
    return simhash_many([text])[0]


def hamming_distance(a: int, b: int) -> int:
    """Number of differing bits between two signatures (signed or unsigned 64-bit)."""
    return ((a ^ b) & _MASK64).bit_count()
