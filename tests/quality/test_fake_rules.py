"""Each fake-review rule on a hand-made case it must flag and a look-alike it must not.

One tiny warehouse holds every case (each on its own listings and accounts, so cases do not
meet); the authenticity models are built on it once with dbt, and each test reads one rule.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from quality.expectations.authenticity import (
    authenticity_suites,
    load_manifest,
    rule_codes,
    rule_descriptions,
)
from tests.conftest import run_dbt
from tests.quality.review_inputs import add_reviews, create_review_inputs
from text_analytics.signature import simhash

OLD = timedelta(days=700)  # an account's age unless a case says otherwise


@dataclass
class Review:
    feedback_id: str
    at: datetime
    rating: int = 4
    text: str | None = None
    sentiment: float = 0.0
    author: str | None = None  # default: an account of its own
    listing: tuple[str, str] | None = None  # (store_id, sku); default: a listing of its own
    age: timedelta = OLD
    source: str = "ecommerce_review"
    platform: str = "tmall"
    extra: dict = field(default_factory=dict)


CASES: dict[str, list[Review]] = {}


def case(name: str, reviews: list[Review]) -> None:
    CASES[name] = reviews


T0 = datetime(2026, 3, 2, 4, 0)  # 12:00 in Shanghai

# NEAR_DUPLICATE: one text with small edits from three accounts on one listing in a week.
BASE_TEXT = "这款净化器用了一个星期，甲醛数值降得很快，物流也很给力，客服回复及时"
case(
    "near_duplicate_campaign",
    [
        Review("nd-1", T0, 5, BASE_TEXT, author="nd-a", listing=("E1", "P-ND")),
        Review(
            "nd-2",
            T0 + timedelta(days=2),
            5,
            BASE_TEXT + "！👍",
            author="nd-b",
            listing=("E1", "P-ND"),
        ),
        Review(
            "nd-3",
            T0 + timedelta(days=5),
            5,
            BASE_TEXT.replace("很快", "非常快"),
            author="nd-c",
            listing=("E1", "P-ND"),
        ),
    ],
)
# Look-alikes: the same copies on three different listings; three copies by one account;
# copies more than 30 days apart; a short stock phrase and a platform placeholder everywhere.
case(
    "near_duplicate_lookalikes",
    [
        Review("ndx-1", T0, 5, BASE_TEXT, author="ndx-a", listing=("E1", "P-X1")),
        Review("ndx-2", T0, 5, BASE_TEXT + "！", author="ndx-b", listing=("E1", "P-X2")),
        Review("ndx-3", T0, 5, BASE_TEXT, author="ndx-c", listing=("E2", "P-X1")),
        *(
            Review(
                f"ndx-same-{i}",
                T0 + timedelta(days=i),
                5,
                BASE_TEXT,
                author="ndx-same",
                listing=("E1", "P-X3"),
            )
            for i in range(3)
        ),
        *(
            Review(
                f"ndx-far-{i}",
                T0 + timedelta(days=40 * i),
                5,
                BASE_TEXT,
                author=f"ndx-far-{i}",
                listing=("E1", "P-X4"),
            )
            for i in range(3)
        ),
        *(
            Review(
                f"ndx-short-{i}",
                T0 + timedelta(hours=i),
                5,
                "质量很好，好评",
                author=f"ndx-short-{i}",
                listing=("E1", "P-X5"),
            )
            for i in range(6)
        ),
        *(
            Review(
                f"ndx-default-{i}",
                T0 + timedelta(hours=i),
                5,
                "用户未及时评价，系统默认好评",
                author=f"ndx-default-{i}",
                listing=("E1", "P-X6"),
            )
            for i in range(6)
        ),
    ],
)

# BURST: a listing with one review a day gets ten 5-star reviews in one day.
B_DAY = datetime(2026, 3, 1, 2, 0)
BASELINE_START = B_DAY - timedelta(days=28)


def _baseline(prefix: str, listing: tuple[str, str], per_day: int) -> list[Review]:
    return [
        Review(
            f"{prefix}-base-{d}-{k}",
            BASELINE_START + timedelta(days=d, hours=k),
            3,
            listing=listing,
        )
        for d in range(28)
        for k in range(per_day)
    ]


case(
    "burst",
    [
        *_baseline("bu", ("E3", "P-BU"), 1),
        *(
            Review(f"bu-{i}", B_DAY + timedelta(minutes=20 * i), 5, listing=("E3", "P-BU"))
            for i in range(10)
        ),
        Review("bu-other-rating", B_DAY + timedelta(hours=5), 3, listing=("E3", "P-BU")),
    ],
)
# Look-alikes: a best-seller (three a day) with 12 that day is only four times its usual;
# a quiet listing with ten reviews of mixed ratings that day.
case(
    "burst_lookalikes",
    [
        *_baseline("bux-busy", ("E3", "P-BUSY"), 3),
        *(
            Review(f"bux-busy-{i}", B_DAY + timedelta(minutes=20 * i), 5, listing=("E3", "P-BUSY"))
            for i in range(12)
        ),
        *_baseline("bux-mixed", ("E3", "P-MIX"), 1),
        *(
            Review(
                f"bux-mixed-{i}",
                B_DAY + timedelta(minutes=20 * i),
                5 if i % 2 else 3,
                listing=("E3", "P-MIX"),
            )
            for i in range(10)
        ),
    ],
)

# VELOCITY: one account posts five reviews within 100 minutes.
case(
    "velocity",
    [Review(f"ve-{i}", T0 + timedelta(minutes=25 * i), 5, author="ve-a") for i in range(5)],
)
# Look-alike: five reviews 45 minutes apart (at most three in any two hours).
case(
    "velocity_lookalikes",
    [Review(f"vex-{i}", T0 + timedelta(minutes=45 * i), 5, author="vex-a") for i in range(5)],
)
# Look-alike: a date-only export (every review at midnight in Shanghai) of an active
# reviewer's five reviews of one day, about five listings.
case(
    "velocity_date_only",
    [Review(f"ved-{i}", datetime(2026, 3, 1, 16, 0), 4, author="ved-a") for i in range(5)],
)

# NEW_ACCOUNT_EXTREME: a 10-hour-old account leaves 5 stars.
case("new_account", [Review("na-1", T0, 5, age=timedelta(hours=10))])
case(
    "new_account_lookalikes",
    [
        Review("nax-mid", T0, 3, age=timedelta(hours=10)),  # not an extreme rating
        Review("nax-old", T0, 1, age=timedelta(days=5)),  # account older than 3 days
        Review("nax-after", T0, 5, age=-timedelta(hours=2)),  # created after: a data error
    ],
)

# RATING_TEXT_MISMATCH: 5 stars on clearly negative text, 1 star on clearly positive text.
case(
    "mismatch",
    [
        Review("mm-5", T0, 5, "用了三天就坏了，太差了", sentiment=-0.93),
        Review("mm-1", T0, 1, "质量很好，非常满意，推荐", sentiment=0.91),
        Review(
            "mm-app",
            T0,
            5,
            "更新后天天闪退，根本用不了",
            sentiment=-0.95,
            source="app_review",
            platform="ios",
        ),
    ],
)
case(
    "mismatch_lookalikes",
    [
        Review("mmx-mild", T0, 5, "还行吧，物流有点慢", sentiment=-0.5),  # not clearly negative
        Review("mmx-four", T0, 4, "用了三天就坏了，太差了", sentiment=-0.93),  # not 5 stars
        Review("mmx-short", T0, 1, "好", sentiment=0.95),  # too short to contradict
    ],
)

# GENERIC_PRAISE: one stock phrase from six accounts, three of them days old.
TEMPLATE = "质量很好，物流很快，五星好评"
case(
    "generic_praise",
    [
        Review(
            f"gp-{i}",
            T0 + timedelta(days=i),
            5,
            TEMPLATE + ("！" if i % 2 else ""),
            age=timedelta(days=2) if i < 3 else OLD,
        )
        for i in range(6)
    ],
)
# Look-alikes: "好评" from ten established accounts and one new one; a template from only
# four accounts, all new.
case(
    "generic_praise_lookalikes",
    [
        *(
            Review(
                f"gpx-common-{i}",
                T0 + timedelta(days=i),
                5,
                "好评",
                age=timedelta(days=1) if i == 0 else OLD,
            )
            for i in range(11)
        ),
        *(
            Review(
                f"gpx-few-{i}", T0 + timedelta(days=i), 5, "宝贝收到了很喜欢", age=timedelta(days=1)
            )
            for i in range(4)
        ),
    ],
)

# Scoring: mismatch alone is not enough; mismatch on a brand-new account is.
case(
    "scoring",
    [Review("sc-both", T0, 5, "做工很差，客服也不理人", sentiment=-0.9, age=timedelta(hours=5))],
)


def _rows(reviews: list[Review]) -> tuple[list[tuple], list[tuple]]:
    feedback, scores = [], []
    for r in reviews:
        store, sku = r.listing or ("S-" + r.feedback_id, "K-" + r.feedback_id)
        if r.source != "ecommerce_review":
            store = sku = None
        registered = r.at - r.age if r.source == "ecommerce_review" else None
        feedback.append(
            (
                r.feedback_id,
                r.source,
                r.feedback_id,
                r.platform,
                None,
                r.author or "acct-" + r.feedback_id,
                registered,
                store,
                sku,
                r.at,
                r.rating,
            )
        )
        if r.text is not None:
            scores.append((r.feedback_id, r.text, r.sentiment, simhash(r.text)))
    return feedback, scores


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fake_rules")
    path = root / "rules.duckdb"
    feedback, scores = _rows([r for reviews in CASES.values() for r in reviews])
    create_review_inputs(path)
    add_reviews(path, feedback, scores)
    run_dbt(
        "build",
        "--select",
        "path:models/intermediate/authenticity",
        "fake_review_behaviour_model",
        "mart_review_authenticity",
        target_path=root / "target",
        duckdb_path=path,
    )
    return path


def _flagged(path: Path, rule: str, case_name: str) -> set[str]:
    ids = [r.feedback_id for r in CASES[case_name]]
    with duckdb.connect(str(path), read_only=True) as con:
        rows = con.execute(
            "select feedback_id from intermediate.int_fake_review_rule_hits "
            "where rule = ? and list_contains(?, feedback_id)",
            [rule, ids],
        ).fetchall()
    return {r[0] for r in rows}


def _evidence(path: Path, rule: str, feedback_id: str) -> dict:
    with duckdb.connect(str(path), read_only=True) as con:
        (evidence,) = con.execute(
            "select evidence from intermediate.int_fake_review_rule_hits "
            "where rule = ? and feedback_id = ?",
            [rule, feedback_id],
        ).fetchone()
    return json.loads(evidence)


def test_near_duplicate(built: Path) -> None:
    assert _flagged(built, "NEAR_DUPLICATE", "near_duplicate_campaign") == {"nd-1", "nd-2", "nd-3"}
    assert _flagged(built, "NEAR_DUPLICATE", "near_duplicate_lookalikes") == set()
    evidence = _evidence(built, "NEAR_DUPLICATE", "nd-1")
    assert evidence["other_accounts"] == 2
    assert set(evidence["near_duplicate_ids"]) == {"nd-2", "nd-3"}


def test_burst(built: Path) -> None:
    assert _flagged(built, "BURST", "burst") == {f"bu-{i}" for i in range(10)}
    assert _flagged(built, "BURST", "burst_lookalikes") == set()
    evidence = _evidence(built, "BURST", "bu-0")
    assert evidence["reviews_that_day"] == 11
    assert evidence["baseline_per_day"] == 1.0
    assert evidence["burst_rating"] == 5


def test_velocity(built: Path) -> None:
    assert _flagged(built, "VELOCITY", "velocity") == {f"ve-{i}" for i in range(5)}
    assert _flagged(built, "VELOCITY", "velocity_lookalikes") == set()
    assert _flagged(built, "VELOCITY", "velocity_date_only") == set()
    assert _evidence(built, "VELOCITY", "ve-4")["reviews_in_window"] == 5


def test_new_account_extreme(built: Path) -> None:
    assert _flagged(built, "NEW_ACCOUNT_EXTREME", "new_account") == {"na-1"}
    assert _flagged(built, "NEW_ACCOUNT_EXTREME", "new_account_lookalikes") == set()
    assert _evidence(built, "NEW_ACCOUNT_EXTREME", "na-1")["account_age_hours"] == 10.0


def test_rating_text_mismatch(built: Path) -> None:
    assert _flagged(built, "RATING_TEXT_MISMATCH", "mismatch") == {"mm-5", "mm-1", "mm-app"}
    assert _flagged(built, "RATING_TEXT_MISMATCH", "mismatch_lookalikes") == set()


def test_generic_praise(built: Path) -> None:
    assert _flagged(built, "GENERIC_PRAISE", "generic_praise") == {f"gp-{i}" for i in range(6)}
    assert _flagged(built, "GENERIC_PRAISE", "generic_praise_lookalikes") == set()
    evidence = _evidence(built, "GENERIC_PRAISE", "gp-0")
    assert (evidence["accounts"], evidence["new_accounts"]) == (6, 3)


def test_suspicion_score_combines_rules(built: Path) -> None:
    with duckdb.connect(str(built), read_only=True) as con:
        rows = {
            r[0]: r[1:]
            for r in con.execute(
                "select feedback_id, rules, rule_score, is_suspected_fake, evidence, "
                "behaviour_probability, suspicion_score, risk_level "
                "from marts.mart_review_authenticity"
            ).fetchall()
        }
        reviews = con.execute("select count(*) from intermediate.int_fake_review_base").fetchone()
    rules, rule_score, suspected, evidence, _, _, level = rows["sc-both"]
    assert rules == ["NEW_ACCOUNT_EXTREME", "RATING_TEXT_MISMATCH"]
    assert rule_score == pytest.approx(1 - (1 - 0.6) * (1 - 0.3))
    assert suspected and level == "suspected"
    assert set(json.loads(evidence)["rules"]) == set(rules)
    # One strong rule is suspected.
    assert rows["ve-0"][1:3] == (0.9, True)
    # Every review is scored, flagged or not: behaviour and rules combine as a noisy OR.
    assert len(rows) == reviews[0]
    for feedback_id, (_, rule, _, _, behaviour, score, _) in rows.items():
        expected = 1 - (1 - rule) * (1 - (behaviour or 0))
        assert score == pytest.approx(expected, abs=2e-4), feedback_id
    assert rows["mmx-mild"][0] == [] and rows["mmx-mild"][1:3] == (0, False)
    # App reviews get the rules only.
    assert rows["mm-app"][4] is None
    assert json.loads(rows["mm-app"][3])["behaviour"] is None


def test_behaviour_never_convicts_alone(built: Path) -> None:
    """A review no rule flags is never suspected, whatever its behaviour; a rule too weak to
    flag alone is flagged only when behaviour lifts it over the bar."""
    with duckdb.connect(str(built), read_only=True) as con:
        wrong = con.execute(
            "select count(*) from marts.mart_review_authenticity "
            "where is_suspected_fake and (rule_count = 0 or suspicion_score < 0.5)"
        ).fetchone()[0]
        mismatch_only = con.execute(
            "select is_suspected_fake, suspicion_score >= 0.5 from marts.mart_review_authenticity "
            "where rules = ['RATING_TEXT_MISMATCH']"
        ).fetchall()
    assert wrong == 0
    assert mismatch_only and all(suspected == over for suspected, over in mismatch_only)


def test_rules_are_described_by_the_dbt_manifest() -> None:
    """Codes in the order of var fake_rule_weights, each described by its own model."""
    manifest = load_manifest()  # parsed at session start (tests/conftest.py)
    codes = rule_codes(manifest)
    assert codes == (
        "NEAR_DUPLICATE",
        "VELOCITY",
        "GENERIC_PRAISE",
        "BURST",
        "NEW_ACCOUNT_EXTREME",
        "RATING_TEXT_MISMATCH",
    )
    descriptions = rule_descriptions(manifest)
    assert all(descriptions[code].startswith(f"{code}. ") for code in codes)


def test_rule_hits_suite_has_one_warning_per_rule_of_the_manifest() -> None:
    def model(name: str, **fields: object) -> dict:
        return {"resource_type": "model", "name": name, **fields}

    manifest = {
        "nodes": {
            "model.p.int_fake_review_rule_hits": model(
                "int_fake_review_rule_hits", config={"meta": {"rule_weights": {"B": 0.5, "A": 1}}}
            ),
            "model.p.int_fake_rule_a": model("int_fake_rule_a", description="A.  Two\n words."),
            "seed.p.int_fake_rule_b": {"resource_type": "seed", "name": "int_fake_rule_b"},
        }
    }
    (suite,) = authenticity_suites(manifest)
    assert suite.requires == ("intermediate.int_fake_review_rule_hits",)
    warnings = [c for c in suite.checks if c.severity == "warning"]
    assert [c.name for c in warnings] == ["rule_hits(B)", "rule_hits(A)"]
    assert warnings[0].description.startswith("B: fake-review rule ")
    assert warnings[1].description.startswith("A: A. Two words. ")
