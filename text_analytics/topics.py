"""Multi-label topic detection with a sentiment per topic.

A topic is mentioned when a token is one of its keywords (``resources/topics.txt``). Its sentiment
comes from the clause(s) mentioning it, scored by the same linear model as the whole text, so in
"物流很快，但是客服态度很差" logistics is positive and service_attitude negative. A clause that
names a topic but carries no opinion ("快递员，态度很好" splits after 快递员) borrows the next
clause's score, or the whole text's when there is none.
"""

from __future__ import annotations

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
    return frozenset(w for w in topic_keywords() if w not in polar)


class _TokenTopics(dict[str, tuple[str, ...]]):
    """Memo of ``topics_of_token`` (a dict lookup per token instead of a function call)."""

    def __missing__(self, token: str) -> tuple[str, ...]:
        keywords = topic_keywords()
        found = keywords.get(token)
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
    """Position of each keyword of two characters or more in ``topic_keywords``."""
    return {word: i for i, word in enumerate(topic_keywords()) if len(word) >= 2}


@lru_cache(maxsize=1)
def _longest_keyword() -> int:
    return max(map(len, _keyword_order()), default=0)


_token_topics = _TokenTopics()


def topics_of_token(token: str) -> tuple[str, ...]:
    """Topics of a token: its own keyword entry, else those of keywords of two characters or
    more that it contains (jieba keeps compounds such as 商品质量 or 物流公司 whole)."""
    return _token_topics[token]


@lru_cache(maxsize=1)
def topic_keywords() -> dict[str, tuple[str, ...]]:
    """Keyword -> topics (a keyword may belong to several)."""
    table: dict[str, list[str]] = {}
    for line in data_lines(TOPIC_LEXICON):
        topic, _, words = line.partition("\t")
        topic = topic.strip()
        if topic not in TOPICS or topic == OTHER:
            raise ValueError(f"{TOPIC_LEXICON.name}: unknown topic {topic!r}")
        for word in words.split():
            topics = table.setdefault(word.lower(), [])
            if topic not in topics:
                topics.append(topic)
    return {word: tuple(topics) for word, topics in table.items()}


def detect_topics(
    ex: Extracted,
    clause_logits: list[float],
    doc_logit: float,
    bias: float,
    neutral_band: float,
) -> tuple[list[TopicSentiment], str]:
    """Topics of a text with their sentiment, and the primary topic.

    ``clause_logits`` should leave out ``neutral_topic_words()``. The primary topic is the most
    salient: the largest sum of clause weights over the clauses mentioning it (so the part after
    但是 outweighs the part before), then the strongest sentiment, then the earliest mention.
    Without any keyword the text gets one ``other`` topic carrying the document's sentiment.
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
    if not hits:
        score = round(score_from_logit(doc_logit), 4) if ex.n_clauses else 0.0
        label = label_for(score, neutral_band)
        return [TopicSentiment(OTHER, label, score)], OTHER

    pos, neg, weights, n_clauses = ex.clause_pos, ex.clause_neg, ex.clause_weight, ex.n_clauses
    opinion = [  # boilerplate (weight 0) is never an opinion to borrow
        w > 0 and (p > 0 or n > 0 or abs(logit - bias) >= EVIDENCE_LOGIT)
        for p, n, w, logit in zip(pos, neg, weights, clause_logits, strict=True)
    ]
    ranked = []
    for order, (topic, clauses) in enumerate(hits.items()):
        total = salience = 0.0
        distinct = dict.fromkeys(clauses)
        for ci in distinct:
            salience += weights[ci]
            if opinion[ci]:
                total += clause_logits[ci]
            elif ci + 1 < n_clauses and opinion[ci + 1]:
                total += clause_logits[ci + 1]
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
