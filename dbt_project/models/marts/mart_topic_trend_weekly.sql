{{
    config(
        materialized='incremental',
        unique_key='week_start',
        incremental_strategy='delete+insert',
        on_schema_change='fail'
    )
}}

{#
    Topic mentions per ISO week (Monday start, business calendar), topic and source, with
    the share that was negative and the mean topic sentiment. Incremental: a run rebuilds
    only the weeks that received newly scored mentions (late feedback included).
#}

with

topics as (
    select
        *,
        cast({{ dbt.date_trunc('week', 'day') }} as date) as week_start
    from {{ ref('fct_feedback_topic') }}
)

select
    week_start,
    topic,
    source,
    count(*) as mentions,
    count(case when topic_sentiment_label = 'negative' then 1 end) as negative_mentions,
    count(case when topic_sentiment_label = 'positive' then 1 end) as positive_mentions,
    1.0 * count(case when topic_sentiment_label = 'negative' then 1 end) / count(*)
        as negative_share,
    avg(topic_sentiment_score) as avg_sentiment,
    sum(topic_sentiment_score) as sentiment_sum,
    max(scored_at) as scored_at
from topics
{% if is_incremental() %}
    where week_start in (
        select distinct week_start from topics
        where scored_at > (select max(scored_at) from {{ this }})
    )
{% endif %}
group by 1, 2, 3
