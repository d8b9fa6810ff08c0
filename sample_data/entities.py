"""The world the feedback comes from: products, stores, customers and their orders.

Everything is drawn once, up front, from the run's RNG; feedback sources then refer to these
entities so that ids join across sources (an ecommerce review's ``order_id`` exists in
``order``, a survey's ``customer_id`` in ``crm_customer``). Orders are kept in numpy arrays
sorted by time, which keeps a few hundred thousand of them cheap.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cached_property
from random import Random

import numpy as np

# --- products --------------------------------------------------------------------------------

#: (category code, name, [(model, list price RMB)])
_CATALOG: tuple[tuple[str, str, tuple[tuple[str, int], ...]], ...] = (
    ("AF", "空气炸锅", (("AF220", 299), ("AF301", 399), ("AF502", 599))),
    ("RC", "电饭煲", (("RC30", 259), ("RC40M", 499), ("RC50 Pro", 1299))),
    ("RB", "扫地机器人", (("RB7", 1699), ("RB9", 2599), ("RB9 Max", 3999))),
    ("AP", "空气净化器", (("AP600", 999), ("AP800", 1899), ("AP900 Pro", 2999))),
    ("KT", "电水壶", (("KT15", 89), ("KT17S", 159))),
    ("BL", "破壁机", (("BL20", 459), ("BL36", 899))),
    ("HD", "吹风机", (("HD100", 199), ("HD300", 599), ("HD500", 899))),
    ("HM", "加湿器", (("HM40", 139), ("HM60", 329))),
    ("TB", "电动牙刷", (("TB1", 149), ("TB3", 399))),
    ("LP", "护眼台灯", (("LP12", 199), ("LP20", 459))),
    ("MT", "除螨仪", (("MT5", 329), ("MT8", 599))),
    ("CF", "咖啡机", (("CF10", 1199), ("CF30", 3299))),
    ("WP", "净水器", (("WP400", 1499), ("WP800", 2999))),
    ("FW", "洗地机", (("FW10", 1999), ("FW20", 3499))),
    ("ST", "挂烫机", (("ST18", 229), ("ST25", 499))),
    ("HT", "电暖器", (("HT20", 399), ("HT22", 799))),
    ("FN", "电风扇", (("FN10", 199), ("FN30", 499))),
)
_COLOURS = ("W", "BK", "GR")


@dataclass(frozen=True)
class Product:
    """One SKU: a model in a colour."""

    sku: str
    name: str
    category: str
    price: int


def build_products() -> list[Product]:
    """The catalogue, in a fixed order (cheap to expensive within a category)."""
    out: list[Product] = []
    for code, name, models in _CATALOG:
        for i, (model, price) in enumerate(models):
            colours = _COLOURS[: 1 + (i + len(code)) % 2]
            for colour in colours:
                sku = f"HG-{model.replace(' ', '')}-{colour}"
                out.append(Product(sku, name, code, price))
    return out


# --- stores ----------------------------------------------------------------------------------

_MAINLAND_STORES = (
    ("上海", "徐家汇店"),
    ("上海", "五角场店"),
    ("上海", "静安寺店"),
    ("北京", "三里屯店"),
    ("北京", "西单店"),
    ("北京", "望京店"),
    ("广州", "天河店"),
    ("广州", "北京路店"),
    ("深圳", "福田店"),
    ("深圳", "南山店"),
    ("杭州", "西湖店"),
    ("杭州", "滨江店"),
    ("南京", "新街口店"),
    ("成都", "春熙路店"),
    ("成都", "高新店"),
    ("武汉", "江汉路店"),
    ("武汉", "光谷店"),
    ("重庆", "解放碑店"),
    ("西安", "小寨店"),
    ("苏州", "观前街店"),
    ("天津", "滨江道店"),
    ("长沙", "五一广场店"),
    ("郑州", "二七店"),
    ("青岛", "台东店"),
    ("厦门", "中山路店"),
    ("沈阳", "中街店"),
    ("宁波", "天一广场店"),
    ("合肥", "淮河路店"),
    ("昆明", "南屏街店"),
    ("济南", "泉城路店"),
    ("福州", "东街口店"),
    ("大连", "西安路店"),
    ("无锡", "崇安寺店"),
    ("东莞", "东城店"),
    ("佛山", "祖庙店"),
    ("石家庄", "北国店"),
)
_TW_STORES = (("台北", "台北信义店"), ("台中", "台中中港店"), ("高雄", "高雄巨蛋店"))
_HK_STORES = (("香港", "铜锣湾店"), ("香港", "旺角店"))
_ONLINE_SHOPS = (
    ("tmall", "禾光官方旗舰店"),
    ("tmall", "禾光家电专卖店"),
    ("jd", "禾光京东自营旗舰店"),
    ("jd", "禾光电器专营店"),
    ("pinduoduo", "禾光官方旗舰店"),
    ("pinduoduo", "禾光品牌折扣店"),
    ("douyin_shop", "禾光官方旗舰店"),
    ("douyin_shop", "禾光直播精选店"),
)
PLATFORM_NAMES = {"tmall": "天猫", "jd": "京东", "pinduoduo": "拼多多", "douyin_shop": "抖音"}


@dataclass(frozen=True)
class Store:
    """A physical store (region cn/tw/hk) or a marketplace shop (region online)."""

    store_id: str
    name: str
    city: str
    region: str
    platform: str | None = None


def build_stores() -> list[Store]:
    """Physical stores S001.., then marketplace shops E01.."""
    stores: list[Store] = []
    n = 0
    for region, rows in (("cn", _MAINLAND_STORES), ("tw", _TW_STORES), ("hk", _HK_STORES)):
        for city, name in rows:
            n += 1
            stores.append(Store(f"S{n:03d}", name, city, region))
    for i, (platform, name) in enumerate(_ONLINE_SHOPS, start=1):
        stores.append(Store(f"E{i:02d}", name, "线上", "online", platform))
    return stores


# --- customers -------------------------------------------------------------------------------

_OTHER_CITIES = (
    "南昌",
    "太原",
    "南宁",
    "贵阳",
    "哈尔滨",
    "长春",
    "兰州",
    "温州",
    "常州",
    "珠海",
    "惠州",
    "绍兴",
    "烟台",
    "徐州",
    "泉州",
    "嘉兴",
    "扬州",
    "洛阳",
)
_EMAIL_DOMAINS = (
    "qq.com",
    "163.com",
    "126.com",
    "gmail.com",
    "outlook.com",
    "sina.com",
    "foxmail.com",
    "hotmail.com",
    "yahoo.com.tw",
    "icloud.com",
)
_SYLLABLES = (
    "zhang",
    "wang",
    "li",
    "liu",
    "chen",
    "yang",
    "huang",
    "zhao",
    "wu",
    "zhou",
    "xu",
    "sun",
    "ma",
    "hu",
    "guo",
    "lin",
    "he",
    "gao",
    "luo",
    "wei",
    "xiao",
    "ming",
    "hua",
    "jing",
    "ling",
    "yu",
    "fang",
    "tian",
    "lei",
    "jun",
    "hong",
    "xin",
    "yan",
    "qing",
)
TIERS = ("standard", "silver", "gold", "platinum")


class Customer:
    """One CRM customer and the latent traits that drive their behaviour."""

    __slots__ = (
        "aov",
        "birth_year",
        "churn_at",
        "city",
        "closed_at",
        "contact_change_at",
        "customer_id",
        "digital",
        "email",
        "fav_shop",
        "gender",
        "home_store",
        "idx",
        "mood",
        "order_rate",
        "penalty",
        "penalty_until",
        "phone",
        "region",
        "registered",
        "store_affinity",
        "tier",
        "upgrade_at",
    )

    def __init__(self, idx: int, customer_id: str):
        self.idx = idx
        self.customer_id = customer_id


def mainland_mobile(rng: Random) -> str:
    """A plausible mainland mobile number (11 digits)."""
    prefix = rng.choice(("13", "15", "18", "17", "19", "16", "14"))
    return prefix + str(rng.randint(0, 9)) + f"{rng.randint(0, 99_999_999):08d}"


def username(rng: Random) -> str:
    """An e-mail user name in pinyin with digits."""
    name = rng.choice(_SYLLABLES) + rng.choice(("", "_", ".", "")) + rng.choice(_SYLLABLES)
    if rng.random() < 0.7:
        name += str(rng.randint(1, 2005))
    return name


def email_address(rng: Random) -> str:
    return f"{username(rng)}@{rng.choice(_EMAIL_DOMAINS)}"


def _phone_for(rng: Random, region: str) -> str:
    if region == "tw":
        return f"09{rng.randint(0, 99_999_999):08d}"
    if region == "hk":
        return f"+852{rng.choice('569')}{rng.randint(0, 9_999_999):07d}"
    return mainland_mobile(rng)


@dataclass
class Window:
    """The generated period, in local (Asia/Shanghai) calendar days."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def start_dt(self) -> datetime:
        return datetime(self.start.year, self.start.month, self.start.day)

    def day(self, index: int) -> date:
        if 0 <= index < len(self._dates):
            return self._dates[index]
        return self.start + timedelta(days=index)

    @cached_property
    def _dates(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range(self.days)]

    def at(self, seconds: int) -> datetime:
        """Local time ``seconds`` after the window's first midnight."""
        return self.start_dt + timedelta(seconds=int(seconds))


