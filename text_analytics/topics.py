"""Multi-label topic detection with a sentiment per topic.

A topic is mentioned when a token is one of its keywords (``resources/topics.txt``). Its sentiment
comes from the clause(s) mentioning it, scored by the same linear model as the whole text, so in
"物流很快，但是客服态度很差" logistics is positive and service_attitude negative. A clause that
names a topic but carries no opinion ("快递员，态度很好" splits after 快递员) borrows the next
clause's score, or the whole text's when there is none.

Some keywords name their topic only in some senses. The lexicon can give such a keyword a
condition on its neighbours or on the rest of the text (``钱`` is price after 浪费 or an amount,
not in "为了钱的书籍"; ``维修`` is not process in a text about what repairs cost), and it can
list tokens that name no topic although they contain a keyword (``潜规则``, ``大打折扣``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from text_analytics._resources import TOPIC_LEXICON, data_lines
from text_analytics.features import Extracted
from text_analytics.sentiment import SentimentLabel, label_for, score_from_logit
from voc_core.contracts import TOPICS

OTHER = "other"
#: A clause "has an opinion" when it hits the lexicon or its model logit moves this far from
#: the bias.
EVIDENCE_LOGIT = 0.5
#: Pseudo-topic of the lexicon for tokens that name no topic (they block the substring lookup).
NO_TOPIC = "none"
#: In a condition, stands for a number or an amount token (12, *, 三十, 几十块, 一百多块).
NUMBER = "#num"
_NUMERALS = frozenset("0123456789０１２３４５６７８９.*＊一二两三四五六七八九十百千万几多块元")
#: Prefix of the marker ``topics_of_token`` returns for a conditional keyword.
_CONDITIONAL = "?"


class TopicSentiment(NamedTuple):
    """One topic mentioned in a text, with the sentiment of the clauses that mention it.

    A named tuple rather than a dataclass: immutable, cheap to create and to pickle.
    """

    topic: str
    label: SentimentLabel
    score: float


@lru_cache(maxsize=1)
def neutral_topic_words() -> frozenset[str]:
    """Topic keywords without polarity of their own (客服, 物流, 价格 but not 贵 or 闪退): left
    out of clause scores so a topic's sentiment comes from what is said about it."""
    from text_analytics.features import lexicon

    polar = lexicon()
    evaluative = _lexicon().polar
    return frozenset(w for w in topic_keywords() if w not in polar and w not in evaluative)


@dataclass(frozen=True)
class Condition:
    """When a conditional keyword names its topic: the token before it in its clause is (or is
    not) one of some words, the token after it likewise, and the text names none of the
    ``not_with`` topics through other keywords. Empty fields do not constrain."""

    after: frozenset[str] = frozenset()
    not_after: frozenset[str] = frozenset()
    before: frozenset[str] = frozenset()
    not_before: frozenset[str] = frozenset()
    not_with: frozenset[str] = frozenset()

    @classmethod
    def parse(cls, spec: str) -> Condition:
        """``after=浪费,多少,#num not_before=一读 not_with=price`` (space-separated fields)."""
        fields: dict[str, frozenset[str]] = {}
        for part in spec.split():
            name, sep, values = part.partition("=")
            if not sep or name not in cls.__dataclass_fields__ or name in fields:
                raise ValueError(f"bad condition field {part!r}")
            fields[name] = frozenset(v.lower() for v in values.split(",") if v)
        for topic in fields.get("not_with", ()):
            if topic not in TOPICS or topic == OTHER:
                raise ValueError(f"condition names unknown topic {topic!r}")
        return cls(**fields)

    def holds(self, words: list[str], i: int, text_topics: set[str]) -> bool:
        """Whether the keyword at ``words[i]`` names its topic."""
        if self.not_with and not self.not_with.isdisjoint(text_topics):
            return False
        prev = words[i - 1] if i > 0 else ""
        if self.after and not _matches(prev, self.after):
            return False
        if self.not_after and _matches(prev, self.not_after):
            return False
        nxt = words[i + 1] if i + 1 < len(words) else ""
        if self.before and not _matches(nxt, self.before):
            return False
        return not (self.not_before and _matches(nxt, self.not_before))


def _matches(token: str, words: frozenset[str]) -> bool:
    if token in words:
        return True
    return NUMBER in words and token != "" and all(c in _NUMERALS for c in token)


