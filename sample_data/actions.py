"""Improvement actions and the experience model that makes some of them work.

How a customer feels about a topic is drawn here: a base negative share per topic, shifted
per channel (tickets are complaints, store cards are polite) and per customer (``mood``).
For a topic in an action's scope the negative share is the action's *planned* value instead:
before launch the ``before`` share, from launch day on the ``after`` share. Effective actions
plan a clear drop; ineffective ones plan the same share on both sides, so nothing changes.

A market-wide change (``MarketShift``) moves a topic's negative share everywhere, in every
channel and store, in and out of any action's scope, from its first day on. One coincides
with the launch of an ineffective action (A07, product quality on marketplace reviews): a
raw before/after in the action's scope sees a drop the action did not cause; a comparison
with the same topic outside the scope (difference in differences) does not.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from random import Random

from sample_data.phrases import NEGATIVE, NEUTRAL, POSITIVE


@dataclass(frozen=True)
class ImprovementAction:
    """One improvement that went live, with its planned effect."""

    action_id: str
    title: str
    topic: str
    launch_day: int  # index of the launch day in the window
    scope_channel: str  # a source name or "all"
    scope_store_id: str | None
    owner: str
    description: str
    effective: bool
    negative_before: float
    negative_after: float

    def in_scope(self, source: str, store_id: str | None) -> bool:
        if self.scope_channel not in ("all", source):
            return False
        return self.scope_store_id is None or store_id == self.scope_store_id


#: (id, title, topic, launch as share of the period, scope, store, owner, description,
#:  effective, negative share before, after)
_ACTION_PLAN = (
    (
        "A01",
        "更换快递合作方，主推顺丰次日达",
        "logistics",
        0.42,
        "ecommerce_review",
        None,
        "物流部",
        "线上订单默认改走顺丰，偏远地区加派京东物流，承诺48小时内发货。",
        True,
        0.45,
        0.20,
    ),
    (
        "A02",
        "APP 3.5.0：修复闪退并重做登录流程",
        "app_experience",
        0.50,
        "app_review",
        None,
        "APP产品组",
        "修复安卓与鸿蒙机型的启动闪退，登录改为一键登录，配网流程简化为三步。",
        True,
        0.55,
        0.25,
    ),
    (
        "A03",
        "客服服务标准升级与满意度回访",
        "service_attitude",
        0.46,
        "survey",
        None,
        "客服中心",
        "全员服务话术培训，首问负责制，差评48小时内回访。",
        True,
        0.45,
        0.15,
    ),
    (
        "A04",
        "会员价体系调整",
        "price",
        0.55,
        "all",
        None,
        "定价委员会",
        "银卡及以上会员全场9.5折，取消部分满减活动。",
        False,
        0.30,
        0.30,
    ),
    (
        "A05",
        "静安寺店体验区翻新",
        "store_environment",
        0.48,
        "store_card",
        "S003",
        "华东区门店运营",
        "更换展台与灯光，增加休息区。",
        False,
        0.25,
        0.25,
    ),
    (
        "A06",
        "退款审核自动化，极速退款",
        "process",
        0.52,
        "support_ticket",
        None,
        "售后服务部",
        "符合条件的退款申请自动审核，24小时内原路退回。",
        True,
        0.70,
        0.30,
    ),
    (
        "A07",
        "新品出厂质检流程升级",
        "product_quality",
        0.58,
        "ecommerce_review",
        None,
        "品控部",
        "新增整机老化测试与抽检比例。",
        False,
        0.22,
        0.22,
    ),
)

#: Evaluation window (days) on each side of a launch.
#: MARTS.md: before [L-28d, L), after [L, L+28d).
EFFECT_WINDOW_DAYS = 28


@dataclass(frozen=True)
class MarketShift:
    """A change in every channel and store: the topic's negative log-odds move by
    ``log_odds`` from ``first_day`` on (on top of any action's planned share)."""

    topic: str
    first_day: int
    log_odds: float
    coincides_with: str  # the action launched the same day
    description: str


#: (topic, action whose launch day it starts on, log-odds shift, description)
_MARKET_PLAN = (
    (
        "product_quality",
        "A07",
        -0.5,
        "上游面板供应商全行业换代，各渠道、各门店的质量投诉同时下降",
    ),
)


def plan_market_shifts(actions: list[ImprovementAction]) -> list[MarketShift]:
    """Market-wide changes, each starting on the launch day of the action it coincides with."""
    launch = {a.action_id: a.launch_day for a in actions}
    return [
        MarketShift(topic, launch[aid], shift, aid, desc)
        for topic, aid, shift, desc in _MARKET_PLAN
        if aid in launch
    ]


def plan_actions(days: int) -> list[ImprovementAction]:
    """Actions launched in the middle of the period, with 28 days on both sides when possible."""
    margin = min(EFFECT_WINDOW_DAYS, days // 2)
    out = []
    for aid, title, topic, share, scope, store, owner, desc, eff, before, after in _ACTION_PLAN:
        launch = min(max(round(share * days), margin), max(margin, days - margin))
        out.append(
            ImprovementAction(
                aid, title, topic, launch, scope, store, owner, desc, eff, before, after
            )
        )
    return out


BASE_NEGATIVE: dict[str, float] = {
    "product_quality": 0.25,
    "service_attitude": 0.30,
    "logistics": 0.30,
    "process": 0.40,
    "price": 0.30,
    "app_experience": 0.45,
    "store_environment": 0.22,
    "other": 0.22,
}
#: Log-odds shift of negativity per channel.
SOURCE_SHIFT: dict[str, float] = {
    "survey": 0.0,
    "app_review": 0.3,
    "ecommerce_review": -0.3,
    "social": 0.3,
    "support_ticket": 1.6,
    "store_card": -0.4,
}
#: Share of the non-negative remainder that is neutral, per channel.
NEUTRAL_SHARE: dict[str, float] = {
    "survey": 0.15,
    "app_review": 0.10,
    "ecommerce_review": 0.12,
    "social": 0.18,
    "support_ticket": 0.45,  # not a complaint: often an inquiry, sometimes praise
    "store_card": 0.12,
}
MOOD_WEIGHT = 0.5


def _logit(p: float) -> float:
    return math.log(p / (1 - p))


def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


class ExperienceModel:
    """Draws the polarity of one aspect of one feedback item."""

    def __init__(
        self, actions: list[ImprovementAction], market_shifts: list[MarketShift] | None = None
    ):
        self.by_topic: dict[str, list[ImprovementAction]] = {}
        for action in actions:
            self.by_topic.setdefault(action.topic, []).append(action)
        self.shifts: dict[str, list[MarketShift]] = {}
        for shift in market_shifts or ():
            self.shifts.setdefault(shift.topic, []).append(shift)

    def negative_share(self, source: str, topic: str, day: int, store_id: str | None) -> float:
        """Planned negative share for an average customer (mood 0), market shifts included."""
        share = _sigmoid(_logit(BASE_NEGATIVE[topic]) + SOURCE_SHIFT[source])
        for action in self.by_topic.get(topic, ()):
            if action.in_scope(source, store_id):
                share = action.negative_before if day < action.launch_day else action.negative_after
                break
        for shift in self.shifts.get(topic, ()):
            if day >= shift.first_day:
                share = _sigmoid(_logit(share) + shift.log_odds)
        return share

    def polarity(
        self,
        rng: Random,
        source: str,
        topic: str,
        day: int,
        store_id: str | None,
        mood: float = 0.0,
    ) -> str:
        p_neg = self.negative_share(source, topic, day, store_id)
        if mood:
            p_neg = _sigmoid(_logit(p_neg) - MOOD_WEIGHT * mood)
        roll = rng.random()
        if roll < p_neg:
            return NEGATIVE
        if roll < p_neg + (1 - p_neg) * NEUTRAL_SHARE[source]:
            return NEUTRAL
        return POSITIVE
