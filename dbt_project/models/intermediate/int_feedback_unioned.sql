{{
    config(
        materialized='incremental',
        unique_key='feedback_id',
        incremental_strategy='delete+insert',
        on_schema_change='fail'
    )
}}

{#
    Every feedback item of every text-bearing source in one shape. feedback_id is a hash of
    the source and the item's key in it, so the same item gets the same id on every rerun and
    full refresh, whatever else changes.

    Incremental: each source contributes the staging rows delivered since the latest of that
    source already here (a correction replaces its item), so a nightly run costs what arrived.
#}

with

survey as (
    select
        'survey' as source,
        response_id as source_record_id,
        cast(null as varchar) as platform,
        customer_id,
        cast(null as varchar) as author_id,
        cast(null as timestamp) as author_registered_at,
        store_id,
        cast(null as varchar) as sku,
        created_at,
        case when survey_type = 'csat' then score end as rating_5,
        survey_type,
        score as survey_score,
        touchpoint,
        feedback_text,
        _loaded_at
    from {{ ref('stg_survey') }}
    {{ new_deliveries(partition_column='source', partition_value='survey') }}
),

app_review as (
    select
        'app_review' as source,
        review_id as source_record_id,
        platform,
        customer_id,
        device_id as author_id,
        cast(null as timestamp) as author_registered_at,
        cast(null as varchar) as store_id,
        cast(null as varchar) as sku,
        created_at,
        rating_5,
        cast(null as varchar) as survey_type,
        cast(null as integer) as survey_score,
        'app' as touchpoint,
        feedback_text,
        _loaded_at
    from {{ ref('stg_app_review') }}
    {{ new_deliveries(partition_column='source', partition_value='app_review') }}
),

ecommerce_review as (
    select
        'ecommerce_review' as source,
        review_id as source_record_id,
        platform,
        customer_id,
        reviewer_id as author_id,
        reviewer_registered_at as author_registered_at,
        store_id,
        sku,
        created_at,
        rating_5,
        cast(null as varchar) as survey_type,
        cast(null as integer) as survey_score,
        'purchase' as touchpoint,
        feedback_text,
        _loaded_at
    from {{ ref('stg_ecommerce_review') }}
    {{ new_deliveries(partition_column='source', partition_value='ecommerce_review') }}
),

social as (
    select
        'social' as source,
        post_id as source_record_id,
        platform,
        cast(null as varchar) as customer_id,
        author_id,
        cast(null as timestamp) as author_registered_at,
        cast(null as varchar) as store_id,
        cast(null as varchar) as sku,
        created_at,
        cast(null as integer) as rating_5,
        cast(null as varchar) as survey_type,
        cast(null as integer) as survey_score,
        cast(null as varchar) as touchpoint,
        feedback_text,
        _loaded_at
    from {{ ref('stg_social') }}
    {{ new_deliveries(partition_column='source', partition_value='social') }}
),

support_ticket as (
    select
        'support_ticket' as source,
        ticket_id as source_record_id,
        contact_channel as platform,
        customer_id,
        cast(null as varchar) as author_id,
        cast(null as timestamp) as author_registered_at,
        cast(null as varchar) as store_id,
        cast(null as varchar) as sku,
        opened_at as created_at,
        csat_score as rating_5,
        cast(null as varchar) as survey_type,
        cast(null as integer) as survey_score,
        'support' as touchpoint,
        feedback_text,
        _loaded_at
    from {{ ref('stg_support_ticket') }}
    {{ new_deliveries(partition_column='source', partition_value='support_ticket') }}
),

store_card as (
    select
        'store_card' as source,
        card_id as source_record_id,
        cast(null as varchar) as platform,
        cast(null as varchar) as customer_id,
        cast(null as varchar) as author_id,
        cast(null as timestamp) as author_registered_at,
        store_id,
        cast(null as varchar) as sku,
        -- A card carries only the visit day: midnight of that day in the store's time zone.
        {{ to_utc("cast(visit_date as varchar)", 'store_card') }} as created_at,
        rating_5,
        cast(null as varchar) as survey_type,
        cast(null as integer) as survey_score,
        'store' as touchpoint,
        feedback_text,
        _loaded_at
    from {{ ref('stg_store_card') }}
    {{ new_deliveries(partition_column='source', partition_value='store_card') }}
),

unioned as (
    select * from survey
    union all
    select * from app_review
    union all
    select * from ecommerce_review
    union all
    select * from social
    union all
    select * from support_ticket
    union all
    select * from store_card
)

select
    {{ dbt.hash(dbt.concat(["source", "':'", "source_record_id"])) }} as feedback_id,
    *
from unioned
