{{
    config(
        materialized='incremental',
        unique_key='feedback_id',
        incremental_strategy='delete+insert',
        on_schema_change='fail'
    )
}}

{#
    How each review behaves, as published opinion-spam research measures it (Rayana and
    Akoglu's SpEagle priors), and the behaviour model's probability that it is fake. No text:
    real opinion spam is mostly a singleton account posting one extreme rating far from the
    listing's consensus, early or in a burst, which no text rule sees.

    Per review: rating extremity, deviation from the listing's mean rating before it, early
    time frame, singleton reviewer. Per reviewer (source + author_id): reviews, the most in one
    day, positive and negative share, rating entropy, burstiness (active span under 28 days),
    account age where the source gives it. Per listing: reviews, rating entropy, the day's
    reviews against its usual daily volume, the share of singleton reviewers around the day.

    The model (seed fake_review_behaviour_model, fitted by `python -m
    bench.fake_review_eval --write-model` on real reviews with a platform's fake labels) is a
    logistic regression over the terms below; each term's contribution is weight x (value -
    reference), the reference being the mean of the reviews it was fitted on, so a positive
    contribution is what raised the review above an ordinary one. A term the review has no
    value for (no reviewer id, no rating) sits at its reference and contributes nothing.

    The early time frame is a feature and one of the priors, not a term of the model: a
    warehouse rarely knows when a listing launched (its history starts with the first export,
    and a listing with few reviews is first seen late), and on the labelled reviews it carried
    almost no signal (AUC 0.50 alone).

    Incremental: features are computed over every review (aggregates and windows need each
    reviewer's and listing's whole history), and a run writes only the reviews whose reviewer
    or listing received a review since the last build.
#}

{%- set reviewer_terms = [
    'is_singleton',
    'log_reviewer_reviews',
    'log_reviewer_prior_reviews',
    'reviewer_burstiness',
    'reviewer_rating_entropy',
    'reviewer_positive_share',
    'reviewer_negative_share',
    'log_reviewer_max_reviews_per_day',
    'listing_singleton_share_7d',
] %}
{%- set review_terms = [
    'rating_1',
    'rating_2',
    'rating_5',
    'deviation_from_listing',
    'log_listing_burst_ratio',
    'listing_rating_entropy',
    'log_listing_reviews',
] %}
{%- set terms = review_terms + reviewer_terms %}
{%- set behaviour_sources -%}
    {%- for source in var('fake_behaviour_sources') -%}
        '{{ source }}'{% if not loop.last %}, {% endif %}
    {%- endfor -%}
{%- endset %}

with

reviews as (
    select
        feedback_id,
        source,
        listing_id,
        author_id,
        created_at,
        day,
        rating_5,
        account_age_hours,
        _loaded_at
    from {{ ref('int_fake_review_base') }}
),

reviewer_ratings as (
    select
        source,
        author_id,
        rating_5,
        count(*) as reviews
    from reviews
    where author_id is not null and rating_5 is not null
    group by source, author_id, rating_5
),

reviewer_entropy as (
    select
        source,
        author_id,
        -sum(
            reviews / total_reviews * ln(reviews / total_reviews)
        ) as reviewer_rating_entropy
    from (
        select
            *,
            sum(reviews) over (partition by source, author_id) as total_reviews
        from reviewer_ratings
    ) as per_rating
    group by source, author_id
),

reviewer_days as (
    select
        source,
        author_id,
        max(reviews) as reviewer_max_reviews_per_day
    from (
        select
            source,
            author_id,
            day,
            count(*) as reviews
        from reviews
        where author_id is not null
        group by source, author_id, day
    ) as per_day
    group by source, author_id
),

reviewers as (
    select
        source,
        author_id,
        count(*) as reviewer_reviews,
        avg(case when rating_5 >= 4 then 1.0 when rating_5 is not null then 0.0 end)
            as reviewer_positive_share,
        avg(case when rating_5 <= 2 then 1.0 when rating_5 is not null then 0.0 end)
            as reviewer_negative_share,
        date_diff('day', min(day), max(day)) as reviewer_active_span_days
    from reviews
    where author_id is not null
    group by source, author_id
),

with_reviewer as (
    select
        reviews.*,
        reviewers.reviewer_reviews,
        reviewers.reviewer_positive_share,
        reviewers.reviewer_negative_share,
        reviewers.reviewer_active_span_days,
        reviewer_entropy.reviewer_rating_entropy,
        reviewer_days.reviewer_max_reviews_per_day,
        reviewers.reviewer_reviews = 1 as is_singleton_reviewer,
        case
            when reviews.author_id is not null
                then count(*) over (
                    partition by reviews.source, reviews.author_id
                    order by reviews.created_at, reviews.feedback_id
                    rows between unbounded preceding and 1 preceding
                )
        end as reviewer_prior_reviews
    from reviews
    left join reviewers
        on
            reviews.source = reviewers.source
            and reviews.author_id = reviewers.author_id
    left join reviewer_entropy
        on
            reviews.source = reviewer_entropy.source
            and reviews.author_id = reviewer_entropy.author_id
    left join reviewer_days
        on
            reviews.source = reviewer_days.source
            and reviews.author_id = reviewer_days.author_id
),

listing_ratings as (
    select
        listing_id,
        -sum(reviews / total_reviews * ln(reviews / total_reviews)) as listing_rating_entropy
    from (
        select
            listing_id,
            rating_5,
            count(*) as reviews,
            sum(count(*)) over (partition by listing_id) as total_reviews
        from reviews
        where rating_5 is not null
        group by listing_id, rating_5
    ) as per_rating
    group by listing_id
),

with_listing as (
    select
        with_reviewer.*,
        listing_ratings.listing_rating_entropy,
        count(*) over (
            partition by with_reviewer.listing_id
            order by with_reviewer.created_at, with_reviewer.feedback_id
            rows between unbounded preceding and 1 preceding
        ) as listing_prior_reviews,
        avg(with_reviewer.rating_5) over (
            partition by with_reviewer.listing_id
            order by with_reviewer.created_at, with_reviewer.feedback_id
            rows between unbounded preceding and 1 preceding
        ) as listing_prior_mean_rating,
        count(*) over (partition by with_reviewer.listing_id) as listing_reviews,
        date_diff(
            'day',
            min(with_reviewer.day) over (partition by with_reviewer.listing_id),
            with_reviewer.day
        ) as listing_age_days,
        min(with_reviewer.day) over (partition by with_reviewer.listing_id) as listing_first_day,
        min(with_reviewer.day) over (partition by with_reviewer.source) as source_first_day,
        date_diff(
            'day',
            min(with_reviewer.day) over (partition by with_reviewer.listing_id),
            max(with_reviewer.day) over (partition by with_reviewer.listing_id)
        ) + 1 as listing_span_days,
        count(*) over (
            partition by with_reviewer.listing_id, with_reviewer.day
        ) as listing_day_reviews,
        count(*) over listing_week as listing_reviews_7d,
        count(*) filter (where with_reviewer.is_singleton_reviewer) over listing_week
            as listing_singleton_reviews_7d,
        count(*) filter (where with_reviewer.author_id is not null) over listing_week
            as listing_known_reviewer_reviews_7d
    from with_reviewer
    left join listing_ratings
        on with_reviewer.listing_id = listing_ratings.listing_id
    window listing_week as (
        partition by with_reviewer.listing_id
        order by with_reviewer.day
        range between interval 3 day preceding and interval 3 day following
    )
),

features as (
    select
        *,
        abs(rating_5 - listing_prior_mean_rating) / 4.0 as deviation_from_listing,
        -- SpEagle's early time frame: 1 on the listing's first day, falling to 0 seven
        -- months (210 days) later. Unknown (null) when the listing's first review here came
        -- in the first days of the source's history: it may be older than the warehouse.
        case
            when listing_first_day > source_first_day + {{ var('fake_behaviour_censor_days') }}
                then greatest(0.0, 1 - listing_age_days / 210.0)
        end as early_time_frame,
        -- Active span under 28 days: 1 for a one-day account, 0 from 28 days on.
        case
            when reviewer_active_span_days < 28 then 1 - reviewer_active_span_days / 28.0
            else 0.0
        end as reviewer_burstiness,
        listing_singleton_reviews_7d / nullif(listing_known_reviewer_reviews_7d, 0)
            as listing_singleton_share_7d,
        listing_day_reviews / (listing_reviews / listing_span_days) as listing_burst_ratio,
        account_age_hours / 24.0 as reviewer_account_age_days
    from with_listing
),

term_values as (
    select
        *,
        cast(rating_5 = 1 as double) as term_rating_1,
        cast(rating_5 = 2 as double) as term_rating_2,
        cast(rating_5 = 5 as double) as term_rating_5,
        deviation_from_listing as term_deviation_from_listing,
        ln(listing_burst_ratio) as term_log_listing_burst_ratio,
        listing_rating_entropy as term_listing_rating_entropy,
        ln(listing_reviews) as term_log_listing_reviews,
        cast(is_singleton_reviewer as double) as term_is_singleton,
        ln(reviewer_reviews) as term_log_reviewer_reviews,
        ln(1 + reviewer_prior_reviews) as term_log_reviewer_prior_reviews,
        case when author_id is not null then reviewer_burstiness end
            as term_reviewer_burstiness,
        reviewer_rating_entropy as term_reviewer_rating_entropy,
        reviewer_positive_share as term_reviewer_positive_share,
        reviewer_negative_share as term_reviewer_negative_share,
        ln(reviewer_max_reviews_per_day) as term_log_reviewer_max_reviews_per_day,
        listing_singleton_share_7d as term_listing_singleton_share_7d
    from features
),

model as (
    select
        {%- for term in terms %}
            max(weight) filter (where term = '{{ term }}') as weight_{{ term }},
            max(reference_value) filter (where term = '{{ term }}') as reference_{{ term }},
        {%- endfor %}
        max(weight) filter (where term = 'intercept') as intercept
    from {{ ref('fake_review_behaviour_model') }}
),

contributions as (
    select
        term_values.*,
        {%- for term in terms %}
            model.weight_{{ term }} * (
                coalesce(term_values.term_{{ term }}, model.reference_{{ term }})
                - model.reference_{{ term }}
            ) as contribution_{{ term }},
        {%- endfor %}
        model.intercept
    from term_values
    cross join model
),

scored as (
    select
        *,
        case
            when source in ({{ behaviour_sources }})
                then 1 / (1 + exp(-(
                    intercept
                    {%- for term in terms %}
                        + contribution_{{ term }}
                    {%- endfor %}
                )))
        end as behaviour_probability,
        -- The unsupervised floor: the unweighted mean of six published priors, each 0..1
        -- and higher when more suspicious (extremity, deviation, early time frame,
        -- singleton, burstiness, most reviews in a day above one, capped at five).
        case
            when source in ({{ behaviour_sources }})
                then (
                    coalesce(cast(rating_5 in (1, 5) as double), 0)
                    + coalesce(deviation_from_listing, 0)
                    + coalesce(early_time_frame, 0)
                    + coalesce(cast(is_singleton_reviewer as double), 0)
                    + coalesce(case when author_id is not null then reviewer_burstiness end, 0)
                    + coalesce(least(1.0, (reviewer_max_reviews_per_day - 1) / 4.0), 0)
                ) / 6
        end as behaviour_prior_score
    from contributions
){% if is_incremental() %},

{#- Reviewers and listings that received a review since the last build (or that a failed run
    never wrote): every review of theirs gets new features, and so does every review on a
    listing where a touched reviewer wrote. #}
touched as (
    select
        source,
        author_id,
        listing_id
    from reviews
    where
        _loaded_at > (select max(previous._loaded_at) from {{ this }} as previous)
        or feedback_id not in (select previous.feedback_id from {{ this }} as previous)
),

touched_reviewers as (
    select distinct
        source,
        author_id
    from touched
),

{#- A listing's singleton share counts whether each of its reviewers is a singleton, which
    a touched reviewer's review elsewhere can change: their listings are touched too. #}
touched_listings as (
    select listing_id from touched
    union
    select reviews.listing_id
    from reviews
    inner join touched_reviewers
        on
            reviews.source = touched_reviewers.source
            and reviews.author_id = touched_reviewers.author_id
),

in_scope as (
    select scored.feedback_id
    from scored
    inner join touched_listings
        on scored.listing_id = touched_listings.listing_id
    union
    select scored.feedback_id
    from scored
    inner join touched_reviewers
        on
            scored.source = touched_reviewers.source
            and scored.author_id = touched_reviewers.author_id
){% endif %}

select
    feedback_id,
    source,
    listing_id,
    author_id,
    created_at,
    day,
    rating_5,
    is_singleton_reviewer,
    reviewer_reviews,
    reviewer_prior_reviews,
    reviewer_max_reviews_per_day,
    reviewer_positive_share,
    reviewer_negative_share,
    reviewer_rating_entropy,
    reviewer_active_span_days,
    reviewer_burstiness,
    reviewer_account_age_days,
    listing_reviews,
    listing_prior_reviews,
    listing_prior_mean_rating,
    deviation_from_listing,
    listing_age_days,
    early_time_frame,
    listing_rating_entropy,
    listing_day_reviews,
    listing_burst_ratio,
    listing_singleton_share_7d,
    behaviour_prior_score,
    behaviour_probability,
    {#- The model's inputs, as python -m bench.fake_review_eval reads them to fit it. #}
    struct_pack(
        {%- for term in terms %}
            {{ term }} := term_{{ term }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    ) as model_terms,
    {#- The terms that raised the probability, largest first. #}
    case when behaviour_probability is not null then list_reverse_sort(
        list_filter(
            [
                {%- for term in terms %}
                    {
                        'contribution': round(contribution_{{ term }}, 3),
                        'term': '{{ term }}',
                        'value': round(term_{{ term }}, 3)
                    }{% if not loop.last %},{% endif %}
                {%- endfor %}
            ],
            lambda raised: struct_extract(raised, 'contribution')
            >= {{ var('fake_behaviour_evidence_min_logit') }}
        )
    ) end as behaviour_evidence,
    _loaded_at
from scored
{%- if is_incremental() %}
    where feedback_id in (select feedback_id from in_scope)
{%- endif %}
