{{
    config(
        materialized='incremental',
        unique_key='feedback_id',
        incremental_strategy='delete+insert',
        on_schema_change='fail'
    )
}}

{# One row per feedback item and topic it mentions, with the topic's own sentiment. #}

with

topics as (
    select * from {{ source('text_analytics', 'feedback_topic_scores') }}
),

feedback as (
    select * from {{ ref('fct_feedback') }}
){% if is_incremental() %},

{#- The items whose topic rows to replace, found from keys alone so that only they are
    joined and written. It reads the tables, not the CTEs above: DuckDB materialises a CTE
    read more than once. #}
changed as (
    select feedback_id from {{ ref('fct_feedback') }}
    where scored_at > (select max(scored_at) from {{ this }})
    union
    -- An item whose fct_feedback row changed without a rescore: a corrected delivery
    -- (time, store, customer) or a fake-review flag that changed later.
    select previous.feedback_id
    from {{ this }} as previous
    inner join {{ ref('fct_feedback') }} as current_item
        on previous.feedback_id = current_item.feedback_id
    where
        previous.is_suspected_fake != current_item.is_suspected_fake
        or previous.created_at is distinct from current_item.created_at
        or previous.day is distinct from current_item.day
        or previous.store_id is distinct from current_item.store_id
        or previous.customer_id is distinct from current_item.customer_id
        or previous.source is distinct from current_item.source
    union
    -- Items with topics that a failed or interrupted run never wrote.
    select scored.feedback_id
    from {{ source('text_analytics', 'feedback_topic_scores') }} as scored
    where not exists (
        select 1 from {{ this }} as previous
        where previous.feedback_id = scored.feedback_id
    )
){% endif %}

select
    topics.feedback_id,
    topics.topic,
    topics.topic_sentiment_label,
    topics.topic_sentiment_score,
    feedback.source,
    feedback.store_id,
    feedback.customer_id,
    feedback.created_at,
    feedback.day,
    feedback.is_suspected_fake,
    feedback.scored_at,
    {{ written_at() }} as _written_at
from topics
inner join feedback
    on topics.feedback_id = feedback.feedback_id
{% if is_incremental() %}
    inner join changed
        on topics.feedback_id = changed.feedback_id
{% endif %}
