{#
    The customer journey per business month, touchpoint (journey stage) and segment, plus a
    segment = 'all' row: survey scores with 95% intervals, the share of negative text and the
    touchpoint's top negative topic. Suspected fakes are left out.

    Touchpoint of an item: a survey answer's own touchpoint; any other item's from seed
    channel_touchpoints by (source, primary topic), else (source, '*'), else 'unknown'.
    Segment: the customer's segment in dim_customer; 'unknown' when the item names no
    customer the warehouse knows (most social posts). A row exists for every month x
    touchpoint x segment with at least one survey answer or feedback item.
#}

with

customers as (
    select
        customer_id,
        segment
    from {{ ref('dim_customer') }}
),

feedback as (
    select * from {{ ref('fct_feedback') }}
    where not is_suspected_fake
),

mapping as (
    select * from {{ ref('channel_touchpoints') }}
),

items as (
    select
        feedback.feedback_id,
        cast({{ dbt.date_trunc('month', 'feedback.day') }} as date) as month_start,
        case
            when feedback.source = 'survey' then coalesce(feedback.touchpoint, 'unknown')
            else coalesce(by_topic.touchpoint, any_topic.touchpoint, 'unknown')
        end as touchpoint,
        coalesce(customers.segment, 'unknown') as segment,
        feedback.survey_type,
        feedback.survey_score,
        feedback.sentiment_label is not null
        and nullif(trim(feedback.text_clean), '') is not null as has_text,
        feedback.sentiment_label = 'negative' as is_negative
    from feedback
    left join customers
        on feedback.customer_id = customers.customer_id
    left join mapping as by_topic
        on
            feedback.source = by_topic.source
            and feedback.primary_topic = by_topic.topic
    left join mapping as any_topic
        on
            feedback.source = any_topic.source
            and any_topic.topic = '*'
),

-- Every item twice: under its segment and under 'all'.
items_by_segment as (
    select * from items
    union all
    select * replace ('all' as segment) from items
),

counts as (
    select
        month_start,
        touchpoint,
        segment,
        count(case when survey_type = 'nps' and survey_score is not null then 1 end)
            as nps_responses,
        count(case when survey_type = 'nps' and survey_score >= 9 then 1 end) as promoters,
        count(case when survey_type = 'nps' and survey_score between 7 and 8 then 1 end)
            as passives,
        count(case when survey_type = 'nps' and survey_score <= 6 then 1 end) as detractors,
        count(case when survey_type = 'csat' and survey_score is not null then 1 end)
            as csat_responses,
        count(case when survey_type = 'csat' and survey_score >= 4 then 1 end)
            as csat_satisfied,
        count(case when survey_type = 'ces' and survey_score is not null then 1 end)
            as ces_responses,
        coalesce(sum(case when survey_type = 'ces' then survey_score end), 0) as ces_score_sum,
        coalesce(sum(case when survey_type = 'ces' then survey_score * survey_score end), 0)
            as ces_score_squares,
        count(case when has_text then 1 end) as text_items,
        count(case when has_text and is_negative then 1 end) as negative_text_items
    from items_by_segment
    group by 1, 2, 3
),

negative_topics as (
    select
        items.month_start,
        items.touchpoint,
        items.segment,
        topics.topic,
        count(*) as mentions
    from items_by_segment as items
    inner join {{ ref('fct_feedback_topic') }} as topics
        on items.feedback_id = topics.feedback_id
    where items.has_text and topics.topic_sentiment_label = 'negative'
    group by 1, 2, 3, 4
),

top_topic as (
    select
        month_start,
        touchpoint,
        segment,
        topic,
        mentions
    from negative_topics
    qualify row_number() over (
        partition by month_start, touchpoint, segment order by mentions desc, topic asc
    ) = 1
)

select
    counts.month_start,
    counts.touchpoint,
    counts.segment,
    counts.nps_responses,
    counts.promoters,
    counts.passives,
    counts.detractors,
    100.0 * (counts.promoters - counts.detractors) / nullif(counts.nps_responses, 0) as nps,
    {{ nps_interval_bound('low', 'counts.promoters', 'counts.detractors',
        'counts.nps_responses') }} as nps_ci_low,
    {{ nps_interval_bound('high', 'counts.promoters', 'counts.detractors',
        'counts.nps_responses') }} as nps_ci_high,
    counts.nps_responses < {{ var('nps_low_sample_below') }} as low_sample,
    counts.csat_responses,
    counts.csat_satisfied,
    100.0 * counts.csat_satisfied / nullif(counts.csat_responses, 0) as csat_pct,
    {{ wilson_interval_bound('low', 'counts.csat_satisfied', 'counts.csat_responses') }}
        as csat_pct_ci_low,
    {{ wilson_interval_bound('high', 'counts.csat_satisfied', 'counts.csat_responses') }}
        as csat_pct_ci_high,
    counts.ces_responses,
    counts.ces_score_sum,
    counts.ces_score_squares,
    1.0 * counts.ces_score_sum / nullif(counts.ces_responses, 0) as ces_mean,
    {{ mean_interval_bound('low', 'counts.ces_responses', 'counts.ces_score_sum',
        'counts.ces_score_squares') }} as ces_mean_ci_low,
    {{ mean_interval_bound('high', 'counts.ces_responses', 'counts.ces_score_sum',
        'counts.ces_score_squares') }} as ces_mean_ci_high,
    counts.text_items,
    counts.negative_text_items,
    1.0 * counts.negative_text_items / nullif(counts.text_items, 0) as negative_share,
    top_topic.topic as top_negative_topic,
    coalesce(top_topic.mentions, 0) as top_negative_topic_mentions
from counts
left join top_topic
    on
        counts.month_start = top_topic.month_start
        and counts.touchpoint = top_topic.touchpoint
        and counts.segment = top_topic.segment
