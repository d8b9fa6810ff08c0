"""Clause structure and sentiment features of one token list, shared by training and scoring.

One pass over the jieba tokens yields:

* clauses, split at punctuation, whitespace and contrast words (但是, 不过, 可是, 却 ...);
  ``、`` does not split, since in "物流、客服都很好" both nouns share the predicate;
* bag-of-words features per clause: unigrams and bigrams; a unigram or bigram ending inside a
  negation scope (up to three tokens after 不/没有/不是/一点也不 ..., ending at the clause end or
  after the first polarity word) is prefixed ``NOT_`` ("没有任何质量问题" is not "质量问题");
* lexicon evidence per clause from the hand-written polarity and emoji lists, scaled by degree
  adverbs (很, 非常, 有点 ...) and flipped by negation (damped more for negated positives:
  "不是很满意" is milder than "很不满意", while "没有异味" is plainly positive);
* clause weights for contrast: clauses before a contrast word count about a third, a concessive
  clause (虽然 ...) half, so "虽然…但是…" is decided by the part after 但是.

The model is linear, so a document's logit is a weighted sum over clauses, and the same weights
score a single clause for topic sentiment.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from text_analytics._resources import EMOJI, POLARITY, SERVICE_PHRASES, data_lines, weighted_words
from text_analytics.tokenize import is_word

NEGATORS = frozenset(
    {
        "不",
        "没",
        "没有",
        "无",
        "非",
        "未",
        "别",
        "不是",
        "并不",
        "并非",
        "并没有",
        "从不",
        "从未",
        "毫无",
        "绝不",
        "不太",
        "不怎么",
        "不够",
        "一点也不",
        "一点都不",
        "不算",
        "不会",
        "没什么",
        "谈不上",
        "算不上",
        "称不上",
        "不大",
        "木有",
        "没啥",
        "不怎么样",
    }
)
DEGREE = {
    "极其": 2.0,
    "极": 2.0,
    "最": 1.8,
    "超": 1.8,
    "超级": 1.8,
    "巨": 1.8,
    "太": 1.8,
    "非常": 1.8,
    "特别": 1.6,
    "十分": 1.6,
    "贼": 1.6,
    "真心": 1.3,
    "格外": 1.5,
    "极为": 1.8,
    "相当": 1.5,
    "很": 1.4,
    "真": 1.3,
    "真的": 1.3,
    "实在": 1.3,
    "挺": 1.2,
    "蛮": 1.2,
    "比较": 1.0,
    "较": 1.0,
    "还": 0.8,
    "还算": 0.8,
    "有点": 0.7,
    "有些": 0.7,
    "有一点": 0.6,
    "稍微": 0.5,
    "略": 0.5,
    "略微": 0.5,
}
#: Words that strengthen a negation right after them ("完全没有", "一点也不", "根本没"): in a
#: negated negative they belong to the negation, like the negator itself.
NEGATION_INTENSIFIERS = frozenset(
    {
        "完全",
        "一点",
        "一点儿",
        "也",
        "都",
        "根本",
        "丝毫",
        "压根",
        "绝对",
        "从来",
        "并",
        "毫",
        "半点",
    }
)
CONTRAST = frozenset({"但是", "但", "不过", "可是", "然而", "只是", "可惜", "却", "就是太"})
CONCESSIVE = frozenset({"虽然", "虽说", "尽管", "虽", "虽然说"})
#: Tokens that end a clause besides whitespace and punctuation (and contrast words).
BREAKS = frozenset('，,。.！!？?；;：:…~～()（）【】「」『』<>《》"“”‘’|/\\\n\r\t ')

NEGATION_SCOPE = 3
NEGATION_FACTOR = -0.6  # "不是很满意" is negative, but milder than "很不满意"
NEGATED_NEGATIVE_FACTOR = -1.0  # "没有异味", "不麻烦", "没刁难" are plainly positive
#: A negated negative ("不麻烦", "完全没有异味") records the negation's tokens (the negator, the
#: intensifiers just before it and the fillers between it and the negative word: "没有任何质量
#: 问题") as this one feature instead of their own: the corpora give 不/没/没有 and 没有 任何 a
#: strong negative weight ("没有任何效果"), which would otherwise cancel the flipped lexicon
#: word. The same for the intensifiers before a fused negated negative ("一点也不慢", "完全不卡";
#: ``fused_negated_negatives``).
#: Training keeps the feature out of the vocabulary (weight 0): the flipped lexicon word and the
#: ``NOT_`` features carry the meaning, the negation itself adds nothing.
NEGATED_NEGATIVE_FEATURE = "<NEGNEG>"
#: Negated negatives flip only from a plain negation (not the imperative 别: "别被忽悠") and only
#: words at least this negative (不一般 is not praise: "不是一般的差").
NO_FLIP_NEGATORS = frozenset({"别", "千万别", "不要"})
MIN_FLIP_POLARITY = -0.6
#: Tokens that may stand between a negator and the negative word it flips ("没有任何质量问题",
#: "没发现什么毛病", "不会有异味"). Any other token takes the negation for itself: in
#: "没解决问题" or "不给退款很麻烦" it is the verb that is negated and the negative word stays
#: negative. Degree adverbs are allowed too, and anything after 比 ("不比别家差").
NEGATION_FILLERS = frozenset(
    {
        "任何",
        "什么",
        "啥",
        "一点",
        "一点儿",
        "一丝",
        "半点",
        "丝毫",
        "那么",
        "这么",
        "多",
        "多大",
        "有",
        "出现",
        "出现过",
        "发现",
        "遇到",
        "遇到过",
        "碰到",
        "感到",
        "觉得",
        "感觉",
        "过",
        "的",
        "了",
        "会",
        "再",
        "也",
        "都",
        "质量",
        "明显",
        "大",
        "点",
        "一个",
        "任何的",
        "被",
    }
)
PRE_CONTRAST_WEIGHT = 0.35
CONCESSIVE_WEIGHT = 0.5
NOT_PREFIX = "NOT_"


#: Emoji evidence counts this many times its listed polarity. The corpora have almost no emoji, so
#: training cannot learn how much they say; in the chat, social and delivery feedback the
#: warehouse meets, a 😡 or 👍 usually is the opinion ("收到了😡").
EMOJI_WEIGHT = 3.0


@lru_cache(maxsize=1)
def lexicon() -> dict[str, float]:
    """Polarity of words and emoji (emoji entries win on clashes; see ``EMOJI_WEIGHT``)."""
    table = dict(weighted_words(POLARITY))
    table.update({e: v * EMOJI_WEIGHT for e, v in weighted_words(EMOJI).items()})
    return table


@lru_cache(maxsize=1)
def fused_negated_negatives() -> frozenset[str]:
    """Positive lexicon words that are a negator fused with a negative one (不慢, 不卡, 不差,
    没毛病): negation intensifiers right before them ("一点也不慢", "完全不卡") are part of the
    negation, like the negator of a separate negated negative."""
    table = lexicon()
    return frozenset(
        word
        for word, value in table.items()
        if value > 0
        and any(
            word.startswith(neg) and table.get(word[len(neg) :], 0.0) < 0
            for neg in ("不", "没", "没有", "无", "毫无")
        )
    )


# Token kinds; 0 (a plain word) is falsy so the hot loop can skip the role checks. ``extract``
# uses the literal numbers (a local constant is faster than a global lookup per token).
_WORD, _BREAK, _CONTRAST, _CONCESSIVE, _NEGATOR, _DEGREE, _POLARITY, _NEG_INTENSIFIER = range(8)


@lru_cache(maxsize=1)
def _roles() -> dict[str, tuple[int, float]]:
    """One lookup per token: its grammatical role and value (polarity wins over the rest,
    contrast over polarity, as in the order of the checks this replaces)."""
    roles: dict[str, tuple[int, float]] = {}
    for word in NEGATION_INTENSIFIERS:
        roles[word] = (_NEG_INTENSIFIER, 0.0)
    for word, scale in DEGREE.items():
        roles[word] = (_DEGREE, scale)
    for word in NEGATORS:
        roles[word] = (_NEGATOR, 0.0)
    for word, polarity in lexicon().items():
        roles[word] = (_POLARITY, polarity)
    for word in CONCESSIVE:
        roles[word] = (_CONCESSIVE, 0.0)
    for word in CONTRAST:
        roles[word] = (_CONTRAST, 0.0)
    for word in BREAKS:
        roles[word] = (_BREAK, 0.0)
    return roles


@dataclass(slots=True)
class Extracted:
    """Features of one text; clause-indexed lists all have ``n_clauses`` entries.

    ``feats``/``feat_clause`` are filled for training; when scoring, ``extract`` is given the
    model's weights and fills ``clause_sum`` (sum of weights per clause), ``clause_skip`` (the
    part of it from excluded features) and ``clause_count`` instead, without building strings
    it would only look up once.
    """

    words: list[str] = field(default_factory=list)
    feats: list[str] = field(default_factory=list)
    feat_clause: list[int] = field(default_factory=list)
    clause_words: list[list[str]] = field(default_factory=list)
    clause_weight: list[float] = field(default_factory=list)
    clause_pos: list[float] = field(default_factory=list)
    clause_neg: list[float] = field(default_factory=list)
    clause_sum: list[float] = field(default_factory=list)
    clause_skip: list[float] = field(default_factory=list)
    clause_count: list[int] = field(default_factory=list)
    n_feats: int = 0
    topic_hits: list[tuple[int, tuple[str, ...]]] = field(default_factory=list)
    topics_known: bool = False  # topic_hits was filled (the table had a topic lookup)
    quiet: frozenset[int] = frozenset()  # clauses that name no topic (note openings, boilerplate)
    keyword_scores: dict[str, float] = field(default_factory=dict)

    @property
    def n_clauses(self) -> int:
        return len(self.clause_words)


class TokenTable(dict[str, tuple]):
    """Per-token facts for ``extract``, computed on first sight and kept (one lookup a token).

    Entry: ``(kind, value, weight, weight_if_negated, excluded_weight, successors,
    successors_if_negated, topics, keyword_weight)``, where ``kind`` is the grammatical role
    (``_WORD`` = 0 for a plain word), ``value``
    the polarity or degree, the weights are the model's unigram weights of ``tok`` and
    ``NOT_tok``, ``successors`` maps the next token to the weight of the bigram (and
    ``successors_if_negated`` to that of the ``NOT_`` bigram, used when the next token is in a
    negation scope), ``topics`` the
    topics the token names and ``keyword_weight`` its IDF as a keyword candidate (0 if none).
    Without weights (training) the model weights are zero. Topics and keyword weights come from
    callables so this module does not depend on the topic and keyword modules.
    """

    MAX_ENTRIES = 500_000

    def __init__(
        self,
        weights: dict[str, float] | None = None,
        exclude: frozenset[str] = frozenset(),
        topics_of: Callable[[str], tuple[str, ...]] | None = None,
        keyword_weight: Callable[[str], float] | None = None,
    ) -> None:
        super().__init__()
        self.weights = weights or {}
        self.exclude = exclude
        self.topics_of = topics_of
        self.keyword_weight = keyword_weight
        successors: dict[str, dict[str, float]] = {}
        for feat, w in self.weights.items():
            first, sep, second = feat.partition(" ")
            if sep:
                successors.setdefault(first, {})[second] = w
        self.successors = successors

    def __missing__(self, tok: str) -> tuple:
        role = _roles().get(tok)
        if role is not None:
            kind, value = role
        else:
            kind, value = (_WORD if tok.isalnum() or is_word(tok) else _BREAK), 0.0
        w = self.weights.get(tok, 0.0)
        info = (
            kind,
            value,
            w,
            self.weights.get(NOT_PREFIX + tok, 0.0),
            w if tok in self.exclude else 0.0,
            self.successors.get(tok),
            self.successors.get(NOT_PREFIX + tok),
            self.topics_of(tok) if self.topics_of is not None and kind != _BREAK else (),
            self.keyword_weight(tok) if self.keyword_weight is not None and kind != _BREAK else 0.0,
        )
        if len(self) < self.MAX_ENTRIES:
            self[tok] = info
        return info


_TRAINING_TABLE = TokenTable()


def extract(tokens: list[str], table: TokenTable | None = None) -> Extracted:
    """Clauses, features and lexicon evidence of raw jieba tokens (see module docstring).

    Without a ``table`` the feature strings are recorded (training); with a model's table the
    per-clause weight sums are accumulated instead (scoring). Both give the same logits.
    """
    record = table is None
    if table is None:
        table = _TRAINING_TABLE
    out = Extracted()
    feats, feat_clause = out.feats, out.feat_clause
    clause_words, clause_weight = out.clause_words, out.clause_weight
    clause_pos, clause_neg = out.clause_pos, out.clause_neg
    clause_sum, clause_skip, clause_count = out.clause_sum, out.clause_skip, out.clause_count
    topic_hits, keyword_scores = out.topic_hits, out.keyword_scores

    cur: list[str] = []  # words of the open clause
    pos = neg = 0.0
    csum = cskip = 0.0
    ccount = 0
    weight = 1.0
    neg_left = 0
    degree = 1.0
    prev = ""
    prev_successors: dict[str, float] | None = None
    prev_successors_not: dict[str, float] | None = None
    contrast_before = -1  # clauses with index < this come before the last contrast word
    # Negation head (intensifiers + negator) for the negated-negative rewrite: state before the
    # head (``head_*``) and before the negative word's own features (``pol_*``: the head and
    # the fillers in between are rewritten); the same for the run of negation intensifiers that
    # ends at clause position ``int_end`` (``int_*``).
    head_sum = head_skip = pol_sum = pol_skip = 0.0
    head_n = pol_n = 0
    int_sum = int_skip = 0.0
    int_n = 0
    int_end = -1
    fused = fused_negated_negatives()
    negneg, fillers = NEGATED_NEGATIVE_FEATURE, NEGATION_FILLERS
    gap_ok = False  # only fillers since the negator (see NEGATION_FILLERS)
    comparative = False  # 比 came right after the negator
    min_flip, no_flip = MIN_FLIP_POLARITY, NO_FLIP_NEGATORS
    w_negneg = table.weights.get(negneg, 0.0)

    not_prefix, negation_factor, negation_scope = NOT_PREFIX, NEGATION_FACTOR, NEGATION_SCOPE
    negated_negative_factor = NEGATED_NEGATIVE_FACTOR
    for tok in tokens:
        (kind, value, w_plain, w_not, w_skip, successors, successors_not, topics, kw_weight) = (
            table[tok]
        )
        if kind:
            if kind == 1:  # _BREAK
                if cur:
                    clause_words.append(cur)
                    clause_weight.append(weight)
                    clause_pos.append(pos)
                    clause_neg.append(neg)
                    clause_sum.append(csum)
                    clause_skip.append(cskip)
                    clause_count.append(ccount)
                    cur, pos, neg, weight, csum, cskip, ccount = [], 0.0, 0.0, 1.0, 0.0, 0.0, 0
                neg_left, degree, prev, int_end = 0, 1.0, "", -1
                prev_successors = prev_successors_not = None
                continue
            if kind == 2:  # _CONTRAST
                if cur:
                    clause_words.append(cur)
                    clause_weight.append(weight)
                    clause_pos.append(pos)
                    clause_neg.append(neg)
                    clause_sum.append(csum)
                    clause_skip.append(cskip)
                    clause_count.append(ccount)
                    cur, pos, neg, weight, csum, cskip, ccount = [], 0.0, 0.0, 1.0, 0.0, 0.0, 0
                contrast_before = len(clause_words)
                neg_left, degree, prev, int_end = 0, 1.0, "", -1
                prev_successors = prev_successors_not = None
            elif kind == 3 and not cur:  # _CONCESSIVE opening a clause
                weight = CONCESSIVE_WEIGHT
            elif kind == 4:  # _NEGATOR: the negation head starts here or at the intensifiers
                if int_end == len(cur):
                    head_sum, head_skip, head_n = int_sum, int_skip, int_n
                else:
                    head_sum, head_skip = csum, cskip
                    head_n = len(feats) if record else ccount
            elif kind == 7 and int_end != len(cur):  # first of a run of negation intensifiers
                int_sum, int_skip = csum, cskip
                int_n = len(feats) if record else ccount
            elif kind == 6:  # _POLARITY: state before its features (negated-negative rewrite)
                pol_sum, pol_skip = csum, cskip
                pol_n = len(feats) if record else ccount

        cur.append(tok)
        if topics:
            topic_hits.append((len(clause_words), topics))
        if kw_weight:
            keyword_scores[tok] = keyword_scores.get(tok, 0.0) + kw_weight
        negated = neg_left > 0
        if negated and gap_ok and kind != 6 and kind != 5 and tok not in fillers:
            # a comparison keeps the flip for the rest of the scope: "一点也不比别家差"
            gap_ok = comparative or tok == "比"
            comparative = gap_ok
        if record:
            clause = len(clause_words)
            if negated:
                neg_left -= 1
                feats.append(not_prefix + tok)
            else:
                feats.append(tok)
            feat_clause.append(clause)
            if prev:
                feats.append((not_prefix if negated else "") + prev + " " + tok)
                feat_clause.append(clause)
        else:
            if negated:
                neg_left -= 1
                csum += w_not
            else:
                csum += w_plain
                cskip += w_skip
            if prev:
                ccount += 2
                bigrams = prev_successors_not if negated else prev_successors
                if bigrams is not None:
                    csum += bigrams.get(tok, 0.0)
            else:
                ccount += 1
        prev = tok
        prev_successors, prev_successors_not = successors, successors_not

        if kind > 3:
            if kind == 6:  # _POLARITY
                value *= degree
                if negated:
                    if value > 0:
                        value *= negation_factor
                    elif gap_ok and value <= min_flip:
                        value *= negated_negative_factor
                        # the negation's own features (and the fillers after it: "没有任何")
                        # become the negated-negative feature
                        if record:
                            for i in range(head_n, pol_n):
                                feats[i] = negneg
                        else:
                            csum += head_sum - pol_sum + (pol_n - head_n) * w_negneg
                            cskip += head_skip - pol_skip
                elif int_end == len(cur) - 1 and tok in fused:
                    # "一点也不慢": the intensifiers belong to the negation inside 不慢
                    if record:
                        for i in range(int_n, pol_n):
                            feats[i] = negneg
                    else:
                        csum += int_sum - pol_sum + (pol_n - int_n) * w_negneg
                        cskip += int_skip - pol_skip
                if value > 0:
                    pos += value
                else:
                    neg -= value
                degree, neg_left = 1.0, 0
            elif kind == 4:  # _NEGATOR
                neg_left, gap_ok, comparative = negation_scope, tok not in no_flip, False
            elif kind == 7:  # _NEG_INTENSIFIER
                int_end = len(cur)
            else:  # _DEGREE
                degree *= value
    if cur:
        clause_words.append(cur)
        clause_weight.append(weight)
        clause_pos.append(pos)
        clause_neg.append(neg)
        clause_sum.append(csum)
        clause_skip.append(cskip)
        clause_count.append(ccount)
    for i in range(min(contrast_before, len(clause_weight))):
        clause_weight[i] *= PRE_CONTRAST_WEIGHT
    out.words = [w for clause_tokens in clause_words for w in clause_tokens]
    if record:
        clause_count[:] = [0] * len(clause_words)
        for clause in feat_clause:
            clause_count[clause] += 1
    _apply_phrases(out)
    out.n_feats = sum(c for c, w in zip(clause_count, clause_weight, strict=True) if w)
    out.topics_known = table.topics_of is not None
    return out


_COUNT_RE = r"(?:\d+|[一二两三四五六七八九十百千几半]+)"


@dataclass(frozen=True, slots=True)
class Phrases:
    """``resources/service_phrases.txt`` compiled: one regex for events (searched) and one for
    note openings and agent boilerplate (matched against a whole clause), each alternative a
    named group whose polarity (and, for notes, whether it is boilerplate) is looked up by name."""

    events: re.Pattern[str] | None
    event_polarity: dict[str, float]
    notes: re.Pattern[str] | None
    note_polarity: dict[str, float]
    boilerplate: frozenset[str]


def _first_chars(pattern: str) -> set[str] | None:
    """The characters a match of ``pattern`` can start with, or None when that is not a small
    known set (a pattern that may start with anything or match empty)."""
    from re import _constants as c  # type: ignore[attr-defined]
    from re import _parser  # type: ignore[attr-defined]

    def first(items: list) -> set[str] | None:
        if not items:
            return None
        op, av = items[0]
        if op is c.LITERAL:
            return {chr(av)}
        if op is c.IN:
            chars = set()
            for sub_op, sub_av in av:
                if sub_op is c.LITERAL:
                    chars.add(chr(sub_av))
                elif sub_op is c.RANGE and sub_av[1] - sub_av[0] < 64:
                    chars.update(chr(i) for i in range(sub_av[0], sub_av[1] + 1))
                elif sub_op is c.CATEGORY and sub_av is c.CATEGORY_DIGIT:
                    chars.update("0123456789")
                else:
                    return None
            return chars
        if op is c.SUBPATTERN:
            return first(list(av[-1]))
        if op is c.BRANCH:
            chars = set()
            for branch in av[1]:
                found = first(list(branch))
                if found is None:
                    return None
                chars |= found
            return chars
        if op is c.MAX_REPEAT or op is c.MIN_REPEAT:
            low, _, sub = av
            found = first(list(sub))
            if low >= 1 or found is None:
                return found
            rest = first(items[1:])
            return None if rest is None else found | rest
        if op is c.AT:  # ^ at the start of a note pattern
            return first(items[1:])
        return None

    return first(list(_parser.parse(pattern)))


def _combined(alternatives: list[str], raw: list[str]) -> re.Pattern[str] | None:
    """One regex of named alternatives, behind a lookahead for their possible first
    characters when known: the scan then skips most positions at the cost of a set test."""
    if not alternatives:
        return None
    body = "|".join(alternatives)
    chars: set[str] = set()
    for pattern in raw:
        found = _first_chars(pattern)
        if found is None:
            return re.compile(body)
        chars |= found
    return re.compile(f"(?=[{re.escape(''.join(sorted(chars)))}])(?:{body})")


@lru_cache(maxsize=1)
def phrases() -> Phrases:
    events: list[str] = []
    agent: list[str] = []
    intro: list[str] = []
    raw: dict[str, list[str]] = {"event": [], "agent": [], "intro": []}
    polarity: dict[str, float] = {}
    for n, line in enumerate(data_lines(SERVICE_PHRASES)):
        kind, value, pattern = line.split("\t", 2)
        name = f"{kind}{n}"
        pattern = pattern.strip().removeprefix("^").replace("N", _COUNT_RE)
        re.compile(pattern)  # fail on the line itself, not on the combined regex
        if re.compile(pattern).groups:
            raise ValueError(f"{SERVICE_PHRASES.name}: use (?:...) groups only: {pattern!r}")
        polarity[name] = float(value)
        raw[kind].append(pattern)
        {"event": events, "agent": agent, "intro": intro}[kind].append(f"(?P<{name}>{pattern})")
    notes = agent + intro  # boilerplate first: on a tie the clause is boilerplate
    return Phrases(
        events=_combined(events, raw["event"]),
        event_polarity={k: v for k, v in polarity.items() if k.startswith("event")},
        notes=_combined(notes, raw["agent"] + raw["intro"]),
        note_polarity={k: v for k, v in polarity.items() if not k.startswith("event")},
        boilerplate=frozenset(k for k in polarity if k.startswith("agent")),
    )


def _apply_phrases(out: Extracted) -> None:
    """Service-event phrases add lexicon evidence to their clause; a clause that is a note
    opening names no topic and carries only its weak prior; agent boilerplate names no topic
    and has weight 0 (it is the agent speaking, not the customer)."""
    table = phrases()
    events, notes = table.events, table.notes
    quiet: list[int] = []
    for i, words in enumerate(out.clause_words):
        text = "".join(words)
        if notes is not None:
            m = notes.fullmatch(text)
            if m is not None:
                name = m.lastgroup
                quiet.append(i)
                if name in table.boilerplate:
                    out.clause_weight[i] = 0.0
                    out.clause_pos[i] = out.clause_neg[i] = 0.0
                    continue
                value = table.note_polarity[name]
                if value > 0:
                    out.clause_pos[i] += value
                else:
                    out.clause_neg[i] -= value
                continue
        if events is not None:
            for m in events.finditer(text):
                value = table.event_polarity[m.lastgroup]
                if value > 0:
                    out.clause_pos[i] += value
                else:
                    out.clause_neg[i] -= value
    if quiet:
        out.quiet = frozenset(quiet)
        out.topic_hits = [hit for hit in out.topic_hits if hit[0] not in out.quiet]
