"""The insight marts in a few lines each, for ``voc summary``: what drives NPS, where the
journey breaks, what customers are worth and how the brands compare. Each block is skipped
when its mart does not exist yet (a warehouse built before the marts did)."""

from __future__ import annotations

import duckdb

from voc_core.catalog import relation_exists


def _has(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    return relation_exists(con, "marts", table)


def _money(value: float | None) -> str:
    return "-" if value is None else f"{value / 1e6:,.2f} M"


def _number(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def print_key_drivers(con: duckdb.DuckDBPyConnection) -> None:
    """Topics of the rolling window, all segments, most costly first."""
    if not _has(con, "mart_key_drivers"):
        return
    rows = con.execute(
        """select topic, negative_mentions, negative_mention_share, nps_impact,
                  score_coefficient, score_coefficient_ci_low, score_coefficient_ci_high,
                  score_coefficient_p_value, quadrant, r_squared, respondents,
                  adjusted_score_coefficient, adjusted_score_coefficient_ci_low,
                  adjusted_score_coefficient_ci_high, labelled_answers
           from marts.mart_key_drivers
           where window_name like 'rolling%' and segment = 'all'
           order by score_coefficient nulls last, nps_impact"""
    ).fetchall()
    if not rows:
        return
    print(
        f"\nWhat drives NPS (marts.mart_key_drivers, rolling window, all segments; "
        f"{rows[0][10]:,} NPS answers, R² {_number(rows[0][9], 3)}):"
    )
    print(
        f"  {'topic':<19}{'complaints':>11}{'share':>7}{'NPS gap':>9}"
        f"{'score effect [95% CI]':>25}{'p':>8}{'adjusted [95% CI]':>25}  quadrant"
    )
    for row in rows:
        topic, mentions, share, impact, coef, low, high, p, quadrant = row[:9]
        adjusted, adjusted_low, adjusted_high = row[11:14]
        print(
            f"  {topic:<19}{mentions:>11,}{_number(share and 100 * share):>6}%"
            f"{_number(impact):>9}{_interval(coef, low, high):>25}{_number(p, 3):>8}"
            f"{_interval(adjusted, adjusted_low, adjusted_high):>25}  {quadrant}"
        )
    print(
        f"  adjusted: corrected for topic-detection errors with {rows[0][14]:,} hand-labelled "
        "comments (source topic_label); '-' without enough labels"
    )


def _interval(value: float | None, low: float | None, high: float | None) -> str:
    return "-" if value is None else f"{value:+.2f} [{low:+.2f}, {high:+.2f}]"


def print_journey(con: duckdb.DuckDBPyConnection) -> None:
    """NPS and negative share per touchpoint over the whole history, all segments."""
    if not _has(con, "mart_journey_monthly"):
        return
    rows = con.execute(
        """select touchpoint, sum(nps_responses),
                  100.0 * (sum(promoters) - sum(detractors)) / nullif(sum(nps_responses), 0),
                  1.0 * sum(negative_text_items) / nullif(sum(text_items), 0)
           from marts.mart_journey_monthly where segment = 'all'
           group by 1 order by 3 nulls last"""
    ).fetchall()
    if not rows:
        return
    print("\nJourney (marts.mart_journey_monthly, all months, all segments), worst NPS first:")
    print(f"  {'touchpoint':<12}{'NPS answers':>12}{'NPS':>8}{'negative text':>15}")
    for touchpoint, answers, nps, negative in rows:
        print(
            f"  {touchpoint:<12}{answers:>12,}{_number(nps):>8}"
            f"{_number(negative and 100 * negative):>14}%"
        )


def print_value(con: duckdb.DuckDBPyConnection) -> None:
    """Predicted value and value at risk by segment, as of the data's last day."""
    if not _has(con, "mart_segment_value"):
        return
    rows = con.execute(
        """select segment, predicted_value_12m, value_at_risk, as_of_date
           from marts.mart_segment_value
           where month_start = (select max(month_start) from marts.mart_segment_value)
           order by value_at_risk desc nulls last"""
    ).fetchall()
    if not rows:
        return
    print(f"\nCustomer value (marts.mart_segment_value) as of {rows[0][3]}:")
    print(f"  {'segment':<16}{'predicted 12m':>15}{'value at risk':>15}")
    for segment, predicted, at_risk, _ in rows:
        print(f"  {segment:<16}{_money(predicted):>15}{_money(at_risk):>15}")


def print_brands(con: duckdb.DuckDBPyConnection) -> None:
    """Share of voice and negative share per brand over the whole history."""
    if not _has(con, "mart_brand_weekly"):
        return
    rows = con.execute(
        """select brand, sum(mentions), sum(named_mentions),
                  1.0 * sum(negative_mentions) / nullif(sum(mentions), 0)
           from marts.mart_brand_weekly
           where source = 'all' and platform = 'all' and topic = 'all'
           group by 1 order by 2 desc"""
    ).fetchall()
    if not rows:
        return
    total = sum(r[1] for r in rows) or 1
    named = sum(r[2] for r in rows) or 1
    print("\nBrands (marts.mart_brand_weekly, all weeks):")
    print(
        f"  {'brand':<10}{'mentions':>10}{'share of voice':>16}{'named share':>13}{'negative':>10}"
    )
    for brand, mentions, named_mentions, negative in rows:
        print(
            f"  {brand:<10}{mentions:>10,}{100 * mentions / total:>15.1f}%"
            f"{100 * named_mentions / named:>12.1f}%{_number(negative and 100 * negative):>9}%"
        )


def print_insights(con: duckdb.DuckDBPyConnection) -> None:
    print_key_drivers(con)
    print_journey(con)
    print_value(con)
    print_brands(con)
