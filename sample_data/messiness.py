"""What makes real exports messy: noisy text, personal data, scripts, timestamps and defects.

* ``TextNoise`` adds HTML fragments, full-width characters, URLs, personal data and its
  look-alikes (order numbers, prices, versions) to a clean text and reports the personal
  data it planted.
* ``Scripts`` converts to traditional script (OpenCC) and makes text Big5-safe.
* ``format_*`` render timestamps in the layouts a file uses.
* ``DefectPlanter`` breaks a small share of rows in exactly one way each, with the reason
  code the loader must give them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from random import Random

import opencc

from sample_data.entities import email_address, mainland_mobile
from sample_data.template import compile_pool, pick
from voc_core.contracts import SURVEY_SCORE_RANGES, Reason

# --- personal data and look-alikes -----------------------------------------------------------

_ID_REGIONS = (
    "110101",
    "310104",
    "440106",
    "330106",
    "510107",
    "420106",
    "320102",
    "500103",
    "610113",
    "370202",
)
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_card_number(rng: Random) -> str:
    """An 18-digit resident ID number with a valid check character."""
    birth = date(1960, 1, 1) + timedelta(days=rng.randint(0, 16000))
    body = f"{rng.choice(_ID_REGIONS)}{birth:%Y%m%d}{rng.randint(0, 999):03d}"
    total = sum(int(d) * w for d, w in zip(body, _ID_WEIGHTS, strict=True))
    return body + _ID_CHECK[total % 11]


def luhn_complete(partial: str) -> str:
    """``partial`` plus the Luhn check digit."""
    total = 0
    for i, ch in enumerate(reversed(partial)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return partial + str((10 - total % 10) % 10)


def bank_card_number(rng: Random) -> str:
    """A Luhn-valid UnionPay-style card number (16 or 19 digits), sometimes spaced."""
    length = rng.choice((16, 19))
    partial = (
        "62"
        + rng.choice(("22", "17", "28", "84", "58"))
        + "".join(str(rng.randint(0, 9)) for _ in range(length - 5))
    )
    number = luhn_complete(partial)
    if rng.random() < 0.4:
        number = " ".join(number[i : i + 4] for i in range(0, len(number), 4))
    return number


def mobile_cn(rng: Random) -> str:
    n = mainland_mobile(rng)
    style = rng.random()
    if style < 0.5:
        return n
    if style < 0.65:
        return f"{n[:3]}-{n[3:7]}-{n[7:]}"
    if style < 0.8:
        return f"{n[:3]} {n[3:7]} {n[7:]}"
    if style < 0.9:
        return f"+86 {n[:3]} {n[3:7]} {n[7:]}"
    return rng.choice(("+86-", "(+86)", "86-")) + n


def mobile_tw(rng: Random) -> str:
    n = f"09{rng.randint(0, 99_999_999):08d}"
    return rng.choice(
        (
            f"{n[:4]}-{n[4:7]}-{n[7:]}",
            n,
            f"{n[:4]} {n[4:7]} {n[7:]}",
            f"+886 {n[1:4]} {n[4:7]} {n[7:]}",
        )
    )


def landline(rng: Random) -> str:
    area = rng.choice(("010", "021", "020", "0755", "0571", "025", "028", "027"))
    width = 8 if len(area) == 3 or rng.random() < 0.7 else 7
    local = str(rng.randint(2, 8)) + "".join(str(rng.randint(0, 9)) for _ in range(width - 1))
    return f"({area}){local}" if rng.random() < 0.2 else f"{area}-{local}"


def order_number_lookalike(rng: Random, when: date) -> str:
    """Marketplace order number: 19-20 digits, never an ID-card or phone shape."""
    return f"{when:%Y%m%d}{rng.randint(0, 10**12 - 1):012d}"


@dataclass(frozen=True)
class PlantedData:
    """A piece of personal data, or a look-alike that is not personal, inside a text."""

    kind: str
    value: str
    is_personal: bool


_PII_FRAMES = {
    "mobile_cn": (
        "[我的|]电话[是|：|:]{v}，[麻烦|请]尽快[联系|回电]",
        "有问题可以打我电话{v}",
        "联系方式：{v}",
        "手机{v}",
        "[回电|联系]请打{v}",
    ),
    "mobile_tw": ("電話{v}", "聯絡電話：{v}", "手機{v}"),
    "landline": ("[家里|公司]电话{v}", "座机：{v}"),
    "email": ("[邮箱|email|E-mail][是|：|:]{v}", "回复麻烦发到{v}", "回复请发{v}"),
    "id_card": ("以旧换新登记的身份证号是{v}", "身份证号{v}", "[实名|登记]信息：{v}"),
    "bank_card": ("钱请打到这张卡：{v}", "卡号{v}", "银行卡{v}"),
}
#: The same data as a service agent writes it down.
_AGENT_PII_FRAMES = {
    "mobile_cn": ("客户电话{v}", "联系电话：{v}", "客户留的手机号{v}", "回电号码：{v}"),
    "mobile_tw": ("客户电话{v}", "联系电话：{v}"),
    "landline": ("客户座机{v}", "联系电话：{v}"),
    "email": ("客户邮箱{v}", "邮箱：{v}", "回复邮箱{v}"),
    "id_card": ("客户身份证号{v}", "登记身份证：{v}"),
    "bank_card": ("客户收款账户{v}", "客户提供的银行卡号{v}"),
}
_LOOKALIKE_FRAMES = {
    "order_no": ("订单号：{v}", "订单号{v}", "[单号|订单编号]{v}"),
    "order_id": ("订单号E{v}", "订单{v}"),
    "tracking_no": ("单号{v}", "单号：{v}"),
    "price": ("[花了|价格|到手价]{v}", "{v}[买的|入手]"),
    "version": ("[版本|版本号]{v}", "{v}"),
    "sku": ("型号{v}", "[买的是|货号]{v}"),
    "date": ("{v}[买的|下的单|收到的]",),
    "hotline": ("热线{v}", "打了{v}"),
}


class TextNoise:
    """Adds the noise of real exports to clean text."""

    def __init__(self) -> None:
        self.pii_frames = {k: compile_pool(v) for k, v in _PII_FRAMES.items()}
        self.agent_frames = {k: compile_pool(v) for k, v in _AGENT_PII_FRAMES.items()}
        self.look_frames = {k: compile_pool(v) for k, v in _LOOKALIKE_FRAMES.items()}

    def personal(self, rng: Random, region: str = "cn") -> PlantedData:
        roll = rng.random()
        if region == "tw" and roll < 0.7:
            kind, value = "mobile_tw", mobile_tw(rng)
        elif roll < 0.55:
            kind, value = "mobile_cn", mobile_cn(rng)
        elif roll < 0.65:
            kind, value = "landline", landline(rng)
        elif roll < 0.85:
            kind, value = "email", email_address(rng)
        elif roll < 0.93:
            kind, value = "id_card", id_card_number(rng)
        else:
            kind, value = "bank_card", bank_card_number(rng)
        return PlantedData(kind, value, True)

    def lookalike(self, rng: Random, when: date, sku: str, price: str, version: str) -> PlantedData:
        kind = rng.choice(
            (
                "order_no",
                "order_no",
                "order_id",
                "tracking_no",
                "price",
                "version",
                "sku",
                "date",
                "hotline",
            )
        )
        if kind == "order_no":
            value = order_number_lookalike(rng, when)
        elif kind == "order_id":
            value = f"{when:%Y%m%d}{rng.randint(0, 99_999_999):08d}"
        elif kind == "tracking_no":
            value = rng.choice(("SF", "JDVA", "YT", "ZTO")) + f"{rng.randint(0, 10**13 - 1):013d}"
        elif kind == "price":
            value = price
        elif kind == "version":
            value = version
        elif kind == "sku":
            value = sku
        elif kind == "date":
            value = rng.choice(
                (f"{when:%Y-%m-%d}", f"{when.month}月{when.day}日", f"{when:%Y/%m/%d}")
            )
        else:
            value = "400-820-8820"
        return PlantedData(kind, value, False)

    def _sentence(self, rng: Random, item: PlantedData, voice: str) -> str:
        if not item.is_personal:
            frames = self.look_frames[item.kind]
        elif voice == "agent":
            frames = self.agent_frames[item.kind]
        else:
            frames = self.pii_frames[item.kind]
        return pick(frames, rng, {"v": item.value})

    def apply(
        self,
        rng: Random,
        text: str,
        *,
        html_p: float,
        pii_p: float,
        look_p: float,
        url_p: float,
        when: date,
        sku: str,
        price: str,
        version: str,
        region: str = "cn",
        voice: str = "customer",
        prepend_p: float = 0.25,
    ) -> tuple[str, list[PlantedData]]:
        """Noisy text and the personal data / look-alikes planted in it.

        ``voice`` is ``customer`` (first person) or ``agent`` (a service desk's note).
        """
        planted: list[PlantedData] = []
        roll = rng.random()
        if roll < 0.04:
            text = to_fullwidth(text)
        elif roll < 0.14:
            text = to_halfwidth_punct(text)
        if rng.random() < html_p:
            text = _htmlify(rng, text)
        for p, maker in ((look_p, "look"), (pii_p, "pii")):
            if rng.random() < p:
                item = (
                    self.lookalike(rng, when, sku, price, version)
                    if maker == "look"
                    else self.personal(rng, region)
                )
                planted.append(item)
                sentence = self._sentence(rng, item, voice)
                if rng.random() >= prepend_p:
                    text = text + _separator(rng, text) + sentence
                else:
                    text = sentence + rng.choice(("，", "。", " ")) + text
        if rng.random() < url_p:
            text += " " + _url(rng)
        if rng.random() < 0.02:
            text = rng.choice((" ", "  ", "\t")) + text + rng.choice(("", " ", "  "))
        return text, planted


_CLOSING = (*tuple("。！？!?～~…；，,."), "\n")


def _separator(rng: Random, text: str) -> str:
    """What goes between a text and an appended sentence: nothing after a full stop."""
    last = ord(text[-1]) if text else 0
    if (
        not text
        or text.endswith(_CLOSING)
        or last >= 0x1F000
        or 0x2600 <= last <= 0x27BF
        or (last == 0xFE0F)
    ):
        return rng.choice(("", "", " ", "\n"))
    return rng.choice(("，", "。", " ", "；", "\n"))


_FULLWIDTH = {
    c: chr(ord(c) + 0xFEE0)
    for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!?%"
}
_FULLWIDTH_TABLE = str.maketrans(_FULLWIDTH)
_HALFWIDTH_PUNCT = str.maketrans(
    {"，": ",", "！": "!", "？": "?", "：": ":", "；": ";", "（": "(", "）": ")"}
)


def to_fullwidth(text: str) -> str:
    """ASCII letters and digits as full-width forms (ＯＫ, １２３), as some IMEs type them."""
    return text.translate(_FULLWIDTH_TABLE)


def to_halfwidth_punct(text: str) -> str:
    """Chinese punctuation typed half-width (an English keyboard layout)."""
    return text.translate(_HALFWIDTH_PUNCT)


def _htmlify(rng: Random, text: str) -> str:
    """Fragments of HTML left by scrapers and rich-text editors."""
    if "\n" in text:
        return text.replace("\n", rng.choice(("<br>", "<br/>", "<br />")))
    roll = rng.random()
    if roll < 0.35:  # an ampersand, escaped by the scraper
        if "和" in text:
            return text.replace("和", "&amp;", 1)
        if "，" in text:
            return text.replace("，", " &amp; ", 1)
    if roll < 0.6 and "，" in text:
        return text.replace("，", rng.choice(("<br>", "<br/>", "&nbsp;")), 1)
    if roll < 0.8:
        return f"<p>{text}</p>"
    return text + rng.choice(("<br>", "&nbsp;", "<br/>"))


def _url(rng: Random) -> str:
    token = "".join(
        rng.choice("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        for _ in range(rng.randint(6, 10))
    )
    return rng.choice(
        (
            f"https://m.tb.cn/h.{token}",
            f"http://t.cn/{token}",
            f"https://v.douyin.com/{token}/",
            f"https://www.xiaohongshu.com/discovery/item/{token.lower()}",
            f"https://item.jd.com/{rng.randint(10**9, 10**10)}.html",
            f"https://weibo.com/{token}",
        )
    )


# --- scripts ---------------------------------------------------------------------------------

_BIG5_REPLACEMENTS = {"～": "~", "裏": "裡", "—": "－", "´": "'", "・": "·", "·": "．"}


class Scripts:
    """Traditional-script conversion (OpenCC) and Big5-safe text."""

    def __init__(self) -> None:
        self._converters = {name: opencc.OpenCC(name) for name in ("s2t", "s2tw", "s2hk")}
        self._big5_cache: dict[str, str] = {}

    def traditional(self, text: str, variant: str = "s2t") -> str:
        return self._converters[variant].convert(text)

    def big5_safe(self, text: str) -> str:
        """``text`` with every character Big5 cannot encode replaced or dropped."""
        try:
            text.encode("big5")
            return text
        except UnicodeEncodeError:
            pass
        out = []
        for ch in text:
            rep = self._big5_cache.get(ch)
            if rep is None:
                rep = ch
                for candidate in (ch, _BIG5_REPLACEMENTS.get(ch, "")):
                    try:
                        candidate.encode("big5")
                        rep = candidate
                        break
                    except UnicodeEncodeError:
                        rep = ""
                self._big5_cache[ch] = rep
            out.append(rep)
        return "".join(out)


def has_han(text: str) -> bool:
    return any("\u4e00" <= c <= "\u9fff" or "\u3400" <= c <= "\u4dbf" for c in text)


def script_of(original: str, delivered: str, converted: bool) -> str:
    """``hant`` when conversion changed at least one character, ``none`` without Han."""
    if not has_han(delivered):
        return "none"
    return "hant" if converted and delivered != original else "hans"


# --- timestamps ------------------------------------------------------------------------------

UTC_OFFSET = timedelta(hours=8)  # Asia/Shanghai (and Taipei, Hong Kong): no DST


def format_iso(dt: datetime, mode: str, rng: Random) -> str:
    """ISO 8601 for JSON sources: ``offset`` (+08:00), ``z`` (UTC), ``ms`` or ``naive``."""
    if mode == "z":
        return (dt - UTC_OFFSET).strftime("%Y-%m-%dT%H:%M:%SZ")
    if mode == "ms":
        return dt.strftime("%Y-%m-%dT%H:%M:%S") + f".{rng.randint(0, 999):03d}+08:00"
    if mode == "naive":
        return dt.strftime("%Y-%m-%d %H:%M:%S")
    return dt.strftime("%Y-%m-%dT%H:%M:%S+08:00")


#: Naive layouts used for CSV files (a subset of NAIVE_TIMESTAMP_FORMATS that keeps the time).
CSV_LAYOUTS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
)
DATE_LAYOUTS = ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d")


# --- defects ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DefectRule:
    """Where a source can be broken: the fields each reason code applies to."""

    not_null: tuple[str, ...]
    timestamp: str | None = None
    date: str | None = None
    number: str | None = None  # integer field with a range (or amount)
    enum: str | None = None
    bad_enum_values: tuple[str, ...] = ()


DEFECT_RULES: dict[str, DefectRule] = {
    "survey": DefectRule(
        ("response_id", "customer_id", "survey_type", "submitted_at"),
        timestamp="submitted_at",
        number="score",
        enum="survey_type",
        bad_enum_values=("nps_v2", "sus", "kano", "star", "csat5"),
    ),
    "app_review": DefectRule(
        ("review_id", "platform", "rating", "created_at"), timestamp="created_at", number="rating"
    ),
    "ecommerce_review": DefectRule(
        ("review_id", "platform", "store_id", "sku", "reviewer_id", "rating", "created_at"),
        timestamp="created_at",
        number="rating",
    ),
    "social": DefectRule(
        ("post_id", "platform", "author_id", "created_at"), timestamp="created_at"
    ),
    "support_ticket": DefectRule(
        ("ticket_id", "contact_channel", "opened_at", "category"), timestamp="opened_at"
    ),
    "store_card": DefectRule(
        ("card_id", "store_id", "visit_date", "rating"), date="visit_date", number="rating"
    ),
    "crm_customer": DefectRule(
        ("customer_id", "registered_at"), timestamp="registered_at", number="birth_year"
    ),
    "order": DefectRule(
        ("order_id", "customer_id", "ordered_at", "amount", "status"),
        timestamp="ordered_at",
        number="amount",
        enum="status",
        bad_enum_values=("shipped", "pending", "已付款", "closed", "待发货"),
    ),
}

#: Bad scores and ratings; all encodable in Big5 too (they land in Taiwan store cards).
_BAD_NUMBERS = ("五星", "九分", "三分", "x", "五", "4星", "★★★★★", "ten", "5+", "?")
_BAD_YEARS = ("一九八八", "88年", "198O", "unknown", "八零后")
_BAD_AMOUNTS = ("待定", "12O.50", "¥", "三百", "1,2,3", "免费")
_BAD_TIMESTAMPS = (
    "昨天 14:32",
    "{y}年{m}月{d}日 下午3点",
    "{d2}/{m2}/{y} 10:22",
    "{y}-13-{d2} 10:00:00",
    "{y}-02-30 09:15:00",
    "{y}-{m2}-{d2} 25:10:00",
    "1715000000",
    "上周六",
    "{y}.{m2}.{d2} 18:20",
    "刚刚",
)
_BAD_DATES = ("{y}-02-30", "{d2}/{m2}/{y}", "上周六", "{y}.{m2}.{d2}", "{m}月{d}日", "{y}-13-01")


def _out_of_range(field: str, values: dict) -> str:
    if field == "score":
        _, high = SURVEY_SCORE_RANGES.get(str(values.get("survey_type")), (0, 10))
        return str(high + 1)
    if field == "birth_year":
        return "1880"
    return "6"


class DefectPlanter:
    """Breaks about ``rate`` of rows, each in exactly one way, and says how.

    Every reason code that applies to a source is planted at least once (early on), so even
    a tiny sample exercises every quarantine rule.
    """

    #: Rows between two guaranteed defects while some reason is still owed.
    OWED_SPACING = 7

    def __init__(self, rng: Random, rate: float):
        self.rng = rng
        self.rate = rate
        self._owed: dict[str, list[str]] = {}
        self._rows: dict[str, int] = {}

    def draw(self, source: str, file_format: str) -> str | None:
        """The reason code to plant in the next row, or None for a good row."""
        if source not in DEFECT_RULES:
            return None
        options = self._options(source, file_format)
        if source not in self._owed:
            self._owed[source] = [reason for reason, _ in options]
        self._rows[source] = self._rows.get(source, 0) + 1
        if self._owed[source] and self._rows[source] % self.OWED_SPACING == 0:
            return self._owed[source].pop(0)
        if self.rng.random() >= self.rate:
            return None
        total = sum(w for _, w in options)
        roll = self.rng.random() * total
        chosen = options[-1][0]
        for reason, weight in options:
            roll -= weight
            if roll <= 0:
                chosen = reason
                break
        if chosen in self._owed[source]:
            self._owed[source].remove(chosen)
        return chosen

    @staticmethod
    def _options(source: str, file_format: str) -> list[tuple[str, float]]:
        rule = DEFECT_RULES[source]
        options: list[tuple[str, float]] = [
            (Reason.MALFORMED_JSON if file_format == "jsonl" else Reason.MALFORMED_ROW, 2.5),
            (Reason.MISSING_REQUIRED_VALUE, 2.0),
        ]
        if rule.timestamp or rule.date:
            options += [(Reason.INVALID_TIMESTAMP, 2.0), (Reason.FUTURE_TIMESTAMP, 1.0)]
        if rule.number:
            options.append((Reason.INVALID_NUMBER, 1.5))
            if rule.number != "amount":
                options.append((Reason.OUT_OF_RANGE, 1.5))
        if rule.enum:
            options.append((Reason.UNKNOWN_ENUM, 1.2))
        return options

    def apply_value_defect(
        self,
        source: str,
        reason: str,
        values: dict,
        when: datetime,
        ts_format,
    ) -> str:
        """Change one value of a formatted row so it breaks ``reason``; return the field name.

        ``values`` holds the row as delivered (strings, or JSON values); ``ts_format``
        renders a datetime the way this file does (for future timestamps).
        """
        rng = self.rng
        rule = DEFECT_RULES[source]
        y, m, d = when.year, when.month, when.day
        fill = {"y": y, "m": m, "d": d, "m2": f"{m:02d}", "d2": f"{d:02d}"}
        if reason == Reason.MISSING_REQUIRED_VALUE:
            field = rng.choice(rule.not_null)
            values[field] = rng.choice(("", "", " ")) if rng.random() < 0.8 else None
            return field
        if reason == Reason.INVALID_TIMESTAMP:
            if rule.date:
                values[rule.date] = rng.choice(_BAD_DATES).format(**fill)
                return rule.date
            values[rule.timestamp] = rng.choice(_BAD_TIMESTAMPS).format(**fill)
            return rule.timestamp
        if reason == Reason.FUTURE_TIMESTAMP:
            future = when.replace(year=2099 if not (m == 2 and d == 29) else 2096)
            if rule.date:
                values[rule.date] = future.strftime("%Y-%m-%d")
                return rule.date
            values[rule.timestamp] = ts_format(future)
            return rule.timestamp
        if reason == Reason.INVALID_NUMBER:
            bad = {"amount": _BAD_AMOUNTS, "birth_year": _BAD_YEARS}.get(rule.number, _BAD_NUMBERS)
            values[rule.number] = rng.choice(bad)
            return rule.number
        if reason == Reason.OUT_OF_RANGE:
            value = _out_of_range(rule.number, values)
            if rule.number == "rating":
                value = rng.choice(("6", "0", "10", "-1"))
            values[rule.number] = value if isinstance(values.get(rule.number), str) else int(value)
            return rule.number
        if reason == Reason.UNKNOWN_ENUM:
            values[rule.enum] = rng.choice(rule.bad_enum_values)
            return rule.enum
        raise ValueError(f"not a value defect: {reason}")

    def malformed_json(self, line: str) -> str:
        """A JSON line broken the ways real feeds break them."""
        rng = self.rng
        roll = rng.random()
        if roll < 0.4:
            broken = line[: max(5, int(len(line) * rng.uniform(0.3, 0.9)))]
        elif roll < 0.6:
            broken = line[:-1] + ",}"
        elif roll < 0.8:
            broken = line.replace('": "', "': '", 2).replace('{"', "{'", 1)
        else:
            idx = line.find('"content": "')
            broken = (line[: idx + 14] + '"' + line[idx + 14 :]) if idx >= 0 else line[:-2]
        try:
            json.loads(broken)
        except json.JSONDecodeError:
            return broken
        return line[: len(line) // 2]

    def malformed_csv_fields(self, fields: list[str]) -> list[str]:
        """A record with the wrong number of fields: an unquoted comma, or a cut-off row."""
        rng = self.rng
        clean = [
            f.replace('"', "").replace("\n", " ").replace("\r", " ").replace(",", "，")
            for f in fields
        ]
        if rng.random() < 0.6:
            i = max(range(len(clean)), key=lambda k: len(clean[k]))
            text = clean[i] or "备注"
            cut = max(1, len(text) // 2)
            return [*clean[:i], text[:cut], text[cut:] or "x", *clean[i + 1 :]]
        keep = rng.randint(2, max(2, len(clean) - 1))
        return clean[:keep]
