"""Personal data is masked by kind; look-alikes (orders, prices, dates, SKUs ...) are not."""

from __future__ import annotations

import pytest

from tests.text_analytics.conftest import cn_id_complete, luhn_complete
from text_analytics.clean import clean_text
from text_analytics.pii import cn_id_valid, luhn_valid, mask_pii, tw_id_valid

CN_ID = cn_id_complete("11010519491231002")  # valid check character
CARD_19 = luhn_complete("622202123456789012")
CARD_16 = luhn_complete("411111111111111")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("我的手机13812345678有事打", "我的手机[PHONE]有事打"),
        ("电话：+86 138-1234-5678", "电话：[PHONE]"),
        ("call 0086 13912345678.", "call [PHONE]."),
        ("联系 138 1234 5678 谢谢", "联系 [PHONE] 谢谢"),
        ("台湾手机 0912-345-678", "台湾手机 [PHONE]"),
        ("手機 +886 912 345 678", "手機 [PHONE]"),
        ("座机010-12345678", "座机[LANDLINE]"),
        ("店里电话 0755-1234567", "店里电话 [LANDLINE]"),
        ("(02)2345-6789 找王小姐", "[LANDLINE] 找王小姐"),
        ("（021）12345678", "[LANDLINE]"),
        ("邮箱 zhang.san+vip@example.com.cn 谢谢", "邮箱 [EMAIL] 谢谢"),
        ("发到abc_123@qq.com吧", "发到[EMAIL]吧"),
        (f"身份证{CN_ID}", "身份证[ID_CARD]"),
        ("身份证号 A123456789 请核对", "身份证号 [ID_CARD] 请核对"),
        (f"卡号{CARD_19}退款", "卡号[BANK_CARD]退款"),
        (f"卡号 {CARD_16[:4]} {CARD_16[4:8]} {CARD_16[8:12]} {CARD_16[12:]}", "卡号 [BANK_CARD]"),
        ("详情见 https://shop.example.com/item?id=13812345678", "详情见 [URL]"),
    ],
)
def test_personal_data_is_masked(text: str, expected: str) -> None:
    assert mask_pii(text)[0] == expected


@pytest.mark.parametrize(
    "text",
    [
        "订单号：202405181234567890",  # 18-digit order number (no valid birth date)
        "订单号 E20240518000123",
        f"订单号{CARD_16}",  # Luhn-valid, but labelled as an order number
        "价格1299.00元，优惠了200",
        "2024-05-18 12:30:45 下单",
        "2024/05/18 12:30",
        "SKU-13812345678",
        "型号 AB-0912-345-678",
        "版本 v13.8.12345678",
        "app 3.10.2 更新后闪退",
        luhn_complete("411111111111111")[:-1] + str((int(CARD_16[-1]) + 1) % 10),  # Luhn fails
        "6222021234567890123",  # 19 digits, Luhn fails
        CN_ID[:-1] + ("0" if CN_ID[-1] != "0" else "1"),  # ID number with a bad check character
        "110105194913310021",  # impossible birth date
        "A123456788",  # Taiwan ID with a bad checksum
        "时间戳1716012345678",
        "快递单号 SF1234567890123",
        "数量 12345678 件",  # eight digits, no area code
    ],
)
def test_look_alikes_are_not_masked(text: str) -> None:
    masked, kinds = mask_pii(text)
    assert masked == text and kinds == []


def test_full_width_digits_are_folded_before_masking() -> None:
    assert mask_pii(clean_text("手机１３８１２３４５６７８"))[0] == "手机[PHONE]"


def test_kinds_are_reported_once_each() -> None:
    _, kinds = mask_pii("13812345678 或 13912345678，邮箱 a@b.cn")
    assert kinds == ["EMAIL", "PHONE"]


def test_validators() -> None:
    assert luhn_valid("4111111111111111") and not luhn_valid("4111111111111112")
    assert cn_id_valid(CN_ID) and not cn_id_valid("11010519491231002")
    assert tw_id_valid("A123456789") and not tw_id_valid("A123456780")
