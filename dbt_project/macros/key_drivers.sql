{#
    Per-topic column lists of the key-driver models (models/intermediate/insights,
    mart_key_drivers), one entry per topic of var key_driver_topics. neg_<topic> is 1 when a
    survey answer's comment mentions the topic with negative topic sentiment.
#}

{# In a query over fct_feedback_topic rows of negative sentiment grouped by feedback_id. #}
{% macro key_driver_negative_flags() -%}
    {%- for topic in var('key_driver_topics') %}
    max(case when topic = '{{ topic }}' then 1 else 0 end) as neg_{{ topic }}
    {{- "," if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{# The flags of `relation` (left-joined: no row means no negative mention), 0 when absent. #}
{% macro key_driver_negative_columns(relation) -%}
    {%- for topic in var('key_driver_topics') %}
    coalesce({{ relation }}.neg_{{ topic }}, 0) as neg_{{ topic }}
    {{- "," if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{#
    The rows of `relation` (int_survey_topic_mentions) once per topic: window, segment,
    survey type and score, with topic and is_negative (the topic's flag as a boolean).
#}
{% macro key_driver_answer_topics(relation) -%}
    {%- for topic in var('key_driver_topics') %}
    select
        window_name,
        window_start,
        window_end,
        segment,
        '{{ topic }}' as topic,
        survey_type,
        score,
        neg_{{ topic }} = 1 as is_negative
    from {{ relation }}
    {{ "union all" if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{#
    In a query over stg_topic_label rows grouped by labelled comment: true_neg_<topic> is 1
    when the labeller found the topic with negative polarity.
#}
{% macro key_driver_labelled_flags() -%}
    {%- for topic in var('key_driver_topics') %}
    max(case when topic = '{{ topic }}' and polarity = 'negative' then 1 else 0 end)
        as true_neg_{{ topic }}
    {{- "," if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{# True when a feedback item has a comment to read (its cleaned text is not empty). #}
{% macro has_comment(text_column) -%}
    coalesce(length(trim({{ text_column }})) > 0, false)
{%- endmacro %}

{# The true_neg_<topic> columns of `relation`. #}
{% macro key_driver_labelled_columns(relation) -%}
    {%- for topic in var('key_driver_topics') %}
    {{ relation }}.true_neg_{{ topic }}
    {{- "," if not loop.last }}
    {%- endfor %}
{%- endmacro %}
