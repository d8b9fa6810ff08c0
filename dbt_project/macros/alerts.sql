{#
    Binomial distribution in SQL, for the control limits of marts.mart_alerts. DuckDB has no
    binomial quantile, so a model lists k = 0..n for each row it tests, sums these
    probabilities in order of k and takes the first k whose cumulative probability reaches
    the quantile. lgamma keeps the binomial coefficient exact to double precision for any n
    a day of feedback can have. Checked against scipy.stats.binom in
    tests/dbt/test_alerts_rule.py.
#}

{# ln P(X = k) for X ~ Binomial(n, p), 0 < p < 1. #}
{% macro binomial_log_pmf(k, n, p) -%}
    (lgamma(({{ n }}) + 1) - lgamma(({{ k }}) + 1) - lgamma(({{ n }}) - ({{ k }}) + 1)
        + ({{ k }}) * ln({{ p }}) + (({{ n }}) - ({{ k }})) * ln(1 - ({{ p }})))
{%- endmacro %}

{# P(X = k) for X ~ Binomial(n, p), 0 < p < 1. #}
{% macro binomial_pmf(k, n, p) -%}
    exp({{ binomial_log_pmf(k, n, p) }})
{%- endmacro %}
