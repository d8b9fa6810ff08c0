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
    the share that was negative and the mean topic sentiment, suspected fake reviews left out
    (mentions_incl_suspected counts them). Incremental: a run rebuilds only the weeks that
    received newly scored or re-flagged mentions (late feedback included).
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
    count(case when not is_suspected_fake then 1 end) as mentions,
    count(
        case when not is_suspected_fake and topic_sentiment_label = 'negative' then 1 end
    ) as negative_mentions,
    count(
        case when not is_suspected_fake and topic_sentiment_label = 'positive' then 1 end
    ) as positive_mentions,
    1.0 * count(
        case when not is_suspected_fake and topic_sentiment_label = 'negative' then 1 end
    ) / nullif(count(case when not is_suspected_fake then 1 end), 0) as negative_share,
    avg(case when not is_suspected_fake then topic_sentiment_score end) as avg_sentiment,
    coalesce(sum(case when not is_suspected_fake then topic_sentiment_score end), 0)
        as sentiment_sum,
    count(*) as mentions_incl_suspected,
    max(scored_at) as scored_at
from topics
{% if is_incremental() %}
    where week_start in (
        select current_counts.week_start
        from (
            select
                week_start,
                topic,
                source,
                count(*) as mentions_incl_suspected,
                count(case when not is_suspected_fake then 1 end) as mentions,
                max(scored_at) as scored_at
            from topics
            group by week_start, topic, source
        ) as current_counts
        left join {{ this }} as previous
            on
                current_counts.week_start = previous.week_start
                and current_counts.topic = previous.topic
                and current_counts.source = previous.source
        -- New mentions, newly scored ones, or a changed fake-review flag.
        where
            previous.week_start is null
            or current_counts.scored_at > previous.scored_at
            or current_counts.mentions != previous.mentions
            or current_counts.mentions_incl_suspected != previous.mentions_incl_suspected
    )
{% endif %}
group by 1, 2, 3
