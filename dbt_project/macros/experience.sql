{# The count columns of the experience marts, listed once. #}
{% macro experience_count_names() -%}
    {{ return(['nps_responses', 'promoters', 'passives', 'detractors', 'nps_unanswered',
        'csat_responses', 'csat_satisfied', 'csat_score_sum', 'csat_unanswered',
        'ces_responses', 'ces_easy', 'ces_score_sum', 'ces_unanswered']) }}
{%- endmacro %}

{% macro experience_count_sums() -%}
    {%- for column in experience_count_names() %}
    sum({{ column }}) as {{ column }}{{ "," if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{% macro experience_count_columns() -%}
    {%- for column in experience_count_names() %}
    {{ column }}{{ "," if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{# NPS, CSAT and CES figures from their counts (MARTS.md); null where there is no answer. #}
{% macro experience_ratios() -%}
    100.0 * (promoters - detractors) / nullif(nps_responses, 0) as nps,
    100.0 * csat_satisfied / nullif(csat_responses, 0) as csat_pct,
    1.0 * csat_score_sum / nullif(csat_responses, 0) as csat_mean,
    1.0 * ces_score_sum / nullif(ces_responses, 0) as ces_mean,
    100.0 * ces_easy / nullif(ces_responses, 0) as ces_easy_pct
{%- endmacro %}

{#
    95% adjusted-Wald interval of NPS (MARTS.md), in NPS points clipped to [-100, 100]:
    n' = n + 3, p = (promoters + 0.75) / n', d = (detractors + 0.75) / n',
    bound = 100 * (p - d -/+ 1.96 * sqrt((p + d - (p - d)^2) / n')); null without answers.
    `side` is 'low' or 'high'.
#}
{% macro nps_interval_bound(side, promoters='promoters', detractors='detractors',
    responses='nps_responses') -%}
    {%- set p = '((' ~ promoters ~ ' + 0.75) / (' ~ responses ~ ' + 3.0))' -%}
    {%- set d = '((' ~ detractors ~ ' + 0.75) / (' ~ responses ~ ' + 3.0))' -%}
    {%- set se = 'sqrt((' ~ p ~ ' + ' ~ d ~ ' - power(' ~ p ~ ' - ' ~ d ~ ', 2)) / ('
        ~ responses ~ ' + 3.0))' -%}
    case
        when {{ responses }} > 0 then
        {%- if side == 'low' %}
            greatest(-100.0, 100 * ({{ p }} - {{ d }} - 1.96 * {{ se }}))
        {%- else %}
            least(100.0, 100 * ({{ p }} - {{ d }} + 1.96 * {{ se }}))
        {%- endif %}
    end
{%- endmacro %}

{#
    95% Wilson score interval of a proportion successes / trials, in percent; null without
    trials. `side` is 'low' or 'high'.
#}
{% macro wilson_interval_bound(side, successes, trials) -%}
    {%- set p = '(1.0 * ' ~ successes ~ ' / ' ~ trials ~ ')' -%}
    {%- set centre = '(' ~ p ~ ' + 3.8416 / (2.0 * ' ~ trials ~ '))' -%}
    {%- set half = '1.96 * sqrt(' ~ p ~ ' * (1 - ' ~ p ~ ') / ' ~ trials
        ~ ' + 3.8416 / (4.0 * power(' ~ trials ~ ', 2)))' -%}
    case
        when {{ trials }} > 0 then
            100 * ({{ centre }} {{ '-' if side == 'low' else '+' }} {{ half }})
            / (1 + 3.8416 / {{ trials }})
    end
{%- endmacro %}

{#
    95% normal-approximation interval of a mean from n, the sum and the sum of squares:
    mean -/+ 1.96 * s / sqrt(n), s the sample standard deviation; null below 2 answers.
#}
{% macro mean_interval_bound(side, n, total, total_squares) -%}
    case
        when {{ n }} >= 2 then
            1.0 * {{ total }} / {{ n }}
            {{ '-' if side == 'low' else '+' }} 1.96 * sqrt(
                greatest(
                    ({{ total_squares }} - 1.0 * power({{ total }}, 2) / {{ n }}) / ({{ n }} - 1),
                    0
                ) / {{ n }}
            )
    end
{%- endmacro %}
