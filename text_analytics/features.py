"""Clause structure and sentiment features of one token list, shared by training and scoring.

One pass over the jieba tokens yields:

* clauses, split at punctuation, whitespace and contrast words (但是, 不过, 可是, 却 ...);
  ``、`` does not split, since in "物流、客服都很好" both nouns share the predicate;
* bag-of-words features per clause: unigrams and bigrams; a unigram inside a negation scope (up
  to three tokens after 不/没有/不是/一点也不 ..., ending at the clause end or after the first
  polarity word) is prefixed ``NOT_``;
* lexicon evidence per clause from the hand-written polarity and emoji lists, scaled by degree
  adverbs (很, 非常, 有点 ...) and flipped (and damped) by negation;
* clause weights for contrast: clauses before a contrast word count half, as does a concessive
  clause (虽然 ...), so "虽然…但是…" is decided by the part after 但是.

The model is linear, so a document's logit is a weighted sum over clauses, and the same weights
score a single clause for topic sentiment.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from text_analytics._resources import EMOJI, POLARITY, weighted_words
from text_analytics.tokenize import is_word

NEGATORS = frozenset(
    {
        "不", "没", "没有", "无", "非", "未", "别", "不是", "并不", "并非", "并没有", "从不",
        "从未", "毫无", "绝不", "不太", "不怎么", "不够", "一点也不", "一点都不", "不算",
        "不会", "没什么", "谈不上", "算不上", "称不上", "不大", "木有", "没啥", "不怎么样",
    }
)
DEGREE = {
    "极其": 2.0, "极": 2.0, "最": 1.8, "超": 1.8, "超级": 1.8, "巨": 1.8, "太": 1.8,
    "非常": 1.8, "特别": 1.6, "十分": 1.6, "贼": 1.6, "相当": 1.5, "很": 1.4, "真": 1.3,
    "真的": 1.3, "实在": 1.3, "挺": 1.2, "蛮": 1.2, "比较": 1.0, "较": 1.0, "还": 0.8,
    "还算": 0.8, "有点": 0.7, "有些": 0.7, "有一点": 0.6, "稍微": 0.5, "略": 0.5, "略微": 0.5,
}
CONTRAST = frozenset({"但是", "但", "不过", "可是", "然而", "只是", "可惜", "却", "就是太"})
CONCESSIVE = frozenset({"虽然", "虽说", "尽管", "虽", "虽然说"})
#: Tokens that end a clause besides whitespace and punctuation (and contrast words).
BREAKS = frozenset("，,。.！!？?；;：:…~～()（）【】「」『』<>《》\"“”‘’|/\\\n\r\t ")

NEGATION_SCOPE = 3
NEGATION_FACTOR = -0.6  # "不是很满意" is negative, but milder than "很不满意"
PRE_CONTRAST_WEIGHT = 0.5
CONCESSIVE_WEIGHT = 0.5
NOT_PREFIX = "NOT_"


@lru_cache(maxsize=1)
def lexicon() -> dict[str, float]:
    """Polarity of words and emoji (emoji entries win on clashes)."""
    table = dict(weighted_words(POLARITY))
    table.update(weighted_words(EMOJI))
    return table


@dataclass(slots=True)
class Extracted:
    """Features of one text; clause-indexed lists all have ``n_clauses`` entries."""

    words: list[str] = field(default_factory=list)
    feats: list[str] = field(default_factory=list)
    feat_clause: list[int] = field(default_factory=list)
    clause_words: list[list[str]] = field(default_factory=list)
    clause_weight: list[float] = field(default_factory=list)
    clause_pos: list[float] = field(default_factory=list)
    clause_neg: list[float] = field(default_factory=list)

    @property
    def n_clauses(self) -> int:
        return len(self.clause_words)


def extract(tokens: list[str]) -> Extracted:
    """Clauses, features and lexicon evidence of raw jieba tokens (see module docstring)."""
    lex = lexicon()
    out = Extracted()
    words, feats, feat_clause = out.words, out.feats, out.feat_clause
    clause_words, clause_weight = out.clause_words, out.clause_weight
    clause_pos, clause_neg = out.clause_pos, out.clause_neg

    cur: list[str] = []  # words of the open clause
    pos = neg = 0.0
    weight = 1.0
    neg_left = 0
    degree = 1.0
    prev = ""
    contrast_before = -1  # clauses with index < this come before the last contrast word

    for tok in tokens:
        if tok in BREAKS or not is_word(tok):
            if cur:
                clause_words.append(cur)
                clause_weight.append(weight)
                clause_pos.append(pos)
                clause_neg.append(neg)
                cur, pos, neg, weight = [], 0.0, 0.0, 1.0
            neg_left, degree, prev = 0, 1.0, ""
            continue
        if tok in CONTRAST:
            if cur:
                clause_words.append(cur)
                clause_weight.append(weight)
                clause_pos.append(pos)
                clause_neg.append(neg)
                cur, pos, neg, weight = [], 0.0, 0.0, 1.0
            contrast_before = len(clause_words)
            neg_left, degree, prev = 0, 1.0, ""
        elif tok in CONCESSIVE and not cur:
            weight = CONCESSIVE_WEIGHT

        clause = len(clause_words)
        words.append(tok)
        cur.append(tok)
        negated = neg_left > 0
        if negated:
            feats.append(NOT_PREFIX + tok)
            neg_left -= 1
        else:
            feats.append(tok)
        feat_clause.append(clause)
        if prev:
            feats.append(prev + " " + tok)
            feat_clause.append(clause)
        prev = tok

        polarity = lex.get(tok)
        if polarity is not None:
            value = polarity * degree
            if negated:
                value *= NEGATION_FACTOR
            if value > 0:
                pos += value
            else:
                neg -= value
            degree, neg_left = 1.0, 0
        elif tok in NEGATORS:
            neg_left = NEGATION_SCOPE
        else:
            scale = DEGREE.get(tok)
            if scale is not None:
                degree *= scale
    if cur:
        clause_words.append(cur)
        clause_weight.append(weight)
        clause_pos.append(pos)
        clause_neg.append(neg)
    for i in range(min(contrast_before, len(clause_weight))):
        clause_weight[i] *= PRE_CONTRAST_WEIGHT
    return out