def build_customers(rng: Random, n: int, window: Window, stores: list[Store]) -> list[Customer]:
    """Customers with registration dates, demographics and behaviour traits."""
    width = max(6, len(str(n)))
    physical = [s for s in stores if s.region != "online"]
    by_region: dict[str, list[int]] = {}
    for i, s in enumerate(stores):
        by_region.setdefault(s.region, []).append(i)
    by_city: dict[str, list[int]] = {}
    for i, s in enumerate(stores):
        if s.region == "cn":
            by_city.setdefault(s.city, []).append(i)
    cn_cities = [s.city for s in physical if s.region == "cn"] + list(_OTHER_CITIES)
    online_idx = by_region["online"]
    history_start = datetime(2019, 1, 1)
    window_seconds = window.days * 86400
    end_year = window.end.year
    customers: list[Customer] = []
    for i in range(n):
        c = Customer(i, f"C{i + 1:0{width}d}")
        roll = rng.random()
        c.region = "cn" if roll < 0.94 else ("tw" if roll < 0.98 else "hk")
        if c.region == "cn":
            c.city = rng.choice(cn_cities)
            local = by_city.get(c.city)
            c.home_store = rng.choice(local) if local else rng.choice(by_region["cn"])
        else:
            c.home_store = rng.choice(by_region[c.region])
            c.city = stores[c.home_store].city
        if rng.random() < 0.7:
            span = (window.start_dt - history_start).total_seconds()
            c.registered = history_start + timedelta(seconds=int(rng.random() * span))
        else:
            c.registered = window.start_dt + timedelta(seconds=int(rng.random() * window_seconds))
        age_roll = rng.random()
        age = (
            rng.randint(18, 29)
            if age_roll < 0.3
            else rng.randint(30, 44)
            if age_roll < 0.7
            else rng.randint(45, 64)
            if age_roll < 0.95
            else rng.randint(65, 80)
        )
        c.birth_year = None if rng.random() < 0.04 else end_year - age
        c.gender = "F" if rng.random() < 0.55 else ("M" if rng.random() < 0.95 else "")
        tier_roll = rng.random()
        tier = 0 if tier_roll < 0.55 else 1 if tier_roll < 0.8 else 2 if tier_roll < 0.95 else 3
        c.tier = TIERS[tier]
        c.phone = _phone_for(rng, c.region)
        c.email = email_address(rng) if rng.random() < 0.6 else ""
        age_factor = 1.25 if 35 <= age <= 55 else (0.8 if age < 26 else 1.0)
        c.aov = 420 * math.exp(rng.gauss(0, 0.55)) * (1 + 0.3 * tier) * age_factor
        c.order_rate = rng.gammavariate(1.3, 1.0) / 1.3 * (3.0 / 180) * (1 + 0.25 * tier)
        c.digital = min(0.95, max(0.05, 1.15 - age / 55 + rng.gauss(0, 0.1)))
        c.store_affinity = 0.85 if c.region != "cn" else min(0.9, max(0.05, rng.gauss(0.35, 0.15)))
        c.fav_shop = rng.choice(online_idx)
        c.mood = rng.gauss(0, 1)
        c.penalty, c.penalty_until = 0.0, -1  # a bad support case sours the mood for a while
        c.churn_at = None
        c.closed_at = None
        if rng.random() < 0.28:
            earliest = max(window.start_dt, c.registered + timedelta(days=20))
            span = (window.start_dt + timedelta(days=window.days) - earliest).total_seconds()
            if span > 86400:
                c.churn_at = earliest + timedelta(seconds=int(rng.random() * span))
                if rng.random() < 0.25:
                    closed = c.churn_at + timedelta(
                        days=rng.randint(10, 60), seconds=rng.randint(0, 86399)
                    )
                    if closed.date() <= window.end:
                        c.closed_at = closed
        c.upgrade_at = None
        if tier < 3 and rng.random() < 0.08:
            c.upgrade_at = window.start_dt + timedelta(seconds=int(rng.random() * window_seconds))
        c.contact_change_at = None
        if rng.random() < 0.04:
            offset = int(rng.random() * window_seconds)
            c.contact_change_at = window.start_dt + timedelta(seconds=offset)
        customers.append(c)
    return customers


