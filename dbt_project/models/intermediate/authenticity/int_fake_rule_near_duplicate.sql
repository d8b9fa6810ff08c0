{#
    NEAR_DUPLICATE: the same text, give or take a few edits, posted about one listing by
    several accounts within a few weeks. Pairs are found by joining reviews that agree on one
    slice ("band") of their 64-bit SimHash: two signatures within k bits of each other agree
    on at least one of b bands whenever k < b, and mostly for somewhat larger k, so the join
    never compares every pair of reviews. The Hamming distance then decides.
    Marketplace reviews only: every review of an app is about the same app, so its short
    common sentences ("更新后流畅多了") recur genuinely, with no listing narrower to compare in.
#}

{%- set bands = var('fake_near_duplicate_bands') %}
{%- set band_bits = 64 // bands %}
{%- set window_days = var('fake_near_duplicate_window_days') %}

with

reviews as (
    select
        feedback_id,
        listing_id,
        author_id,
        created_at,
        simhash
    from {{ ref('int_fake_review_base') }}
    where
        source = 'ecommerce_review'
        and signature_chars >= {{ var('fake_near_duplicate_min_chars') }}
        and not is_placeholder_text
        and author_id is not null
        and simhash is not null
),

banded as (
    select
        *,
        unnest(range({{ bands }})) as band_no
    from reviews
),

band_values as (
    select
        *,
        (simhash >> (band_no * {{ band_bits }})) & {{ 2 ** band_bits - 1 }} as band_value
    from banded
),

candidate_pairs as (
    select distinct
        review.feedback_id,
        other.feedback_id as other_feedback_id,
        other.author_id as other_author_id,
        bit_count(xor(review.simhash, other.simhash)) as distance_bits
    from band_values as review
    inner join band_values as other
        on
            review.listing_id = other.listing_id
            and review.band_no = other.band_no
            and review.band_value = other.band_value
            and review.author_id != other.author_id
            and other.created_at
            between {{ dbt.dateadd('day', -window_days, 'review.created_at') }}
            and {{ dbt.dateadd('day', window_days, 'review.created_at') }}
),

near_pairs as (
    select * from candidate_pairs
    where distance_bits <= {{ var('fake_near_duplicate_max_bits') }}
),

per_review as (
    select
        feedback_id,
        count(distinct other_author_id) as other_accounts,
        min(distance_bits) as nearest_bits,
        list(other_feedback_id order by distance_bits, other_feedback_id) as near_ids
    from near_pairs
    group by feedback_id
)

select
    feedback_id,
    'NEAR_DUPLICATE' as rule,
    json_object(
        'other_accounts', other_accounts,
        'nearest_bits', nearest_bits,
        'max_bits', {{ var('fake_near_duplicate_max_bits') }},
        'near_duplicate_ids', near_ids[1:10]
    ) as evidence
from per_review
where other_accounts + 1 >= {{ var('fake_near_duplicate_min_reviewers') }}
