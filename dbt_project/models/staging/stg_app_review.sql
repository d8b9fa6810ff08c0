{{ config(unique_key='review_id') }}

with

source as (
    select * from {{ source('raw', 'app_review') }}
    {{ new_deliveries() }}
),

renamed as (
    select
        {{ clean_text('review_id') }} as review_id,
        {{ clean_code('platform') }} as platform,
        {{ to_integer('rating') }} as rating_5,
        {{ clean_text('content') }} as feedback_text,
        {{ clean_text('title') }} as title,
        {{ to_utc('created_at', 'app_review') }} as created_at,
        {{ clean_text('app_version') }} as app_version,
        {{ clean_text('customer_id') }} as customer_id,
        {{ clean_text('device_id') }} as device_id,
        {{ clean_text('reply_content') }} as reply_text,
        {{ to_utc('replied_at', 'app_review') }} as replied_at,
        _extra,
        _file_path,
        _line_number,
        _loaded_at
    from source
)

{{ latest_delivery('renamed', 'review_id') }}
