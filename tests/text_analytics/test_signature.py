"""SimHash near-duplicate signatures."""

from __future__ import annotations

from text_analytics import analyse_text, hamming_distance, simhash
from text_analytics.signature import NEAR_DUPLICATE_BITS, simhash_many

REVIEW = "这款洗发水用了一个月，头发柔顺了很多，味道也很好闻，物流很快，会回购的"


def test_signed_64_bit_and_deterministic() -> None:
    value = simhash(REVIEW)
    assert -(2**63) <= value < 2**63
    assert value == simhash(REVIEW) == analyse_text(REVIEW).simhash
    assert value == 3472738985830830337  # stable across processes and releases


def test_punctuation_spacing_and_emoji_do_not_matter() -> None:
    variant = "这款洗发水 用了一个月!!头发柔顺了很多~味道也很好闻😊 物流很快。。会回购的"
    assert simhash(variant) == simhash(REVIEW)


def test_small_edit_is_near_and_other_text_is_far() -> None:
    edited = REVIEW.replace("一个月", "两个月")
    other = "客服态度太差了，问了三次都不回复，退款到现在也没到账，再也不来了"
    assert hamming_distance(simhash(REVIEW), simhash(edited)) <= NEAR_DUPLICATE_BITS
    assert hamming_distance(simhash(REVIEW), simhash(other)) > 2 * NEAR_DUPLICATE_BITS


def test_batch_equals_single_and_empty_is_zero() -> None:
    texts = [REVIEW, "", "好", "很好", "😊😊", REVIEW + "！"]
    assert simhash_many(texts) == [simhash(t) for t in texts]
    assert simhash("") == 0 and simhash("😊😊") == 0
    assert simhash("好") != 0


def test_hamming_distance() -> None:
    assert hamming_distance(0, 0) == 0
    assert hamming_distance(-1, 0) == 64
    assert hamming_distance(0b1011, 0b0001) == 2
