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

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from text_analytics._resources import EMOJI, POLARITY, weighted_words
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
CONTRAST = frozenset({"但是", "但", "不过", "可是", "然而", "只是", "可惜", "却", "就是太"})
CONCESSIVE = frozenset({"虽然", "虽说", "尽管", "虽", "虽然说"})
#: Tokens that end a clause besides whitespace and punctuation (and contrast words).
BREAKS = frozenset('，,。.！!？?；;：:…~～()（）【】「」『』<>《》"“”‘’|/\\\n\r\t ')

NEGATION_SCOPE = 3
NEGATION_FACTOR = -0.6  # "不是很满意" is negative, but milder than "很不满意"
NEGATED_NEGATIVE_FACTOR = -0.8  # "没有异味", "没有任何问题" are plainly positive
PRE_CONTRAST_WEIGHT = 0.35
CONCESSIVE_WEIGHT = 0.5
NOT_PREFIX = "NOT_"


@lru_cache(maxsize=1)
def lexicon() -> dict[str, float]:
    """Polarity of words and emoji (emoji entries win on clashes)."""
    table = dict(weighted_words(POLARITY))
    table.update(weighted_words(EMOJI))
    return table


# Token kinds; 0 (a plain word) is falsy so the hot loop can skip the role checks. ``extract``
# uses the literal numbers (a local constant is faster than a global lookup per token).
_WORD, _BREAK, _CONTRAST, _CONCESSIVE, _NEGATOR, _DEGREE, _POLARITY = range(7)


@lru_cache(maxsize=1)
def _roles() -> dict[str, tuple[int, float]]:
    """One lookup per token: its grammatical role and value (polarity wins over the rest,
    contrast over polarity, as in the order of the checks this replaces)."""
    roles: dict[str, tuple[int, float]] = {}
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
                neg_left, degree, prev = 0, 1.0, ""
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
                neg_left, degree, prev = 0, 1.0, ""
                prev_successors = prev_successors_not = None
            elif kind == 3 and not cur:  # _CONCESSIVE opening a clause
                weight = CONCESSIVE_WEIGHT

        cur.append(tok)
        if topics:
            topic_hits.append((len(clause_words), topics))
        if kw_weight:
            keyword_scores[tok] = keyword_scores.get(tok, 0.0) + kw_weight
        negated = neg_left > 0
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
                    value *= negation_factor if value > 0 else negated_negative_factor
                if value > 0:
                    pos += value
                else:
                    neg -= value
                degree, neg_left = 1.0, 0
            elif kind == 4:  # _NEGATOR
                neg_left = negation_scope
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
    out.n_feats = len(feats) if record else sum(clause_count)
    out.topics_known = table.topics_of is not None
    return out
