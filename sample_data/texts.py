"""Compose feedback texts from aspects: which topics a customer talks about, and how they feel.

The caller decides the *experience* (a list of ``Aspect``: topic + polarity, the first is the
main one); this module turns it into words in the style of a channel and reports what the
text really expresses (the ground truth). The overall sentiment is the main aspect's polarity
(or the first non-neutral one); in a contrast the clause carrying it is put where a Chinese
reader takes the conclusion from ("虽然 A，但是 B" -> B; "A，就是 B" -> A).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from random import Random

from sample_data import phrases as P
from sample_data import styles as S
from sample_data.phrases import NEGATIVE, NEUTRAL, POSITIVE
from sample_data.template import compile_pool, pick, render


@dataclass(frozen=True)
class Aspect:
    """One thing a text says: a topic and how the customer feels about it."""

    topic: str
    polarity: str


@dataclass(frozen=True)
class Composed:
    """A text and what it expresses."""

    text: str
    sentiment: str
    aspects: tuple[Aspect, ...]


@dataclass(frozen=True)
class TextContext:
    """Facts a text may mention: the product bought, the store, the channel."""

    product_name: str
    product_category: str
    price: str
    store_name: str
    city: str
    platform_name: str
    app_version: str
    order_no: str  # "" -> a marketplace-style number is made up if the text needs one
    day: date


def overall_polarity(aspects: Sequence[Aspect]) -> str:
    """The main aspect's polarity, or the first non-neutral one, or neutral."""
    if not aspects:
        return NEUTRAL
    if aspects[0].polarity != NEUTRAL:
        return aspects[0].polarity
    for aspect in aspects[1:]:
        if aspect.polarity != NEUTRAL:
            return aspect.polarity
    return NEUTRAL


BRAND = "禾光"
APP_NAMES = ("禾光智家", "禾光智家APP", "APP", "app", "这个app", "这个软件", "禾光App")
DAYS = (
    "两天",
    "三天",
    "3天",
    "五天",
    "5天",
    "一个礼拜",
    "一周",
    "半个月",
    "十来天",
    "7天",
    "四天",
    "好几天",
    "一个多星期",
    "十天",
)
HOURS = ("两个小时", "半小时", "40分钟", "一个多小时", "三个小时", "大半天", "二十分钟", "1个小时")
STAFF = ("店员", "导购", "小姐姐", "小哥", "店长", "小王", "小李", "王姐", "陈经理", "销售小哥")
COURIERS = ("顺丰", "京东快递", "中通", "圆通", "韵达", "申通", "极兔", "EMS", "德邦")
EMOJI = {
    POSITIVE: ("😊", "👍", "❤️", "🥰", "😍", "✨", "💯", "🎉", "😄", "👏", "🌟"),
    NEGATIVE: ("😡", "😤", "💔", "🙄", "😭", "😓", "👎", "🤬", "😒", "😩"),
    NEUTRAL: ("🤔", "😐", "😶", "🙃", "😅"),
}
ENGLISH_TAILS = {
    POSITIVE: ("love it", "nice", "good job", "perfect", "so good", "recommend"),
    NEGATIVE: ("so disappointed", "terrible", "never again", "what the hell", "bad"),
    NEUTRAL: ("so so", "anyway", "just ok", "btw"),
}
END_PUNCT = {
    POSITIVE: ("", "。", "！", "!", "～", "~", "！！", "。"),
    NEGATIVE: ("", "。", "！", "!!!", "…", "。。。", "！"),
    NEUTRAL: ("", "。", "…", "～", "。"),
}
_CLOSERS = tuple("。！？!?～~…")
_REPORTING_VERBS = ("反映", "称", "表示", "咨询", "反馈", "表扬", "询问")
SAME_JOINERS = ("，", "，", "，", "，", "，", "，", "，而且", "，另外", "。", "；", " ", "，还有")

#: Contrast forms: (template with {main} and {minor}, main polarity it suits or None for any).
CONTRASTS_MAIN_LAST = (
    "虽然{minor}，但是{main}",
    "{minor}，但是{main}",
    "{minor}，不过{main}",
    "{minor}，可是{main}",
    "虽说{minor}，[不过|但]{main}",
    "{minor}。但{main}",
)
CONTRAST_MAIN_FIRST = {
    POSITIVE: (
        "{main}，就是{minor}",
        "{main}，唯一的[缺点|不足]是{minor}",
        "{main}，美中不足的是{minor}",
        "{main}，只是{minor}",
    ),
    NEGATIVE: ("{main}，也就{minor}", "{main}，唯一的优点是{minor}", "{main}，[虽然|尽管]{minor}"),
}


