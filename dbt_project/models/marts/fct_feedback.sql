{{
    config(
        materialized='incremental',
        unique_key='feedback_id',
        incremental_strategy='delete+insert',
        on_schema_change='fail'
    )
}}

{#
    One row per feedback item with its text-analytics scores and its fake-review flag
    (mart_review_authenticity). Incremental: each run replaces the items delivered, rescored
    or re-flagged since the last one (a correction, a new model version, a review that a later
    copy makes suspicious), so a nightly run costs what arrived, and a full refresh gives the
    same rows.
#}

with

feedback as (
    select * from {{ ref('int_feedback_unioned') }}
),

scores as (
    select * from {{ source('text_analytics', 'feedback_scores') }}
),

authenticity as (
    select * from {{ ref('mart_review_authenticity') }}
),
{% if is_incremental() %}
{#- The items to replace, found from keys alone so that only they are joined and written.
    It reads the tables, not the CTEs above: DuckDB materialises a CTE read more than once. #}
changed as (
    {{ items_loaded_or_scored_since_last_build() }}
    union
    -- Items a failed or interrupted run never wrote.
    select unioned.feedback_id from {{ ref('int_feedback_unioned') }} as unioned
    where not exists (
        select 1 from {{ this }} as previous
        where previous.feedback_id = unioned.feedback_id
    )
    union
    -- A review's flag can change later (a copy posted next week flags it too).
    select previous.feedback_id
    from {{ this }} as previous
    left join authenticity
        on previous.feedback_id = authenticity.feedback_id
    where
        previous.is_suspected_fake != coalesce(authenticity.is_suspected_fake, false)
        or previous.fake_reasons is distinct from (
            case when authenticity.is_suspected_fake then authenticity.reasons end
        )
        -- A reviewer's or listing's later reviews move the behaviour score.
        or previous.suspicion_score is distinct from authenticity.suspicion_score
),
{% endif %}

joined as (
    select
        feedback.feedback_id,
        feedback.source,
        feedback.source_record_id,
        feedback.platform,
        feedback.customer_id,
        feedback.author_id,
        feedback.author_registered_at,
        feedback.store_id,
        feedback.sku,
        feedback.created_at,
        {{ business_date('feedback.created_at') }} as day,
        feedback.rating_5,
        feedback.survey_type,
        feedback.survey_score,
        feedback.touchpoint,
        scores.text_clean,
        scores.script,
        scores.sentiment_label,
        scores.sentiment_score,
        scores.primary_topic,
        scores.keywords,
        scores.simhash,
        scores.model_version,
        authenticity.suspicion_score,
        coalesce(authenticity.is_suspected_fake, false) as is_suspected_fake,
        case
            when authenticity.is_suspected_fake then authenticity.reasons
        end as fake_reasons,
        feedback._loaded_at,
        scores.scored_at,
        {{ written_at() }} as _written_at
    from feedback
    {% if is_incremental() %}
        inner join changed
            on feedback.feedback_id = changed.feedback_id
    {% endif %}
    left join scores
        on feedback.feedback_id = scores.feedback_id
    left join authenticity
        on feedback.feedback_id = authenticity.feedback_id
)

select * from joined
