{#
    Churn risk in 0..1 (var churn_risk_weights, documented in dbt_project.yml): a weighted sum
    of four scores in 0..1, each non-decreasing in what makes a customer likelier to leave:
      recency   = min(days since last paid order / churn_window_days, 1) (1 with no order)
      frequency = 1 / (1 + paid orders in the last 365 days)
      negative  = share of negative feedback in the recent period
      detractor = 1 when the latest recent NPS answer is 0-6
    The weights sum to 1, so the risk stays in 0..1.
#}
{% macro churn_risk(days_since_last_order, orders_last_365d, negative_share, is_detractor) -%}
    {%- set w = var('churn_risk_weights') -%}
    round(
        {{ w.recency }} * coalesce(least(1.0 * ({{ days_since_last_order }})
            / {{ var('churn_window_days') }}, 1.0), 1.0)
        + {{ w.frequency }} * (1.0 / (1 + coalesce({{ orders_last_365d }}, 0)))
        + {{ w.negative }} * coalesce({{ negative_share }}, 0)
        + {{ w.detractor }} * case when {{ is_detractor }} then 1.0 else 0.0 end,
        4
    )
{%- endmacro %}