def tier_at(c: Customer, when: datetime) -> str:
    """A customer's tier at a time (one upgrade at most)."""
    if c.upgrade_at is not None and when >= c.upgrade_at:
        return TIERS[min(3, TIERS.index(c.tier) + 1)]
    return c.tier


# --- orders ----------------------------------------------------------------------------------

STATUS_NAMES = ("paid", "refunded", "cancelled")
#: Relative order intensity by hour of day (online shoppers peak in the evening).
_ONLINE_HOURS = (2, 1, 1, 1, 1, 1, 2, 4, 6, 8, 9, 9, 10, 9, 8, 8, 8, 9, 10, 12, 14, 15, 12, 6)
_STORE_HOURS = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 6, 9, 10, 9, 9, 10, 10, 10, 11, 12, 11, 8, 3, 0)


def _cumulative(weights: tuple[int, ...]) -> list[float]:
    total = float(sum(weights))
    out, acc = [], 0.0
    for w in weights:
        acc += w / total
        out.append(acc)
    return out


ONLINE_HOUR_CDF = _cumulative(_ONLINE_HOURS)
STORE_HOUR_CDF = _cumulative(_STORE_HOURS)


def second_of_day(rng: Random, hour_cdf: list[float]) -> int:
    """A second within a day, following an hourly profile."""
    hour = min(23, bisect.bisect_left(hour_cdf, rng.random()))
    return hour * 3600 + rng.randint(0, 3599)


