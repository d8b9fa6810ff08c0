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
)

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
    feedback.scored_at
from topics
inner join feedback
    on topics.feedback_id = feedback.feedback_id
{% if is_incremental() %}
    where
        feedback.scored_at > (select max(scored_at) from {{ this }})
        or feedback.feedback_id in (
            select previous.feedback_id
            from {{ this }} as previous
            inner join feedback as current_flags
                on previous.feedback_id = current_flags.feedback_id
            where previous.is_suspected_fake != current_flags.is_suspected_fake
        )
{% endif %}
