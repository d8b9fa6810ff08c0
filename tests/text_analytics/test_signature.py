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


def test_lane_sums_equal_per_bit_sums() -> None:
    import numpy as np

    from text_analytics.signature import _bit_counts_swar

    rng = np.random.default_rng(3)
    hashes = rng.integers(0, 2**64, size=5_000, dtype=np.uint64)
    hashes[:300] = np.uint64(2**64 - 1)  # all bits set in a whole segment
    starts = np.array([0, 300, 301, 1_000, 4_999])
    bits = np.unpackbits(
        hashes.astype("<u8").view(np.uint8).reshape(-1, 8), axis=1, bitorder="little"
    )
    expected = np.add.reduceat(bits, starts, axis=0, dtype=np.int64)
    assert (_bit_counts_swar(hashes, starts) == expected).all()


def test_text_beyond_the_lane_limit_uses_the_wide_sum() -> None:
    long_text = "".join(chr(0x4E00 + (i * 7919) % 20_000) for i in range(70_000))
    batch = simhash_many([REVIEW, long_text, "好"])
    assert batch == [simhash(REVIEW), simhash(long_text), simhash("好")]
    assert batch[0] == 3472738985830830337


def test_batch_signature_texts_equal_one_by_one() -> None:
    from text_analytics.signature import _signature_texts, signature_text

    texts = ["ΑΣ Σ.x", "İstanbul ABC 你好", "", "😡", "Ｆｕｌｌ ｗｉｄｔｈ 质量"]
    assert _signature_texts(texts) == [signature_text(t) for t in texts]
    with_nul = [*texts, "a\0b"]
    assert _signature_texts(with_nul) == [signature_text(t) for t in with_nul]
