"""The batch API, the DataFrame helper and the shape of the results."""

from __future__ import annotations

import json

import pandas as pd

from text_analytics import MODEL_VERSION, TextAnalysis, analyse_batch, analyse_text, score_frame
from text_analytics.pipeline import SCORE_COLUMNS

TEXTS = [
    "物流很快，但是客服态度很差",
    "這個商品質量很好，物流也很快",
    "",
    None,
    "😊👍",
    "手机13812345678，app老是闪退",
    "虽然价格有点贵，不过质量真的很好",
    "请问什么时候发货",
] * 40


def test_analyse_text_fields() -> None:
    result = analyse_text("物流很快，但是客服态度很差")
    assert isinstance(result, TextAnalysis)
    assert result.script == "hans"
    assert result.tokens == ["物流", "很快", "但是", "客服", "态度", "很差"]
    assert result.sentiment_label == "negative" and -1 <= result.sentiment_score < 0
    assert "客服" in result.keywords and len(result.keywords) <= 5
    assert isinstance(result.simhash, int)


def test_tokens_exclude_punctuation_and_keep_placeholders() -> None:
    result = analyse_text("电话13812345678！！很好👍")
    assert result.tokens == ["电话", "[PHONE]", "很", "好", "👍"]
    assert result.pii_kinds == ("PHONE",)
    assert "[PHONE]" not in result.keywords


def test_every_placeholder_is_one_token() -> None:
    result = analyse_text("身份证A123456789，邮箱a@b.cn，官网 www.shop.cn，电话010-12345678")
    assert [t for t in result.tokens if t.startswith("[")] == [
        "[ID_CARD]",
        "[EMAIL]",
        "[URL]",
        "[LANDLINE]",
    ]
    assert not {"id", "card", "_"} & set(result.tokens + result.keywords)


def test_batch_equals_single() -> None:
    assert analyse_batch(TEXTS[:8]) == [analyse_text(t) for t in TEXTS[:8]]


def test_repeated_texts_get_equal_results_of_their_own() -> None:
    texts = ["好评", TEXTS[0], "好评", None, TEXTS[0], None, "好评"]
    results = analyse_batch(texts)
    assert results == [analyse_text(t) for t in texts]
    assert len({id(r) for r in results}) == len(texts)  # a caller may change one result


def test_two_processes_equal_one() -> None:
    one = analyse_batch(TEXTS, processes=1, chunk_size=50)
    two = analyse_batch(TEXTS, processes=2, chunk_size=50)
    assert one == two and len(one) == len(TEXTS)


def test_batch_accepts_generators_and_non_strings() -> None:
    results = analyse_batch(t for t in ["很好", 12345, None])
    assert [r.script for r in results] == ["hans", "none", "none"]


def test_score_frame_adds_columns() -> None:
    df = pd.DataFrame(
        {"id": [1, 2, 3, 4], "content": ["物流很快，但是客服态度很差", None, "😊", "很好"]}
    )
    out = score_frame(df, "content")
    assert list(out.columns) == ["id", "content", *SCORE_COLUMNS]
    assert list(out["id"]) == [1, 2, 3, 4]
    assert out["simhash"].dtype == "int64"
    assert out["sentiment_score"].dtype == "float64"
    topics = json.loads(out.loc[0, "topics"])
    assert {"topic": "logistics", "label": "positive"}.items() <= topics[0].items()
    assert out.loc[0, "tokens"] == "物流 很快 但是 客服 态度 很差"
    assert json.loads(out.loc[0, "keywords"])[0] in {"很差", "客服", "物流", "态度", "很快"}
    assert list(out["sentiment_label"][1:3]) == ["neutral", "neutral"]
    assert list(out["script"][1:3]) == ["none", "none"]
    assert set(out["model_version"]) == {MODEL_VERSION}
    assert "script" not in df.columns  # the input frame is left alone


def test_workers_stop_when_the_caller_ignores_sigterm() -> None:
    """Started under nohup or a job runner that ignores SIGTERM, the pool still ends."""
    import subprocess
    import sys

    script = (
        "import signal; signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
        "from text_analytics import analyse_batch\n"
        "print(len(analyse_batch(['很好', '太差了'] * 50, processes=2, chunk_size=10)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=180, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "100"
