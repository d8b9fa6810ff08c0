"""A small hand-written landing folder covering every source and the messiness of real exports.

Each file is written in the encoding a real source would use. ``EXPECTED`` records what the
loader must make of it, so tests compare against facts stated here, not against the loader.
"""

from __future__ import annotations

import json
from pathlib import Path

SURVEY_CSV = (
    "response_id,customer_id,survey_type,score,submitted_at,touchpoint,comment,store_id,campaign\n"
    "R1,C1,nps,9,2026-05-01 10:00:00,purchase,很满意，下次还来,S01,spring\n"
    'R2,C2,nps,3,2026/05/01 10:30,delivery,"快递太慢了, 包装也破了\n客服不回复",,spring\n'
    "R3,C3,csat,5,2026-05-02T08:00:00+08:00,support,客服态度很好,,\n"
    "R4,C1,ces,6,2026-05-02 09:00:00,app,,,\n"
    "R5,C2,nps,,2026-05-03 09:00:00,store,,S01,\n"  # seen, not answered: kept
    "R6,C3,nps,11,2026-05-03 09:00:00,store,,S01,\n"  # OUT_OF_RANGE
    "R7,C3,xyz,3,2026-05-03 09:00:00,store,,S01,\n"  # UNKNOWN_ENUM
    "R8,C3,csat,4,2099-01-01 00:00:00,store,,S01,\n"  # FUTURE_TIMESTAMP
    "R9,C3,csat,4,yesterday,store,,S01,\n"  # INVALID_TIMESTAMP
    ",C3,csat,4,2026-05-03 09:00:00,store,,S01,\n"  # MISSING_REQUIRED_VALUE
    "R11,C3,csat\n"  # MALFORMED_ROW
)

# A correction delivered later: R3's score changes from 5 to 4 (latest delivery wins).
SURVEY_CORRECTION_CSV = (
    "response_id,customer_id,survey_type,score,submitted_at\n"
    "R3,C3,csat,4,2026-05-02T08:00:00+08:00\n"
)

APP_REVIEW_LINES = [
    json.dumps(
        {
            "review_id": "A1",
            "platform": "ios",
            "rating": 5,
            "content": "界面好看😊",
            "created_at": "2026-05-01T12:00:00+08:00",
            "app_version": "3.2.1",
        },
        ensure_ascii=False,
    ),
    json.dumps(
        {
            "review_id": "A2",
            "platform": "harmony",
            "rating": "1",
            "content": "一直闪退",
            "created_at": "2026-05-01T04:00:00Z",
        },
        ensure_ascii=False,
    ),
    '{"review_id": "A3", "platform": "ios", "rating": 5, "content": "好"',  # MALFORMED_JSON
    json.dumps(
        {
            "review_id": "A4",
            "platform": "android",
            "rating": 6,
            "content": "x",
            "created_at": "2026-05-01T12:00:00+08:00",
        }
    ),  # OUT_OF_RANGE
    json.dumps(
        {
            "review_id": "A5",
            "platform": "android",
            "rating": "五星",
            "content": "x",
            "created_at": "2026-05-01T12:00:00+08:00",
        },
        ensure_ascii=False,
    ),  # INVALID_NUMBER
]

ECOMMERCE_LINES = [
    json.dumps(
        {
            "review_id": "E1",
            "platform": "tmall",
            "store_id": "T1",
            "sku": "SKU-1",
            "reviewer_id": "u1",
            "rating": 4,
            "content": "物流很快，但是客服态度很差",
            "created_at": "2026-05-01T12:00:00+08:00",
            "images": ["a.jpg"],
            "is_followup": False,
        },
        ensure_ascii=False,
    ),
]

SOCIAL_LINES = [
    json.dumps(
        {
            "post_id": "P1",
            "platform": "weibo",
            "author_id": "w1",
            "content": "#品牌# 客服电话13812345678打不通&amp;没人理",
            "likes": 3,
            "created_at": "2026-05-01T12:00:00+08:00",
        },
        ensure_ascii=False,
    ),
]

# Mainland Excel export: GB18030.
TICKET_CSV = (
    "ticket_id,contact_channel,opened_at,category,description,customer_id,first_response_at,"
    "resolved_at,contact_count,handle_seconds,csat\n"
    "T1,phone,2026-05-01 09:00:00,退货,客户来电反映退货流程太复杂,C1,2026-05-01 10:00:00,"
    "2026-05-02 09:00:00,1,600,4\n"
    "T2,online_chat,2026-05-01 09:00:00,物流,快递三天没动,C2,,,,,\n"
)

# Taiwan store cards: Big5, traditional script.
STORE_CARD_CSV = (
    "card_id,store_id,visit_date,rating,comment,contact\n"
    "K1,S09,2026/05/01,5,店員服務很親切，環境乾淨,0912-345-678\n"
    "K2,S09,2026-05-02,2,等候時間太長了,\n"
)

