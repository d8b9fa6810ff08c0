{#
    p-values in SQL. normal_cdf uses the Abramowitz-Stegun 7.1.26 approximation of erf
    (absolute error below 1.5e-7), so z-tests are exact to reporting precision. Student's t
    (Welch's test) uses Hill's normalising transformation (error below 1e-6 in p for 5+ degrees
    of freedom). Both are checked against scipy in tests/dbt/test_statistics.py.
#}

{% macro erf(x) -%}
    (sign({{ x }}) * (1 - (
        0.254829592 * (1 / (1 + 0.3275911 * abs({{ x }})))
        - 0.284496736 * power(1 / (1 + 0.3275911 * abs({{ x }})), 2)
        + 1.421413741 * power(1 / (1 + 0.3275911 * abs({{ x }})), 3)
        - 1.453152027 * power(1 / (1 + 0.3275911 * abs({{ x }})), 4)
        + 1.061405429 * power(1 / (1 + 0.3275911 * abs({{ x }})), 5)
    ) * exp(-({{ x }}) * ({{ x }}))))
{%- endmacro %}

{% macro normal_cdf(z) -%}
    (0.5 * (1 + {{ erf('(' ~ z ~ ') / sqrt(2)') }}))
{%- endmacro %}

{# Two-sided p-value of a z statistic; null when z is null. #}
{% macro p_value_from_z(z) -%}
    (2 * (1 - {{ normal_cdf('abs(' ~ z ~ ')') }}))
{%- endmacro %}

{#
    Two-sided p-value of a t statistic with df degrees of freedom: Hill's (1970) normalising
    transformation of Student's t (CACM algorithm 395), then the normal tail. w is
    sqrt(a * ln(1 + t^2/df)) with a = df - 0.5.
#}
{% macro t_to_normal_z(t, df) -%}
    {%- set a = '((' ~ df ~ ') - 0.5)' -%}
    {%- set b = '(48 * power(' ~ a ~ ', 2))' -%}
    {%- set w = 'sqrt(' ~ a ~ ' * ln(1 + power(' ~ t ~ ', 2) / (' ~ df ~ ')))' -%}
    ({{ w }} + (power({{ w }}, 3) + 3 * {{ w }}) / {{ b }}
        - (4 * power({{ w }}, 7) + 33 * power({{ w }}, 5) + 240 * power({{ w }}, 3) + 855 * {{ w }})
        / (10 * {{ b }} * ({{ b }} + 0.8 * power({{ w }}, 4) + 100)))
{%- endmacro %}

{% macro p_value_from_t(t, df) -%}
    {{ p_value_from_z(t_to_normal_z(t, df)) }}
{%- endmacro %}

{# Welch-Satterthwaite degrees of freedom from two variances and sizes. #}
{% macro welch_df(var1, n1, var2, n2) -%}
    (power({{ var1 }} / {{ n1 }} + {{ var2 }} / {{ n2 }}, 2)
        / nullif(
            power({{ var1 }} / {{ n1 }}, 2) / nullif({{ n1 }} - 1, 0)
            + power({{ var2 }} / {{ n2 }}, 2) / nullif({{ n2 }} - 1, 0),
            0
        ))
{%- endmacro %}

{# Pooled two-proportion z statistic: hits h out of n in each window. #}
{% macro two_proportion_z(h1, n1, h2, n2) -%}
    ((1.0 * ({{ h2 }}) / ({{ n2 }}) - 1.0 * ({{ h1 }}) / ({{ n1 }}))
        / nullif(sqrt(
            (1.0 * (({{ h1 }}) + ({{ h2 }})) / (({{ n1 }}) + ({{ n2 }})))
            * (1 - 1.0 * (({{ h1 }}) + ({{ h2 }})) / (({{ n1 }}) + ({{ n2 }})))
            * (1.0 / ({{ n1 }}) + 1.0 / ({{ n2 }}))
        ), 0))
{%- endmacro %}

{#
    z statistic comparing two NPS figures (MARTS.md): (nps2 - nps1) / sqrt(var1/n1 + var2/n2)
    with var = p + d - (p - d)^2 on the unadjusted promoter and detractor shares.
#}
{% macro nps_z(promoters1, detractors1, n1, promoters2, detractors2, n2) -%}
    {%- set p1 = '(1.0 * (' ~ promoters1 ~ ') / (' ~ n1 ~ '))' -%}
    {%- set d1 = '(1.0 * (' ~ detractors1 ~ ') / (' ~ n1 ~ '))' -%}
    {%- set p2 = '(1.0 * (' ~ promoters2 ~ ') / (' ~ n2 ~ '))' -%}
    {%- set d2 = '(1.0 * (' ~ detractors2 ~ ') / (' ~ n2 ~ '))' -%}
    (({{ p2 }} - {{ d2 }} - ({{ p1 }} - {{ d1 }}))
        / nullif(sqrt(
            ({{ p1 }} + {{ d1 }} - power({{ p1 }} - {{ d1 }}, 2)) / ({{ n1 }})
            + ({{ p2 }} + {{ d2 }} - power({{ p2 }} - {{ d2 }}, 2)) / ({{ n2 }})
        ), 0))
{%- endmacro %}

{# Welch's t statistic from two means, sample variances and sizes. #}
{% macro welch_t(mean1, var1, n1, mean2, var2, n2) -%}
    ((({{ mean2 }}) - ({{ mean1 }}))
        / nullif(sqrt(({{ var1 }}) / ({{ n1 }}) + ({{ var2 }}) / ({{ n2 }})), 0))
{%- endmacro %}

{#
    Standard error of the difference of two NPS figures, as shares (x 100 for NPS points):
    sqrt(var1/n1 + var2/n2) with var = p + d - (p - d)^2 per group, the variance nps_z uses.
    For intervals around a difference; null when a group is empty.
#}
{% macro nps_difference_se(promoters1, detractors1, n1, promoters2, detractors2, n2) -%}
    {%- set p1 = '(1.0 * (' ~ promoters1 ~ ') / nullif(' ~ n1 ~ ', 0))' -%}
    {%- set d1 = '(1.0 * (' ~ detractors1 ~ ') / nullif(' ~ n1 ~ ', 0))' -%}
    {%- set p2 = '(1.0 * (' ~ promoters2 ~ ') / nullif(' ~ n2 ~ ', 0))' -%}
    {%- set d2 = '(1.0 * (' ~ detractors2 ~ ') / nullif(' ~ n2 ~ ', 0))' -%}
    sqrt(
        ({{ p1 }} + {{ d1 }} - power({{ p1 }} - {{ d1 }}, 2)) / nullif({{ n1 }}, 0)
        + ({{ p2 }} + {{ d2 }} - power({{ p2 }} - {{ d2 }}, 2)) / nullif({{ n2 }}, 0)
    )
{%- endmacro %}

{#
    Unpooled standard error of the difference of two proportions (hits h out of n each), for
    its Wald interval (the test uses the pooled two_proportion_z); null when a group is empty.
#}
{% macro two_proportion_se(h1, n1, h2, n2) -%}
    {%- set s1 = '(1.0 * (' ~ h1 ~ ') / nullif(' ~ n1 ~ ', 0))' -%}
    {%- set s2 = '(1.0 * (' ~ h2 ~ ') / nullif(' ~ n2 ~ ', 0))' -%}
    sqrt(
        {{ s1 }} * (1 - {{ s1 }}) / nullif({{ n1 }}, 0)
        + {{ s2 }} * (1 - {{ s2 }}) / nullif({{ n2 }}, 0)
    )
{%- endmacro %}

{# The normal 97.5 % quantile: the half-width of a two-sided 95 % interval in standard errors. #}
{% macro z_975() -%}
    cast(1.959963984540054 as double)
{%- endmacro %}
