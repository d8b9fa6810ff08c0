"""The memoised segmentation is jieba's own, token for token."""

from __future__ import annotations

import jieba
import pytest

from text_analytics.tokenize import _segment_block, segment, tokenizer

TEXTS = [
    "",
    "   ",
    "物流很快，但是客服态度很差",
    "物流很快，但是客服态度很差",  # the same text again: served from the cache
    "APP老是闪退！！版本v2.3.1，订单号2024113012345",
    "1.裤子质量根本就不值这个价格。    2.尺寸大了想换",
    "坑 *人 ~骗* 子的垃 圾手机，说是可用移动联通加SD卡",
    "好评😀😀👍 物流快\n\n包装严实\t五星",
    "服務態度很好，下次還會再來",
    "c++ & c# 100% ok_ok a.b-c",
    "「包装」破损了；（快递）太慢……",
]


@pytest.mark.parametrize("text", TEXTS)
def test_segment_equals_jieba_lcut(text: str) -> None:
    tokenizer()
    assert segment(text) == jieba.lcut(text)


def test_repeated_blocks_come_from_the_cache() -> None:
    tokenizer()
    _segment_block.cache_clear()
    first = segment("物流很快，物流很快，物流很快")
    info = _segment_block.cache_info()
    # blocks: 物流很快 / ， / 物流很快 / ， / 物流很快: two distinct, three repeats
    assert (info.misses, info.hits) == (2, 3)
    assert first == jieba.lcut("物流很快，物流很快，物流很快")
    first.append("changed")  # a caller's list is its own: the cache is not touched
    assert segment("物流很快")[-1] != "changed"