CRM_CSV = (
    "customer_id,registered_at,birth_year,gender,city,tier\n"
    "C1,2025-01-01 10:00:00,1990,f,上海,gold\n"
    "C2,2025-02-01 10:00:00,2001,m,北京,silver\n"
    "C3,2025-03-01 10:00:00,1985,f,台北,\n"
)

ORDER_CSV = (
    "order_id,customer_id,ordered_at,amount,status,store_id,sku,channel\n"
    "O1,C1,2026-04-01 10:00:00,199.00,paid,S01,SKU-1,store\n"
    "O2,C2,2026-04-02 10:00:00,59.9,refunded,,SKU-2,online\n"
    "O3,C3,2026-04-03 10:00:00,abc,paid,,SKU-2,online\n"  # INVALID_NUMBER
    "O4,C3,2026-04-03 10:00:00,10,lost,,SKU-2,online\n"  # UNKNOWN_ENUM
)

# Missing the required column `launched_at`: the whole file is quarantined.
ACTION_CSV_MISSING_COLUMN = (
    "action_id,title,topic\nA01,缩短退款时长,process\nA02,客服培训,service_attitude\n"
)

ACTION_CSV = (
    "action_id,title,topic,launched_at,scope_channel\n"
    "A01,缩短退款时长,process,2026-04-15 00:00:00,support_ticket\n"
)

#: The labelled audit sample: two labels of R1, R2 about no topic, one unknown topic.
TOPIC_LABEL_CSV = (
    "label_id,source,source_record_id,topic,polarity,labelled_at,labeller\n"
    "L1,survey,R1,logistics,negative,2026-05-02 09:00:00,qa1\n"
    "L2,survey,R1,price,positive,2026-05-02 09:00:00,qa1\n"
    "L3,survey,R2,,,2026-05-02 09:05:00,qa2\n"
    "L4,survey,R4,delivery_speed,negative,2026-05-02 09:10:00,qa2\n"
)


def write_landing(root: Path) -> Path:
    """Write the fixture landing folder under ``root`` and return it."""
    landing = root / "landing"
    files = {
        "survey/2026-05-03_survey.csv": ("\ufeff" + SURVEY_CSV).encode("utf-8"),  # BOM
        "survey/2026-05-10_survey_correction.csv": SURVEY_CORRECTION_CSV.encode("utf-8"),
        "app_review/app_20260501.jsonl": "\n".join(APP_REVIEW_LINES).encode("utf-8") + b"\n",
        "ecommerce_review/tmall_20260501.jsonl": "\n".join(ECOMMERCE_LINES).encode("utf-8"),
        "social/weibo_20260501.jsonl": "\n".join(SOCIAL_LINES).encode("utf-8"),
        "support_ticket/tickets_202605.csv": TICKET_CSV.encode("gb18030"),
        "store_card/cards_tw_202605.csv": STORE_CARD_CSV.encode("big5"),
        "crm_customer/crm_snapshot_20260501.csv": CRM_CSV.encode("utf-8"),
        "order/orders_202604.csv": ORDER_CSV.encode("utf-8"),
        "order/orders_202604_resent.csv": ORDER_CSV.encode("utf-8"),  # same bytes again
        "improvement_action/actions_v1.csv": ACTION_CSV_MISSING_COLUMN.encode("utf-8"),
        "improvement_action/actions_v2.csv": ACTION_CSV.encode("utf-8"),
        "topic_label/topic_labels_202605.csv": TOPIC_LABEL_CSV.encode("utf-8"),
    }
    for rel, data in files.items():
        path = landing / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return landing


#: What loading the fixture must give, per source: (rows read, loaded, quarantined by reason).
EXPECTED: dict[str, tuple[int, int, dict[str, int]]] = {
    "survey": (
        12,
        6,
        {
            "OUT_OF_RANGE": 1,
            "UNKNOWN_ENUM": 1,
            "FUTURE_TIMESTAMP": 1,
            "INVALID_TIMESTAMP": 1,
            "MISSING_REQUIRED_VALUE": 1,
            "MALFORMED_ROW": 1,
        },
    ),
    "app_review": (5, 2, {"MALFORMED_JSON": 1, "OUT_OF_RANGE": 1, "INVALID_NUMBER": 1}),
    "ecommerce_review": (1, 1, {}),
    "social": (1, 1, {}),
    "support_ticket": (2, 2, {}),
    "store_card": (2, 2, {}),
    "crm_customer": (3, 3, {}),
    "order": (4, 2, {"INVALID_NUMBER": 1, "UNKNOWN_ENUM": 1}),
    "improvement_action": (3, 1, {"MISSING_REQUIRED_COLUMN": 2}),
    "topic_label": (4, 3, {"UNKNOWN_ENUM": 1}),
}

#: Distinct natural keys each staging model must hold after "latest delivery wins".
EXPECTED_STAGED = {
    "survey": 5,  # R1-R5; R3 delivered twice
    "app_review": 2,
    "ecommerce_review": 1,
    "social": 1,
    "support_ticket": 2,
    "store_card": 2,
    "crm_customer": 3,
    "order": 2,
    "improvement_action": 1,
    "topic_label": 3,
}
