{#
    Share of voice: week x brand x source x platform x topic, from social posts and reviews
    (var brand_sources), suspected fakes left out. A brand's mentions in a cell are the items
    about it: for a competitor, the items that name it (int_brand_mentions); for our own
    brand, every item that is not about competitors only (int_feedback_brands), named or not,
    since our reviews and the posts our monitoring collects are about us. named_mentions
    counts only the items that name the brand. Topic 'all' is the whole item with its
    sentiment; the other topics are the item's topics with their own sentiment
    (fct_feedback_topic). An item that names two brands counts for both, with the same
    sentiment: the scorer does not split a text by brand. Source and platform 'all' add up
    every source. Every brand of the seed has a row in every cell where some brand is
    mentioned (zeros included), so share_of_voice adds up to 1 in each cell.
#}

with

brands as (
    select
        brand,
        bool_or(is_own_brand) as is_own_brand
    from {{ ref('brands') }}
    group by brand
),

items as (
    select
        feedback.feedback_id,
        feedback.source,
        coalesce(nullif(trim(feedback.platform), ''), feedback.source) as platform,
        cast({{ dbt.date_trunc('week', 'feedback.day') }} as date) as week_start,
        feedback.sentiment_label,
        feedback.sentiment_score,
        coalesce(flags.mentions_only_competitors, false) as mentions_only_competitors
    from {{ ref('fct_feedback') }} as feedback
    left join {{ ref('int_feedback_brands') }} as flags
        on feedback.feedback_id = flags.feedback_id
    where
        feedback.source in ({{ "'" ~ var('brand_sources') | join("', '") ~ "'" }})
        and not feedback.is_suspected_fake
        and nullif(trim(feedback.text_clean), '') is not null
),

candidate_brands as (
    select
        feedback_id,
        brand,
        true as is_named
    from {{ ref('int_brand_mentions') }}
    union all
    select
        items.feedback_id,
        brands.brand,
        false as is_named
    from items
    cross join brands
    where brands.is_own_brand and not items.mentions_only_competitors
),

item_brands as (
    select
        items.*,
        candidate_brands.brand,
        bool_or(candidate_brands.is_named) as is_named
    from candidate_brands
    inner join items
        on candidate_brands.feedback_id = items.feedback_id
    group by all
),

observations as (
    select
        week_start,
        source,
        platform,
        brand,
        is_named,
        'all' as topic,
        sentiment_label as label,
        sentiment_score as score
    from item_brands
    union all
    select
        item_brands.week_start,
        item_brands.source,
        item_brands.platform,
        item_brands.brand,
        item_brands.is_named,
        topics.topic,
        topics.topic_sentiment_label as label,
        topics.topic_sentiment_score as score
    from item_brands
    inner join {{ ref('fct_feedback_topic') }} as topics
        on item_brands.feedback_id = topics.feedback_id
),

scoped as (
    select * from observations
    union all
    select
        week_start,
        'all' as source,
        'all' as platform,
        brand,
        is_named,
        topic,
        label,
        score
    from observations
),

counts as (
    select
        week_start,
        source,
        platform,
        topic,
        brand,
        count(*) as mentions,
        count(*) filter (where is_named) as named_mentions,
        count(*) filter (where label = 'negative') as negative_mentions,
        count(*) filter (where label = 'positive') as positive_mentions,
        avg(score) as avg_sentiment
    from scoped
    group by week_start, source, platform, topic, brand
),

cells as (
    select distinct
        week_start,
        source,
        platform,
        topic
    from counts
),

dense as (
    select
        cells.week_start,
        brands.brand,
        brands.is_own_brand,
        cells.source,
        cells.platform,
        cells.topic,
        coalesce(counts.mentions, 0) as mentions,
        coalesce(counts.named_mentions, 0) as named_mentions,
        coalesce(counts.negative_mentions, 0) as negative_mentions,
        coalesce(counts.positive_mentions, 0) as positive_mentions,
        counts.avg_sentiment
    from cells
    cross join brands
    left join counts
        on
            cells.week_start = counts.week_start
            and cells.source = counts.source
            and cells.platform = counts.platform
            and cells.topic = counts.topic
            and brands.brand = counts.brand
)

select
    week_start,
    brand,
    is_own_brand,
    source,
    platform,
    topic,
    mentions,
    named_mentions,
    1.0 * mentions / nullif(
        sum(mentions) over (partition by week_start, source, platform, topic), 0
    ) as share_of_voice,
    1.0 * named_mentions / nullif(
        sum(named_mentions) over (partition by week_start, source, platform, topic), 0
    ) as named_share_of_voice,
    negative_mentions,
    positive_mentions,
    1.0 * negative_mentions / nullif(mentions, 0) as negative_share,
    avg_sentiment
from dense
