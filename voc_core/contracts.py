"""The landing contract of CHANNELS.md as data: one ``SourceContract`` per landing folder.

Readers, validation, the raw table layout, the sample generator and the dbt sources all
derive from these definitions, so a new optional column is added in one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Literal

FileFormat = Literal["csv", "jsonl"]

TOPICS: tuple[str, ...] = (
    "product_quality",
    "service_attitude",
    "logistics",
    "process",
    "price",
    "app_experience",
    "store_environment",
    "other",
)

APP_PLATFORMS = ("ios", "android", "huawei", "xiaomi")
MARKETPLACES = ("tmall", "jd", "pinduoduo", "douyin_shop")
SOCIAL_PLATFORMS = ("weibo", "wechat", "douyin", "xiaohongshu", "dianping")
TOUCHPOINTS = ("purchase", "delivery", "support", "store", "app")
CONTACT_CHANNELS = ("phone", "online_chat", "email", "app", "store")

#: Landing folders whose rows carry customer feedback text (kept in sync with ``SOURCES``).
FEEDBACK_SOURCE_NAMES = (
    "survey",
    "app_review",
    "ecommerce_review",
    "social",
    "support_ticket",
    "store_card",
)

#: Polarity a labeller gives a topic of a comment (source ``topic_label``).
TOPIC_POLARITIES = ("positive", "negative", "neutral")

#: Score range of each survey type (inclusive).
SURVEY_SCORE_RANGES: dict[str, tuple[int, int]] = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}


@dataclass(frozen=True)
class SourceContract:
    """What one landing source delivers and which rows are usable.

    ``required`` columns must exist in a file (else the whole file is quarantined);
    ``not_null`` columns must also hold a value in every row (else the row is quarantined).
    ``strict_enums`` quarantine unknown values; ``reported_enums`` keep them and report them.
    ``expected_every`` is how often the source delivers a new file: a source whose newest file
    is older than that is late (its raw asset's freshness check fails). Overridable per source
    with ``VOC_FRESHNESS_HOURS_<SOURCE>`` (``voc_core.settings``).
    """

    name: str
    file_format: FileFormat
    key: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    not_null: tuple[str, ...] = ()
    timestamps: tuple[str, ...] = ()
    dates: tuple[str, ...] = ()
    integer_ranges: dict[str, tuple[int, int]] = field(default_factory=dict)
    numbers: tuple[str, ...] = ()
    strict_enums: dict[str, tuple[str, ...]] = field(default_factory=dict)
    reported_enums: dict[str, tuple[str, ...]] = field(default_factory=dict)
    text_column: str | None = None
    #: (value column, scale column): the value's range depends on the scale, as a survey
    #: ``score`` depends on its ``survey_type`` (``SURVEY_SCORE_RANGES``).
    scaled_score: tuple[str, str] | None = None
    #: Daily exports by default; see ``expected_every`` above.
    expected_every: timedelta = timedelta(days=1)

    @property
    def columns(self) -> tuple[str, ...]:
        """All known columns, in the order of the raw table."""
        return self.required + tuple(c for c in self.optional if c not in self.required)


SOURCES: dict[str, SourceContract] = {
    c.name: c
    for c in (
        SourceContract(
            name="survey",
            file_format="csv",
            key="response_id",
            required=("response_id", "customer_id", "survey_type", "score", "submitted_at"),
            optional=("touchpoint", "comment", "store_id", "language"),
            # score may be blank: the question was seen but not answered (MARTS.md).
            not_null=("response_id", "customer_id", "survey_type", "submitted_at"),
            timestamps=("submitted_at",),
            strict_enums={"survey_type": tuple(SURVEY_SCORE_RANGES)},
            scaled_score=("score", "survey_type"),
            reported_enums={"touchpoint": TOUCHPOINTS},
            text_column="comment",
        ),
        SourceContract(
            name="app_review",
            file_format="jsonl",
            key="review_id",
            required=("review_id", "platform", "rating", "content", "created_at"),
            optional=(
                "app_version",
                "customer_id",
                "device_id",
                "title",
                "reply_content",
                "replied_at",
            ),
            not_null=("review_id", "platform", "rating", "created_at"),
            timestamps=("created_at", "replied_at"),
            integer_ranges={"rating": (1, 5)},
            reported_enums={"platform": APP_PLATFORMS},
            text_column="content",
        ),
        SourceContract(
            name="ecommerce_review",
            file_format="jsonl",
            key="review_id",
            required=(
                "review_id",
                "platform",
                "store_id",
                "sku",
                "reviewer_id",
                "rating",
                "content",
                "created_at",
            ),
            optional=(
                "order_id",
                "customer_id",
                "reviewer_registered_at",
                "images",
                "is_followup",
                "reply_content",
                "replied_at",
                "ip_region",
            ),
            not_null=(
                "review_id",
                "platform",
                "store_id",
                "sku",
                "reviewer_id",
                "rating",
                "created_at",
            ),
            timestamps=("created_at", "reviewer_registered_at", "replied_at"),
            integer_ranges={"rating": (1, 5)},
            reported_enums={"platform": MARKETPLACES},
            text_column="content",
        ),
        SourceContract(
            name="social",
            file_format="jsonl",
            key="post_id",
            required=("post_id", "platform", "author_id", "content", "created_at"),
            optional=("author_followers", "likes", "reposts", "comments", "url", "parent_post_id"),
            not_null=("post_id", "platform", "author_id", "created_at"),
            timestamps=("created_at",),
            integer_ranges={
                "author_followers": (0, 10**12),
                "likes": (0, 10**12),
                "reposts": (0, 10**12),
                "comments": (0, 10**12),
            },
            reported_enums={"platform": SOCIAL_PLATFORMS},
            text_column="content",
        ),
        SourceContract(
            name="support_ticket",
            file_format="csv",
            key="ticket_id",
            required=("ticket_id", "contact_channel", "opened_at", "category", "description"),
            optional=(
                "customer_id",
                "first_response_at",
                "resolved_at",
                "priority",
                "status",
                "contact_count",
                "handle_seconds",
                "resolution",
                "csat",
            ),
            not_null=("ticket_id", "contact_channel", "opened_at", "category"),
            timestamps=("opened_at", "first_response_at", "resolved_at"),
            integer_ranges={
                "csat": (1, 5),
                "contact_count": (1, 1000),
                "handle_seconds": (0, 10**7),
            },
            reported_enums={"contact_channel": CONTACT_CHANNELS},
            text_column="description",
        ),
        SourceContract(
            name="store_card",
            file_format="csv",
            key="card_id",
            required=("card_id", "store_id", "visit_date", "rating"),
            optional=("comment", "contact"),
            not_null=("card_id", "store_id", "visit_date", "rating"),
            dates=("visit_date",),
            integer_ranges={"rating": (1, 5)},
            text_column="comment",
        ),
        SourceContract(
            name="crm_customer",
            file_format="csv",
            key="customer_id",
            required=("customer_id", "registered_at"),
            optional=("birth_year", "gender", "city", "tier", "phone", "email", "closed_at"),
            not_null=("customer_id", "registered_at"),
            timestamps=("registered_at", "closed_at"),
            integer_ranges={"birth_year": (1900, 2030)},
        ),
        SourceContract(
            name="order",
            file_format="csv",
            key="order_id",
            required=("order_id", "customer_id", "ordered_at", "amount", "status"),
            optional=("store_id", "sku", "channel"),
            not_null=("order_id", "customer_id", "ordered_at", "amount", "status"),
            timestamps=("ordered_at",),
            numbers=("amount",),
            strict_enums={
                "status": ("paid", "refunded", "cancelled"),
                "channel": ("online", "store"),
            },
        ),
        SourceContract(
            name="improvement_action",
            file_format="csv",
            key="action_id",
            required=("action_id", "title", "topic", "launched_at"),
            optional=("description", "scope_channel", "scope_store_id", "owner"),
            not_null=("action_id", "title", "topic", "launched_at"),
            timestamps=("launched_at",),
            strict_enums={"topic": TOPICS, "scope_channel": (*FEEDBACK_SOURCE_NAMES, "all")},
            # Delivered when an improvement goes live, not on a schedule: a month without
            # one is normal, longer is worth a look.
            expected_every=timedelta(days=30),
        ),
        SourceContract(
            name="topic_label",
            file_format="csv",
            key="label_id",
            required=("label_id", "source", "source_record_id", "labelled_at"),
            # One row per topic the labeller found in the comment, with its polarity; a
            # comment about none of the topics gets one row with both empty.
            optional=("topic", "polarity", "labeller"),
            not_null=("label_id", "source", "source_record_id", "labelled_at"),
            timestamps=("labelled_at",),
            strict_enums={
                "source": FEEDBACK_SOURCE_NAMES,
                "topic": TOPICS,
                "polarity": TOPIC_POLARITIES,
            },
            # A monthly audit sample labelled by people (mart_key_drivers' adjusted
            # estimates); a deployment that labels nothing only sees this check warn.
            expected_every=timedelta(days=31),
        ),
    )
}

assert tuple(n for n, c in SOURCES.items() if c.text_column) == FEEDBACK_SOURCE_NAMES


class Reason:
    """Quarantine reason codes (``raw._quarantine.reason``)."""

    MALFORMED_JSON = "MALFORMED_JSON"  # a JSON Lines line that is not a JSON object
    MALFORMED_ROW = "MALFORMED_ROW"  # a CSV record with the wrong number of fields
    ENCODING_ERROR = "ENCODING_ERROR"  # bytes that do not decode in the file's encoding
    MISSING_REQUIRED_COLUMN = "MISSING_REQUIRED_COLUMN"  # whole file: a required column absent
    MISSING_REQUIRED_VALUE = "MISSING_REQUIRED_VALUE"  # a key or required field is empty
    INVALID_TIMESTAMP = "INVALID_TIMESTAMP"  # not a timestamp in an accepted format
    FUTURE_TIMESTAMP = "FUTURE_TIMESTAMP"  # later than the load time (plus a small tolerance)
    INVALID_NUMBER = "INVALID_NUMBER"  # a score, rating, count or amount that is not a number
    OUT_OF_RANGE = "OUT_OF_RANGE"  # a score or rating outside its scale
    UNKNOWN_ENUM = "UNKNOWN_ENUM"  # a value outside a closed list (survey_type, status, ...)
