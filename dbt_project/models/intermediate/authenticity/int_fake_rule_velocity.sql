{#
    VELOCITY: one account posting many reviews within a short time. A buyer reviews an order
    or two at a time; an account working through a list of paid reviews posts one every few
    minutes. Every review inside a busy window is flagged.

    Reviews stamped exactly at midnight (business time) are left out: that is an export
    giving dates without a time of day, where an active reviewer's five reviews of one day
    all share one timestamp (seen on real Yelp exports: 49 reviews flagged, none fake).
#}

with

reviews as (
    select
        feedback_id,
        author_id,
        created_at
    from {{ ref('int_fake_review_base') }}
    where
        author_id is not null
        and cast(
            timezone('{{ var("business_timezone") }}', timezone('UTC', created_at)) as time
        ) != time '00:00:00'
),

windows as (
    select
        author_id,
        created_at as window_start,
        {{ dbt.dateadd('minute', var('fake_velocity_window_minutes'), 'created_at') }}
            as window_end,
        count(*) over (
            partition by author_id
            order by created_at
            range between current row
            and interval {{ var('fake_velocity_window_minutes') }} minute following
        ) as reviews_in_window
    from reviews
),

busy_windows as (
    select * from windows
    where reviews_in_window >= {{ var('fake_velocity_min_reviews') }}
),

per_review as (
    select
        reviews.feedback_id,
        reviews.author_id,
        max(busy_windows.reviews_in_window) as reviews_in_window,
        min(busy_windows.window_start) as busy_from
    from reviews
    inner join busy_windows
        on
            reviews.author_id = busy_windows.author_id
            and reviews.created_at between busy_windows.window_start and busy_windows.window_end
    group by reviews.feedback_id, reviews.author_id
)

select
    feedback_id,
    'VELOCITY' as rule,
    json_object(
        'author_id', author_id,
        'reviews_in_window', reviews_in_window,
        'window_minutes', {{ var('fake_velocity_window_minutes') }},
        'busy_from', busy_from
    ) as evidence
from per_review