def _compile_nested(pools: dict) -> dict:
    return {k: compile_pool(v) for k, v in pools.items()}


class TextComposer:
    """Builds texts for every channel; one instance per generation run (pools compiled once)."""

    def __init__(self) -> None:
        self.topic_pools = {t: _compile_nested(p) for t, p in P.TOPIC_PHRASES.items()}
        # The minor side of a contrast must be softenable ("有点慢"): templates with {deg}.
        self.mild_pools = {
            t: {pol: compile_pool([x for x in p if "{deg}" in x]) for pol, p in pools.items()}
            for t, pools in P.TOPIC_PHRASES.items()
        }
        self.good = _compile_nested(P.PRODUCT_GOOD)
        self.defect = _compile_nested(P.PRODUCT_DEFECT)
        self.irony_frames = compile_pool(P.IRONY_FRAMES)
        self.ecom_openers = _compile_nested(S.ECOMMERCE_OPENERS)
        self.ecom_closers = _compile_nested(S.ECOMMERCE_CLOSERS)
        self.followups = compile_pool(S.FOLLOWUP_PREFIXES)
        self.app_openers = _compile_nested(S.APP_OPENERS)
        self.app_closers = _compile_nested(S.APP_CLOSERS)
        self.app_titles = _compile_nested(S.APP_TITLES)
        self.social_openers = _compile_nested(S.SOCIAL_OPENERS)
        self.social_closers = _compile_nested(S.SOCIAL_CLOSERS)
        self.hashtags = _compile_nested(S.HASHTAGS)
        self.mentions = compile_pool(S.MENTIONS)
        self.ticket_intros = _compile_nested(S.TICKET_INTROS)
        self.ticket_demands = _compile_nested(S.TICKET_DEMANDS)
        self.ticket_notes = compile_pool(S.TICKET_NOTES)
        self.ticket_inquiries = compile_pool(S.TICKET_INQUIRIES)
        self.card_extras = _compile_nested(S.STORE_CARD_EXTRAS)
        self.survey_extras = _compile_nested(S.SURVEY_EXTRAS)
        self.story_context = _compile_nested(S.STORY_CONTEXT)
        self.story_episodes = {t: _compile_nested(p) for t, p in S.STORY_EPISODES.items()}
        self.story_details = {t: _compile_nested(p) for t, p in S.STORY_DETAILS.items()}
        self.story_escalations = compile_pool(S.STORY_ESCALATIONS)
        self.story_preambles = _compile_nested(S.STORY_PREAMBLES)
        self.story_evidence = compile_pool(S.STORY_EVIDENCE)
        self.story_feelings = _compile_nested(S.STORY_FEELINGS)
        self.story_demands = _compile_nested(S.STORY_DEMANDS)
        self.contrast_last = compile_pool(CONTRASTS_MAIN_LAST)
        self.contrast_first = _compile_nested(CONTRAST_MAIN_FIRST)

    # -- slots -------------------------------------------------------------------------

    def _slots(self, rng: Random, ctx: TextContext) -> dict:
        category = ctx.product_category
        slots: dict = {
            "deg": P.DEGREE[(POSITIVE, "strong")],
            "product": ctx.product_name,
            "nd": DAYS,
            "nh": HOURS,
            "courier": COURIERS,
            "city": ctx.city,
            "staff": STAFF,
            "app": APP_NAMES,
            "version": ctx.app_version,
            "price": ctx.price,
            "platform": ctx.platform_name,
            "brand": BRAND,
            "feature": P.FEATURES,
            "store": ctx.store_name,
            "order_no": ctx.order_no
            or (lambda r: f"{ctx.day:%Y%m%d}{r.randint(0, 10**12 - 1):012d}"),
        }
        good, defect = self.good[category], self.defect[category]
        slots["good"] = lambda r: render(r.choice(good), r, slots)
        slots["good2"] = slots["good"]
        slots["defect"] = lambda r: render(r.choice(defect), r, slots)
        slots["defect2"] = slots["defect"]
        return slots

    # -- clauses -----------------------------------------------------------------------

    def clause(self, rng: Random, slots: dict, aspect: Aspect, strength: str = "strong") -> str:
        """One clause about one aspect (``weak``: softened, for the minor side of a contrast)."""
        pool = self.topic_pools[aspect.topic][aspect.polarity]
        if strength == "weak" and self.mild_pools[aspect.topic][aspect.polarity]:
            pool = self.mild_pools[aspect.topic][aspect.polarity]
        if aspect.polarity != NEUTRAL:
            slots["deg"] = P.DEGREE[(aspect.polarity, strength)]
        return pick(pool, rng, slots)

    def irony(self, rng: Random, slots: dict, topic: str) -> str:
        """A sarcastic clause: praise words, negative facts."""
        q, qq = rng.choice(P.IRONY_QUOTES)
        facts = P.IRONY_FACTS.get(topic) or P.IRONY_FACTS["product_quality"]
        frame_slots = {**slots, "q": q, "qq": qq, "fact": facts}
        return render(rng.choice(self.irony_frames), rng, frame_slots)

    def body(
        self, rng: Random, slots: dict, aspects: Sequence[Aspect], irony_p: float = 0.0
    ) -> str:
        """The clauses of a normal-length text, contrast-aware."""
        overall = overall_polarity(aspects)
        if overall == NEGATIVE and rng.random() < irony_p and aspects[0].topic in P.IRONY_FACTS:
            first = self.irony(rng, slots, aspects[0].topic)
            rest = [self.clause(rng, slots, a) for a in aspects[1:] if a.polarity == NEGATIVE]
            return self._join_same(rng, [first, *rest])
        opposite = POSITIVE if overall == NEGATIVE else NEGATIVE
        minors = [a for a in aspects if a.polarity == opposite]
        majors = [a for a in aspects if a.polarity != opposite]
        if not minors or overall == NEUTRAL:
            parts = [self.clause(rng, slots, a) for a in aspects]
            if len(parts) > 1 and rng.random() < 0.5:
                parts = [parts[0], *rng.sample(parts[1:], len(parts) - 1)]
            return self._join_same(rng, parts)
        main = self._join_same(rng, [self.clause(rng, slots, a) for a in majors])
        minor = self._join_same(rng, [self.clause(rng, slots, a, "weak") for a in minors])
        if overall in self.contrast_first and rng.random() < 0.45:
            frame = rng.choice(self.contrast_first[overall])
        else:
            frame = rng.choice(self.contrast_last)
        return render(frame, rng, {"main": main, "minor": minor})

    @staticmethod
    def _join_same(rng: Random, parts: Sequence[str]) -> str:
        out = parts[0]
        for part in parts[1:]:
            out += rng.choice(SAME_JOINERS) + part
        return out

    @staticmethod
    def _end(rng: Random, polarity: str, text: str = "") -> str:
        """Closing punctuation, unless ``text`` already ends with some."""
        if text.endswith(_CLOSERS):
            return ""
        return rng.choice(END_PUNCT[polarity])

    def _decorate(
        self, rng: Random, text: str, polarity: str, emoji_p: float, english_p: float
    ) -> str:
        if rng.random() < english_p:
            sep = " " if text.endswith(_CLOSERS) else rng.choice(("，", " ", "。"))
            text += sep + rng.choice(ENGLISH_TAILS[polarity])
        if rng.random() < emoji_p:
            emoji = rng.choice(EMOJI[polarity]) * rng.choice((1, 1, 1, 2, 3))
            text = text + emoji if rng.random() < 0.8 else emoji + text
        return text

    # -- long stories ------------------------------------------------------------------

    def story(self, rng: Random, slots: dict, aspects: Sequence[Aspect]) -> str:
        """A long first-person account with one episode per aspect.

        Most run 100-300 characters; an "epic" one (every detail, a chain of escalations,
        evidence) runs 300-600, like the complaints people post after weeks of back and forth.
        """
        overall = overall_polarity(aspects)
        epic = overall == NEGATIVE and rng.random() < 0.3
        topics = {a.topic for a in aspects}
        contexts = self.story_context["any"]
        if topics & {"logistics", "app_experience"}:
            contexts = contexts + self.story_context["online"]
        elif "store_environment" in topics:
            contexts = contexts + self.story_context["store"]
        else:
            contexts = contexts + self.story_context["online"] + self.story_context["store"]
        segments = [pick(contexts, rng, slots)]
        if overall in self.story_preambles and (epic or rng.random() < 0.35):
            segments[0] = pick(self.story_preambles[overall], rng, slots) + segments[0]
        previous = None
        for aspect in aspects:
            pools = self.story_episodes.get(aspect.topic, {})
            if aspect.polarity in pools:
                episode = pick(pools[aspect.polarity], rng, slots)
            else:
                episode = self.clause(rng, slots, aspect) + "。"
            if previous is not None and aspect.polarity != previous and aspect.polarity != NEUTRAL:
                episode = rng.choice(("可是", "但是", "没想到", "结果", "不过")) + episode
            previous = aspect.polarity
            details = self.story_details.get(aspect.topic, {}).get(aspect.polarity)
            if details and (epic or rng.random() < 0.7):
                for detail in rng.sample(details, min(len(details), 2 if epic else 1)):
                    episode += render(detail, rng, slots)
            segments.append(episode)
        if overall == NEGATIVE:
            count = rng.choice((2, 3)) if epic else rng.choice((0, 1, 1, 2))
            for escalation in rng.sample(self.story_escalations, count):
                segments.append(render(escalation, rng, slots))
            if epic or rng.random() < 0.3:
                segments.append(pick(self.story_evidence, rng, slots))
        feeling_pol = overall if overall in self.story_feelings else None
        if feeling_pol:
            segments.append(pick(self.story_feelings[feeling_pol], rng, slots))
            if epic or rng.random() < 0.7:
                segments.append(pick(self.story_demands[feeling_pol], rng, slots))
        out = segments[0]
        for seg in segments[1:]:
            out += ("\n" if rng.random() < 0.25 else "") + seg
        return out

    # -- channels ----------------------------------------------------------------------

    def compose(
        self,
        rng: Random,
        source: str,
        aspects: Sequence[Aspect],
        ctx: TextContext,
        extra: dict | None = None,
    ) -> Composed:
        """A text in the style of ``source`` expressing ``aspects``.

        ``extra`` adds slot values (e.g. ``contact_channel`` for a ticket's opening words).
        """
        slots = self._slots(rng, ctx)
        if extra:
            slots.update(extra)
        method = getattr(self, "_" + source)
        return method(rng, slots, list(aspects))

    def _short(self, rng: Random, polarity: str) -> Composed:
        return Composed(rng.choice(P.SHORT_TEXTS[polarity]), polarity, (Aspect("other", polarity),))

    def _finish(self, text: str, aspects: Sequence[Aspect]) -> Composed:
        return Composed(text, overall_polarity(aspects), tuple(aspects))

    def _ecommerce_review(self, rng: Random, slots: dict, aspects: list[Aspect]) -> Composed:
        overall = overall_polarity(aspects)
        roll = rng.random()
        if roll < 0.04:
            return self._short(rng, overall)
        if roll < 0.08 and overall != NEUTRAL and len(aspects) > 1:
            text = self.story(rng, slots, aspects)
            return self._finish(text, aspects)
        text = self.body(rng, slots, aspects, irony_p=0.08)
        if rng.random() < 0.35:
            openers = self.ecom_openers["any"] + self.ecom_openers[overall]
            text = pick(openers, rng, slots) + text
        text += self._end(rng, overall, text)
        if rng.random() < 0.4:
            closer = pick(self.ecom_closers[overall], rng, slots)
            text += closer + self._end(rng, overall, closer)
        return self._finish(self._decorate(rng, text, overall, 0.15, 0.02), aspects)

    def followup_prefix(self, rng: Random) -> str:
        """Marker of a follow-up review (追评)."""
        return pick(self.followups, rng, {})

    def _app_review(self, rng: Random, slots: dict, aspects: list[Aspect]) -> Composed:
        overall = overall_polarity(aspects)
        roll = rng.random()
        if roll < 0.04:
            return self._short(rng, overall)
        if roll < 0.07 and overall == NEGATIVE:
            return self._finish(self.story(rng, slots, aspects), aspects)
        text = self.body(rng, slots, aspects, irony_p=0.06)
        if rng.random() < 0.3:
            openers = self.app_openers["any"] + self.app_openers[overall]
            text = pick(openers, rng, slots) + text
        text += self._end(rng, overall, text)
        if rng.random() < 0.35:
            closer = pick(self.app_closers[overall], rng, slots)
            text += closer + self._end(rng, overall, closer)
        return self._finish(self._decorate(rng, text, overall, 0.12, 0.03), aspects)

    def app_title(self, rng: Random, polarity: str) -> str:
        """The short title iOS reviews carry."""
        return pick(self.app_titles[polarity], rng, {})

    def _social(self, rng: Random, slots: dict, aspects: list[Aspect]) -> Composed:
        overall = overall_polarity(aspects)
        roll = rng.random()
        if roll < 0.02:
            return self._short(rng, overall)
        if roll < 0.10 and overall != NEUTRAL:
            text = self.story(rng, slots, aspects)
        else:
            text = self.body(rng, slots, aspects, irony_p=0.12)
            text += self._end(rng, overall, text)
        if rng.random() < 0.5:
            openers = self.social_openers["any"] + self.social_openers[overall]
            text = pick(openers, rng, slots) + text
        if rng.random() < 0.45:
            text += pick(self.social_closers[overall], rng, slots)
        text = self._decorate(rng, text, overall, 0.5, 0.05)
        if rng.random() < 0.55:
            tags = self.hashtags["any"] + self.hashtags[overall]
            chosen = [pick(tags, rng, slots) for _ in range(rng.choice((1, 1, 2, 3)))]
            joined = " ".join(dict.fromkeys(chosen))
            text = (joined + " " + text) if rng.random() < 0.3 else (text + " " + joined)
        if rng.random() < 0.2:
            text += " " + pick(self.mentions, rng, slots)
        return self._finish(text, aspects)

    def _support_ticket(self, rng: Random, slots: dict, aspects: list[Aspect]) -> Composed:
        overall = overall_polarity(aspects)
        channel = slots.get("contact_channel", "phone")
        if overall == NEGATIVE:
            intro = pick(self.ticket_intros[channel], rng, slots)
        else:
            intro = pick(self.ticket_intros[overall], rng, slots)
        if aspects[0].topic == "other" and overall == NEUTRAL:
            text = (
                pick(self.ticket_inquiries, rng, slots)
                + "，"
                + pick(self.ticket_demands[NEUTRAL], rng, slots)
                + "。"
            )
            return self._finish(text, aspects)
        if rng.random() < 0.15 and overall != NEUTRAL:
            body = self.story(rng, slots, aspects)
            body = _third_person(body)
            text = intro + "：\n" + body
        else:
            body = _third_person(self.body(rng, slots, aspects, irony_p=0.0))
            sep = "：" if intro.endswith(_REPORTING_VERBS) else "，"
            text = (intro + sep + body) if not intro.endswith("：") else intro + body
            text += "。"
        if rng.random() < 0.75:
            text += pick(self.ticket_demands[overall], rng, slots) + "。"
        if overall == NEGATIVE and rng.random() < 0.6:
            text += pick(self.ticket_notes, rng, slots) + "。"
        return self._finish(text, aspects)

    def _store_card(self, rng: Random, slots: dict, aspects: list[Aspect]) -> Composed:
        overall = overall_polarity(aspects)
        if rng.random() < 0.12:
            return self._short(rng, overall)
        parts = [self.clause(rng, slots, a) for a in aspects]
        joiner = rng.choice(("，", " ", "，", "。", ""))
        text = joiner.join(parts)
        if rng.random() < 0.3:
            text += rng.choice(("", "，", " ")) + pick(self.card_extras[overall], rng, slots)
        if rng.random() < 0.6:
            text += self._end(rng, overall, text)
        return self._finish(text, aspects)

    def _survey(self, rng: Random, slots: dict, aspects: list[Aspect]) -> Composed:
        overall = overall_polarity(aspects)
        roll = rng.random()
        if roll < 0.10:
            return self._short(rng, overall)
        if roll < 0.11 and overall == NEGATIVE:
            return self._finish(self.story(rng, slots, aspects), aspects)
        text = self.body(rng, slots, aspects[:2], irony_p=0.03)
        text += self._end(rng, overall, text)
        if rng.random() < 0.12:
            text += pick(self.survey_extras[overall], rng, slots)
        return self._finish(self._decorate(rng, text, overall, 0.04, 0.01), aspects[:2])


def _third_person(text: str) -> str:
    """First-person complaint -> agent's note about the customer."""
    return text.replace("我妈", "客户母亲").replace("我们", "客户").replace("我", "客户")
