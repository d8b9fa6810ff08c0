"""Masking personal data with typed placeholders.

Runs on cleaned text (full-width digits already folded). Each kind has a regular expression for
the shape and, where the shape alone is ambiguous, a validator: mainland ID numbers need a real
birth date and the ISO 7064 MOD 11-2 check digit, Taiwan ID numbers their letter checksum, bank
cards the Luhn check and an issuer prefix (3-6). Numbers glued to letters, dashes, slashes or
decimal points (SKUs, versions, prices, URLs) are left alone, and card-like numbers right after
an order/waybill/SKU label are treated as identifiers, not cards.

Placeholders: ``[URL]``, ``[EMAIL]``, ``[ID_CARD]``, ``[BANK_CARD]``, ``[PHONE]`` (mainland and
Taiwan mobiles), ``[LANDLINE]``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

PLACEHOLDERS = ("URL", "EMAIL", "ID_CARD", "BANK_CARD", "PHONE", "LANDLINE")

# A number is "standalone" when not glued to letters, digits, '_', '-', '/' or a decimal point.
_NB = r"(?<![0-9A-Za-z_\-/])(?<!\d\.)"
_NA = r"(?![0-9A-Za-z_\-]|\.\d)"

_PREFILTER = re.compile(r"[\d@]|https?:|www\.", re.IGNORECASE)
# Every number kind below has at least eight digits in a row (single separators allowed);
# "(02)2345-6789" has eight after the area code.
_LONG_NUMBER = re.compile(r"\d(?:[ \-]?\d){7}")

_URL = re.compile(r"(?:https?://|www\.)[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+", re.IGNORECASE)
_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}"
    r"(?![A-Za-z0-9])"
)
_CN_ID = re.compile(
    _NB + r"[1-8]\d{5}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}"
    r"[\dXx]" + _NA
)
_TW_ID = re.compile(_NB + r"[A-Z][1289]\d{8}" + _NA)
_BANK_CARD = re.compile(
    _NB + r"(?:[3-6]\d{15,18}|[3-6]\d{3}(?:[ \-]\d{4}){3}(?:[ \-]\d{1,3})?)" + _NA
)
_CN_MOBILE = re.compile(
    r"(?<![0-9A-Za-z_\-/+])(?<!\d\.)(?:(?:\+|00)?86[ \-]?)?1[3-9]\d(?:[ \-]?\d{4}){2}" + _NA
)
_TW_MOBILE = re.compile(
    r"(?<![0-9A-Za-z_\-/+])(?<!\d\.)(?:(?:\+|00)886[ \-]?9\d{2}|09\d{2})[ \-]?\d{3}[ \-]?\d{3}"
    + _NA
)
_LANDLINE = re.compile(
    r"(?<![0-9A-Za-z_\-/+])(?<!\d\.)"
    r"(?:(?:\+|00)86[ \-]?0?\d{2,3}[ \-]?|(?:\+|00)886[ \-]?\d{1,2}[ \-]?"
    r"|\(0\d{1,3}\) ?|（0\d{1,3}） ?|0\d{1,3}[ \-])"
    r"\d{3,4}[ \-]?\d{4}" + _NA
)
# Labels after which a long number is an order, waybill or product identifier.
_ID_LABEL = re.compile(
    r"(?:订单|单号|运单|编号|货号|型号|流水号|交易号|批号|条码|sku|no\.?|id|#)\s*[:：]?\s*$",
    re.IGNORECASE,
)

_CN_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CN_ID_CHECK = "10X98765432"
_TW_LETTERS = {letter: value for value, letter in enumerate("ABCDEFGHJKLMNPQRSTUVXYWZIO", start=10)}


def luhn_valid(digits: str) -> bool:
    """Luhn (mod 10) check of a digit string."""
    total = 0
    for i, char in enumerate(reversed(digits)):
        d = ord(char) - 48
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def cn_id_valid(number: str) -> bool:
    """Mainland 18-character resident ID: real birth date (not in the future) and check digit."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    if birth.year < 1900 or birth > dt.date.today():
        return False
    total = sum(int(c) * w for c, w in zip(number[:17], _CN_ID_WEIGHTS, strict=True))
    return _CN_ID_CHECK[total % 11] == number[17].upper()


def tw_id_valid(number: str) -> bool:
    """Taiwan national ID (letter + 9 digits) checksum."""
    if len(number) != 10 or number[0] not in _TW_LETTERS or not number[1:].isdigit():
        return False
    code = _TW_LETTERS[number[0]]
    total = code // 10 + (code % 10) * 9
    total += sum(int(c) * w for c, w in zip(number[1:9], range(8, 0, -1), strict=True))
    total += int(number[9])
    return total % 10 == 0


def _after_id_label(text: str, start: int) -> bool:
    return _ID_LABEL.search(text, max(0, start - 12), start) is not None


def _digits(s: str) -> str:
    return "".join(c for c in s if c.isdigit())


def mask_pii(text: str) -> tuple[str, list[str]]:
    """Replace personal data in ``text`` by placeholders.

    Returns the masked text and the placeholder kinds used (in order of the passes, once each).
    """
    if not text or _PREFILTER.search(text) is None:
        return text, []
    found: list[str] = []

    def substitute(
        pattern: re.Pattern[str], kind: str, valid: Callable[[re.Match[str]], bool] | None = None
    ) -> None:
        nonlocal text

        def repl(match: re.Match[str]) -> str:
            if valid is not None and not valid(match):
                return match.group(0)
            if kind not in found:
                found.append(kind)
            return f"[{kind}]"

        text = pattern.sub(repl, text)

    lowered = text.lower()
    if "http" in lowered or "www." in lowered:
        substitute(_URL, "URL")
    if "@" in text:
        substitute(_EMAIL, "EMAIL")
    if _LONG_NUMBER.search(text) is None:
        return text, found
    substitute(_CN_ID, "ID_CARD", lambda m: cn_id_valid(m.group(0)))
    substitute(
        _TW_ID,
        "ID_CARD",
        lambda m: tw_id_valid(m.group(0)) and not _after_id_label(m.string, m.start()),
    )
    substitute(
        _BANK_CARD,
        "BANK_CARD",
        lambda m: luhn_valid(_digits(m.group(0))) and not _after_id_label(m.string, m.start()),
    )
    substitute(_CN_MOBILE, "PHONE")
    substitute(_TW_MOBILE, "PHONE")
    substitute(_LANDLINE, "LANDLINE")
    return text, found
