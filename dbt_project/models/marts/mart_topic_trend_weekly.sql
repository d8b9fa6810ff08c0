{#
    Topic mentions per ISO week (Monday start, business calendar), topic and source, with
    the share that was negative and the mean topic sentiment.
#}

with

topics as (
    select * from {{ ref('fct_feedback_topic') }}
)

select
    cast({{ dbt.date_trunc('week', 'day') }} as date) as week_start,
    topic,
    source,
    count(*) as mentions,
    count(case when topic_sentiment_label = 'negative' then 1 end) as negative_mentions,
    count(case when topic_sentiment_label = 'positive' then 1 end) as positive_mentions,
    1.0 * count(case when topic_sentiment_label = 'negative' then 1 end) / count(*)
        as negative_share,
    avg(topic_sentiment_score) as avg_sentiment,
    sum(topic_sentiment_score) as sentiment_sum
from topics
group by 1, 2, 3
