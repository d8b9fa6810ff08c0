{#
    BURST: a listing (shop + SKU) gets far more reviews in one business day than it usually
    does, nearly all of them 1 or 5 stars: a bought push or a review-bombing. The baseline is
    the listing's own mean daily reviews over the previous weeks (days without reviews count
    as 0; before the history is that long, over the days there are), so a best-seller is
    held to its own volume. The reviews flagged are those of the burst day with the burst's
    rating (5 for a push, 1 for an attack). Marketplace reviews only: app ratings spike for
    genuine reasons (a bad release) and carry no listing finer than the app.
#}

with

reviews as (
    select * from {{ ref('int_fake_review_base') }}
    where source = 'ecommerce_review'
),

history_start as (
    select min(day) as first_day from reviews
),

listing_days as (
    select
        listing_id,
        day,
        count(*) as reviews,
        count(*) filter (where rating_5 = 5) as five_star,
        count(*) filter (where rating_5 = 1) as one_star
    from reviews
    group by listing_id, day
),

with_baseline as (
    select
        listing_days.*,
        coalesce(
            sum(listing_days.reviews) over (
                partition by listing_days.listing_id
                order by listing_days.day
                range between interval {{ var('fake_burst_baseline_days') }} day preceding
                and interval 1 day preceding
            ),
            0
        ) / greatest(
            1,
            least(
                {{ var('fake_burst_baseline_days') }},
                date_diff('day', history_start.first_day, listing_days.day)
            )
        ) as baseline_per_day
    from listing_days
    cross join history_start
),

bursts as (
    select
        *,
        case when five_star >= one_star then 5 else 1 end as burst_rating
    from with_baseline
    where
        reviews >= {{ var('fake_burst_min_reviews') }}
        and reviews >= {{ var('fake_burst_min_ratio') }} * baseline_per_day
        and five_star + one_star >= {{ var('fake_burst_min_extreme_share') }} * reviews
)

select
    reviews.feedback_id,
    'BURST' as rule,
    json_object(
        'listing_id', bursts.listing_id,
        'day', bursts.day,
        'reviews_that_day', bursts.reviews,
        'baseline_per_day', round(bursts.baseline_per_day, 2),
        'extreme_share', round((bursts.five_star + bursts.one_star) / bursts.reviews, 3),
        'burst_rating', bursts.burst_rating
    ) as evidence
from reviews
inner join bursts
    on
        reviews.listing_id = bursts.listing_id
        and reviews.day = bursts.day
        and reviews.rating_5 = bursts.burst_rating