class _Lexicon(NamedTuple):
    plain: dict[str, tuple[str, ...]]  # keyword -> topics, whatever its neighbours
    conditional: dict[str, tuple[tuple[str, Condition], ...]]  # keyword -> (topic, condition)
    no_topic: frozenset[str]  # tokens that name no topic
    polar: frozenset[str]  # keywords with a polarity of their own (not in the polarity lexicon)


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    """Parse ``topics.txt``: ``topic<TAB>keywords`` lines, ``topic<TAB>keywords<TAB>flags``
    lines (``polar`` and/or a condition) and ``none<TAB>tokens`` lines."""
    plain: dict[str, list[str]] = {}
    conditional: dict[str, list[tuple[str, Condition]]] = {}
    no_topic: set[str] = set()
    polar: set[str] = set()
    for line in data_lines(TOPIC_LEXICON):
        topic, _, rest = line.partition("\t")
        words, _, spec = rest.partition("\t")
        topic = topic.strip()
        if topic == NO_TOPIC:
            no_topic.update(w.lower() for w in words.split())
            continue
        if topic not in TOPICS or topic == OTHER:
            raise ValueError(f"{TOPIC_LEXICON.name}: unknown topic {topic!r}")
        flags = spec.split()
        is_polar = "polar" in flags
        spec = " ".join(f for f in flags if f != "polar")
        condition = Condition.parse(spec) if spec else None
        for word in words.split():
            word = word.lower()
            if is_polar:
                polar.add(word)
            if condition is not None:
                conditional.setdefault(word, []).append((topic, condition))
                continue
            topics = plain.setdefault(word, [])
            if topic not in topics:
                topics.append(topic)
    both = (set(plain) & set(conditional)) | ((set(plain) | set(conditional)) & no_topic)
    if both:
        raise ValueError(f"{TOPIC_LEXICON.name}: listed twice: {' '.join(sorted(both))}")
    return _Lexicon(
        {w: tuple(t) for w, t in plain.items()},
        {w: tuple(r) for w, r in conditional.items()},
        frozenset(no_topic),
        frozenset(polar),
    )


class _TokenTopics(dict[str, tuple[str, ...]]):
    """Memo of ``topics_of_token`` (a dict lookup per token instead of a function call)."""

    def __missing__(self, token: str) -> tuple[str, ...]:
        lexicon = _lexicon()
        keywords = lexicon.plain
        found = keywords.get(token)
        if token in lexicon.conditional:
            found = (_CONDITIONAL + token,)
        elif token in lexicon.no_topic:
            found = ()
        if found is None:
            found = ()
            if len(token) >= 3:
                # the token's substrings of two characters up to the longest keyword, looked up
                # (rather than every keyword searched in the token), in keyword-file order
                order = _keyword_order()
                longest = min(len(token), _longest_keyword())
                inner = {
                    token[i : i + n]
                    for n in range(2, longest + 1)
                    for i in range(len(token) - n + 1)
                }
                topics: list[str] = []
                for word in sorted((w for w in inner if w in order), key=order.__getitem__):
                    topics.extend(t for t in keywords[word] if t not in topics)
                found = tuple(topics)
        if len(self) < 500_000:
            self[token] = found
        return found


@lru_cache(maxsize=1)
def _keyword_order() -> dict[str, int]:
    """Position of each unconditional keyword of two characters or more in the lexicon."""
    return {word: i for i, word in enumerate(_lexicon().plain) if len(word) >= 2}


@lru_cache(maxsize=1)
def _longest_keyword() -> int:
    return max(map(len, _keyword_order()), default=0)


_token_topics = _TokenTopics()


def topics_of_token(token: str) -> tuple[str, ...]:
    """Topics of a token: its own keyword entry, else those of unconditional keywords of two
    characters or more that it contains (jieba keeps compounds such as 商品质量 or 物流公司
    whole); nothing for a token listed as naming no topic. A conditional keyword (a whole token
    only) gives a marker that ``detect_topics`` resolves against the token's neighbours."""
    return _token_topics[token]


@lru_cache(maxsize=1)
def topic_keywords() -> dict[str, tuple[str, ...]]:
    """Keyword -> topics (a keyword may belong to several), conditional keywords included."""
    lexicon = _lexicon()
    table = dict(lexicon.plain)
    for word, rules in lexicon.conditional.items():
        table[word] = tuple(dict.fromkeys(topic for topic, _ in rules))
    return table


def _resolve_conditional(
    pairs: list[tuple[int, tuple[str, ...]]],
    clause_words: list[list[str]],
    hits: dict[str, list[int]],
) -> dict[str, list[int]]:
    """``hits`` with the markers of conditional keywords replaced by the topics they name, in
    order of first mention. A ``not_with`` condition looks at the topics named by unconditional
    keywords and by conditional keywords without a ``not_with`` condition."""
    text_topics = {topic for topic in hits if topic[0] != _CONDITIONAL}
    for ci, topics in pairs:
        for topic in topics:
            if topic[0] == _CONDITIONAL:
                text_topics.update(_resolve(topic[1:], clause_words[ci], text_topics, False))
    resolved: dict[str, list[int]] = {}
    for ci, topics in pairs:
        for topic in topics:
            if topic[0] != _CONDITIONAL:
                resolved.setdefault(topic, []).append(ci)
                continue
            for name in _resolve(topic[1:], clause_words[ci], text_topics, True):
                resolved.setdefault(name, []).append(ci)
    return resolved


def _resolve(
    token: str, words: list[str], text_topics: set[str], with_not_with: bool
) -> tuple[str, ...]:
    """Topics a conditional keyword names in its clause ``words``: those of its rules that hold
    at one of its occurrences (only the rules without ``not_with`` unless ``with_not_with``)."""
    found: list[str] = []
    for topic, condition in _lexicon().conditional[token]:
        if topic in found or (condition.not_with and not with_not_with):
            continue
        if any(w == token and condition.holds(words, i, text_topics) for i, w in enumerate(words)):
            found.append(topic)
    return tuple(found)