@dataclass
class OrderBook:
    """All orders, sorted by time; ``day_index[d]`` is the first order on day ``d``."""

    t: np.ndarray  # seconds after the window's first midnight
    cust: np.ndarray
    amount_cents: np.ndarray
    status: np.ndarray
    store: np.ndarray
    sku: np.ndarray
    seq: np.ndarray  # sequence number within the day, for the order id
    day_index: np.ndarray

    def __len__(self) -> int:
        return len(self.t)

    def order_id(self, i: int, window: Window) -> str:
        day = window.day(int(self.t[i]) // 86400)
        return f"O{day:%Y%m%d}{int(self.seq[i]):06d}"


def build_orders(
    rng: Random,
    customers: list[Customer],
    products: list[Product],
    stores: list[Store],
    window: Window,
) -> OrderBook:
    """Each customer orders as a Poisson process until they churn or close their account."""
    prices = [p.price for p in products]
    by_price = sorted(range(len(products)), key=lambda i: (prices[i], i))
    sorted_prices = [prices[i] for i in by_price]
    physical_by_region: dict[str, list[int]] = {}
    for i, s in enumerate(stores):
        if s.region != "online":
            physical_by_region.setdefault(s.region, []).append(i)
    horizon = window.days * 86400
    online = [i for i, s in enumerate(stores) if s.region == "online"]
    cols: list[list[int]] = [[], [], [], [], [], []]
    t_col, c_col, a_col, st_col, sh_col, sku_col = cols
    for c in customers:
        start = max(0.0, (c.registered - window.start_dt).total_seconds())
        stop = float(horizon)
        if c.churn_at is not None:
            stop = min(stop, (c.churn_at - window.start_dt).total_seconds())
        if c.closed_at is not None:
            stop = min(stop, (c.closed_at - window.start_dt).total_seconds())
        rate = c.order_rate / 86400.0
        times: list[float] = []
        if start > 0 and rng.random() < 0.7:
            times.append(start + rng.expovariate(1 / (3 * 86400)))
        t = start + rng.expovariate(rate) if rate > 0 else stop
        while t < stop:
            times.append(t)
            t += rng.expovariate(rate)
        for t in times:
            if t >= stop:
                continue
            in_store = rng.random() < c.store_affinity
            if in_store:
                region_stores = physical_by_region[c.region]
                shop = c.home_store if rng.random() < 0.85 else rng.choice(region_stores)
                hour_cdf = STORE_HOUR_CDF
            else:
                shop = c.fav_shop if rng.random() < 0.7 else rng.choice(online)
                hour_cdf = ONLINE_HOUR_CDF
            day = int(t // 86400)
            sec = day * 86400 + second_of_day(rng, hour_cdf)
            if sec <= start:  # ordered on the day they registered: after registering
                sec = min(horizon - 1, int(start) + rng.randint(60, 3600))
            target = c.aov * math.exp(rng.gauss(0, 0.35))
            pos = bisect.bisect_left(sorted_prices, target) + rng.randint(-2, 1)
            prod = by_price[min(len(by_price) - 1, max(0, pos))]
            qty = 1 if rng.random() < 0.9 else (2 if rng.random() < 0.9 else 3)
            discount = rng.choice((1.0, 1.0, 0.95, 0.9, 0.88, 0.85, 0.8))
            cents = round(prices[prod] * qty * discount * 100)
            if rng.random() < 0.25:
                cents -= rng.choice((500, 1000, 2000, 3000, 5000, 799, 1505))
            cents = max(990, cents)
            roll = rng.random()
            status = 0 if roll < 0.92 else (1 if roll < 0.97 else 2)
            t_col.append(sec)
            c_col.append(c.idx)
            a_col.append(cents)
            st_col.append(status)
            sh_col.append(shop)
            sku_col.append(prod)
    t_arr = np.array(t_col, dtype=np.int64)
    order = np.lexsort((np.array(c_col, dtype=np.int64), t_arr))
    t_arr = t_arr[order]
    days_arr = t_arr // 86400
    day_index = np.searchsorted(days_arr, np.arange(window.days + 1), side="left")
    seq = np.empty(len(t_arr), dtype=np.int64)
    for d in range(window.days):
        lo, hi = day_index[d], day_index[d + 1]
        seq[lo:hi] = np.arange(1, hi - lo + 1)
    return OrderBook(
        t=t_arr,
        cust=np.array(c_col, dtype=np.int64)[order],
        amount_cents=np.array(a_col, dtype=np.int64)[order],
        status=np.array(st_col, dtype=np.int8)[order],
        store=np.array(sh_col, dtype=np.int64)[order],
        sku=np.array(sku_col, dtype=np.int64)[order],
        seq=seq,
        day_index=day_index,
    )
