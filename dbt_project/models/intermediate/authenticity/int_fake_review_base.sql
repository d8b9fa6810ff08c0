{{
    config(
        materialized='incremental',
        unique_key='feedback_id',
        incremental_strategy='delete+insert',
        on_schema_change='fail'
    )
}}

{#
    The reviews the fake-review rules look at, with the features they share: the listing a
    review is about, the account's age when it posted, and the text's signature (the part of
    the text SimHash signs: lower case, letters, digits and CJK, as
    text_analytics.signature.signature_text does), so every rule reads one definition.

    Incremental: a run recomputes only the reviews delivered or rescored since the last one
    (the signature is the costly part); the rules then read the whole table.
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

{% if is_incremental() %}
{#- Found from keys alone; it reads the tables, as DuckDB materialises a CTE read twice. #}
changed as (
    {{ items_loaded_or_scored_since_last_build() }}
    union
    -- Reviews a failed or interrupted run never wrote.
    select unioned.feedback_id from {{ ref('int_feedback_unioned') }} as unioned
    where
        unioned.source in (
            {%- for source in var('fake_review_sources') %}
                '{{ source }}'{% if not loop.last %},{% endif %}
            {%- endfor %}
        )
        and not exists (
            select 1 from {{ this }} as previous
            where previous.feedback_id = unioned.feedback_id
        )
),
{% endif %}

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
        ) as signature_text,
        feedback._loaded_at,
        scores.scored_at
    from feedback
    {% if is_incremental() %}
        inner join changed
            on feedback.feedback_id = changed.feedback_id
    {% endif %}
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
