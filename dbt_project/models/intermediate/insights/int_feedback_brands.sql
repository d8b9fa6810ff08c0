{#
    One row per feedback item that names a brand of the seed `brands` (int_brand_mentions):
    whether it names our own brand, which competitors it names, and whether it is about
    competitors only. A social post that names a competitor and not us is someone talking
    about a competitor, not feedback about us: mentions_only_competitors. Reviews (app store,
    our marketplace listings), surveys, tickets and store cards are about us wherever they
    are written, whatever other brand they name, so they are never flagged.
#}

with

mentions as (
    select * from {{ ref('int_brand_mentions') }}
),

brands as (
    select
        brand,
        bool_or(is_own_brand) as is_own_brand
    from {{ ref('brands') }}
    group by brand
),

feedback as (
    select
        feedback_id,
        source
    from {{ ref('int_feedback_unioned') }}
),

per_item as (
    select
        mentions.feedback_id,
        feedback.source,
        coalesce(bool_or(brands.is_own_brand), false) as names_own_brand,
        list_sort(list(mentions.brand) filter (where not brands.is_own_brand))
            as competitors_named,
        count(*) filter (where not brands.is_own_brand) as competitor_count,
        sum(mentions.mention_count) as mention_count
    from mentions
    inner join brands
        on mentions.brand = brands.brand
    inner join feedback
        on mentions.feedback_id = feedback.feedback_id
    group by mentions.feedback_id, feedback.source
)

select
    feedback_id,
    source,
    names_own_brand,
    competitors_named,
    competitor_count,
    mention_count,
    source = 'social' and competitor_count > 0 and not names_own_brand
        as mentions_only_competitors
from per_item
