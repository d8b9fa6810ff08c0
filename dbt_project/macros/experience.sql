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
