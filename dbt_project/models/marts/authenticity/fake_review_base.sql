{#
    The reviews the fake-review rules look at, with the features they share: the listing a
    review is about, the account's age when it posted, and the text's signature (the part of
    the text SimHash signs: lower case, letters, digits and CJK, as
    text_analytics.signature.signature_text does), so every rule reads one definition.
#}

with

feedback as (
    select * from {{ ref('int_feedback_unioned') }}
    where source in (
        {%- for source in var('fake_review_sources') %}
            '{{ source }}'{% if not loop.last %},{% endif %}
        {%- endfor %}
    )
),

scores as (
    select * from {{ source('text_analytics', 'feedback_scores') }}
),

joined as (
    select
        feedback.feedback_id,
        feedback.source,
        feedback.source_record_id,
        feedback.platform,
        feedback.store_id,
        feedback.sku,
        feedback.author_id,
        feedback.author_registered_at,
        feedback.created_at,
        feedback.rating_5,
        scores.text_clean,
        scores.sentiment_score,
        scores.simhash,
        -- Marketplace reviews are about a product in a shop; app reviews about the app in
        -- one app store.
        case
            when feedback.source = 'ecommerce_review'
                then feedback.store_id || '/' || feedback.sku
            else feedback.source || '/' || coalesce(feedback.platform, 'unknown')
        end as listing_id,
        {{ business_date('feedback.created_at') }} as day,
        date_diff('second', feedback.author_registered_at, feedback.created_at)
        / 3600.0 as account_age_hours,
        regexp_replace(
            lower(coalesce(scores.text_clean, '')),
            '[^0-9a-z\x{3400}-\x{4dbf}\x{4e00}-\x{9fff}\x{f900}-\x{faff}]',
            '',
            'g'
        ) as signature_text
    from feedback
    left join scores
        on feedback.feedback_id = scores.feedback_id
)

select
    *,
    length(signature_text) as signature_chars,
    signature_text in (
        {%- for text in var('fake_placeholder_texts') %}
            '{{ text }}'{% if not loop.last %},{% endif %}
        {%- endfor %}
    ) as is_placeholder_text
from joined
