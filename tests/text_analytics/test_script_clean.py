"""Script detection, traditional folding and text cleaning."""

from __future__ import annotations

import pytest

from text_analytics import analyse_text
from text_analytics.clean import clean_text
from text_analytics.script import detect_script, fold


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("这个商品质量很好", "hans"),
        ("這個商品質量很好", "hant"),
        ("謝謝", "hant"),  # two characters are enough
        ("后来", "hans"),  # 后 is valid in both scripts: no deciding character
        ("皇后", "hans"),
        ("很好", "hans"),  # identical in both scripts
        ("好", "hans"),
        ("OK 👍", "none"),
        ("12345", "none"),
        ("", "none"),
        ("這個很好 but 物流太慢了", "hant"),  # 這/個 decide; the rest is shared
        ("這個產品很好，物流也快", "hant"),
        ("质量不错，但是這個價格太貴", "hant"),  # traditional-only chars outnumber
        ("这个价格质量都不错，謝", "hans"),  # mostly simplified with one traditional
    ],
)
def test_detect_script(text: str, script: str) -> None:
    assert detect_script(text) == script


def test_fold_traditional_and_taiwan_vocabulary() -> None:
    script, folded = fold("這個軟體很好用，滑鼠也不錯")
    assert script == "hant"
    assert folded == "这个软件很好用，鼠标也不错"


def test_fold_keeps_simplified_text_as_is() -> None:
    assert fold("这个软件很好用") == ("hans", "这个软件很好用")


def test_mixed_text_is_folded_too() -> None:
    script, folded = fold("这个价格质量都不错，謝")
    assert script == "hans" and folded.endswith("谢")


def test_traditional_analysis_matches_simplified() -> None:
    trad = analyse_text("物流很快，但是客服態度很差")
    simp = analyse_text("物流很快，但是客服态度很差")
    assert trad.script == "hant"
    assert trad.text_clean == simp.text_clean
    assert trad.text_clean_original == "物流很快，但是客服態度很差"
    assert trad.tokens == simp.tokens
    assert trad.sentiment_score == simp.sentiment_score


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("很好&amp;很快<br>下次还来", "很好&很快 下次还来"),
        ("很好&amp;amp;很快", "很好&很快"),  # double-escaped export
        ("<p>质量<b>不错</b></p>", "质量不错"),
        ("价格<100元，<3", "价格<100元，<3"),  # not tags
        ("ＡＰＰ版本１２．３", "APP版本12.3"),
        ("全角空格\u3000和　tab\t\n换行", "全角空格 和 tab 换行"),
        ("很好，非常满意！", "很好，非常满意！"),  # Chinese punctuation stays
        ("  前后空白  ", "前后空白"),
        ("赞👍🏻️", "赞👍"),  # skin tone and variation selector dropped
        ("零\u200b宽", "零宽"),
        (None, ""),
    ],
)
def test_clean_text(raw: str | None, clean: str) -> None:
    assert clean_text(raw) == clean
