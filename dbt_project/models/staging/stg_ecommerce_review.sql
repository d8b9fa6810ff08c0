{{ config(unique_key='review_id') }}

with

source as (
    select * from {{ source('raw', 'ecommerce_review') }}
    {{ new_deliveries() }}
),

renamed as (
    select
        {{ clean_text('review_id') }} as review_id,
        {{ clean_code('platform') }} as platform,
        {{ clean_text('store_id') }} as store_id,
        {{ clean_text('sku') }} as sku,
        {{ clean_text('reviewer_id') }} as reviewer_id,
        {{ to_integer('rating') }} as rating_5,
        {{ clean_text('content') }} as feedback_text,
        {{ to_utc('created_at', 'ecommerce_review') }} as created_at,
        {{ clean_text('order_id') }} as order_id,
        {{ clean_text('customer_id') }} as customer_id,
        {{ to_utc('reviewer_registered_at', 'ecommerce_review') }} as reviewer_registered_at,
        {{ clean_text('images') }} as images,
        coalesce(
            {{ clean_code('is_followup') }} in ('true', '1', 'yes', 'y', '是'), false
        ) as is_followup,
        {{ clean_text('reply_content') }} as reply_text,
        {{ to_utc('replied_at', 'ecommerce_review') }} as replied_at,
        {{ clean_text('ip_region') }} as ip_region,
        _extra,
        _file_path,
        _line_number,
        _loaded_at
    from source
)

{{ latest_delivery('renamed', 'review_id') }}