def clause_topic_logits(
    clause_logits: list[float],
    pos: list[float],
    neg: list[float],
    bias: float,
    lexicon_weights: tuple[float, float],
) -> list[float]:
    """Clause logits for topic sentiment: a clause with polarity words of one sign only
    ("店里有点儿脏": 脏) whose model logit has the other sign keeps only the lexicon's part of
    the logit, ``bias + lex_pos * log1p(pos) + lex_neg * log1p(neg)``.

    A model fitted on whole texts' ratings (a warehouse's adapted model above all) learns what
    a clause adds to the *text's* rating, and a hedged complaint ("有点儿", "有些") is mostly
    the minor side of a praising text ("X很好，就是Y有点儿慢"): its words get positive weights
    that turn the complaint itself positive. The polarity lexicon says what the clause says.
    Negation is already in the lexicon counts (不差 counts as positive).
    """
    lex_pos, lex_neg = lexicon_weights
    out = list(clause_logits)
    for i, (logit, p, n) in enumerate(zip(clause_logits, pos, neg, strict=True)):
        if (p > 0) == (n > 0):  # no polarity word, or words of both signs: the model decides
            continue
        lexicon_logit = bias + lex_pos * math.log1p(p) + lex_neg * math.log1p(n)
        if (logit - bias) * (lexicon_logit - bias) < 0:
            out[i] = lexicon_logit
    return out


def detect_topics(
    ex: Extracted,
    clause_logits: list[float],
    doc_logit: float,
    bias: float,
    neutral_band: float,
    lexicon_weights: tuple[float, float] | None = None,
) -> tuple[list[TopicSentiment], str]:
    """Topics of a text with their sentiment, and the primary topic.

    ``clause_logits`` should leave out ``neutral_topic_words()``. The primary topic is the most
    salient: the largest sum of clause weights over the clauses mentioning it (so the part after
    但是 outweighs the part before), then the strongest sentiment, then the earliest mention.
    Without any keyword the text gets one ``other`` topic carrying the document's sentiment.

    With ``lexicon_weights`` (the model's ``lex_pos``, ``lex_neg``), a clause whose polarity
    words all point one way while its model logit points the other way is scored by its
    polarity words alone (``clause_topic_logits``).
    """
    hits: dict[str, list[int]] = {}  # topic -> clause index per hit
    if ex.topics_known:
        pairs = ex.topic_hits
    else:  # extracted without topic lookups (training-mode table)
        pairs = [
            (ci, topics_of_token(w))
            for ci, words in enumerate(ex.clause_words)
            if ci not in ex.quiet
            for w in words
        ]
    for ci, topics in pairs:
        for topic in topics:
            hits.setdefault(topic, []).append(ci)
    if any(topic[0] == _CONDITIONAL for topic in hits):
        hits = _resolve_conditional(pairs, ex.clause_words, hits)
    if not hits:
        score = round(score_from_logit(doc_logit), 4) if ex.n_clauses else 0.0
        label = label_for(score, neutral_band)
        return [TopicSentiment(OTHER, label, score)], OTHER

    pos, neg, weights, n_clauses = ex.clause_pos, ex.clause_neg, ex.clause_weight, ex.n_clauses
    if lexicon_weights is not None:
        clause_logits = clause_topic_logits(clause_logits, pos, neg, bias, lexicon_weights)
    opinion = [  # boilerplate (weight 0) is never an opinion to borrow
        w > 0 and (p > 0 or n > 0 or abs(logit - bias) >= EVIDENCE_LOGIT)
        for p, n, w, logit in zip(pos, neg, weights, clause_logits, strict=True)
    ]
    # clauses naming each topic: a text's opinion is not borrowed by a topic when it was said
    # about another topic ("保价超给力，就是客服说话略冲": 客服 has no opinion of its own)
    topic_clauses = {ci for clauses in hits.values() for ci in clauses}
    ranked = []
    for order, (topic, clauses) in enumerate(hits.items()):
        total = salience = 0.0
        distinct = dict.fromkeys(clauses)
        others = [
            ci
            for ci in range(n_clauses)
            if opinion[ci] and ci not in distinct and ci in topic_clauses
        ]
        for ci in distinct:
            salience += weights[ci]
            if opinion[ci]:
                total += clause_logits[ci]
            elif ci + 1 < n_clauses and opinion[ci + 1]:
                total += clause_logits[ci + 1]
            elif others:
                total += clause_logits[ci]
            else:
                total += doc_logit
        score = round(score_from_logit(total / len(distinct)), 4)
        ranked.append((salience, abs(score), -order, topic, score))
    topics = [
        TopicSentiment(topic, label_for(score, neutral_band), score)
        for *_, topic, score in ranked  # in order of first mention
    ]
    primary = max(ranked)[3]
    return topics, primary
