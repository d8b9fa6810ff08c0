{{ config(unique_key='order_id') }}

with

source as (
    select * from {{ source('raw', 'order') }}
    {{ new_deliveries() }}
),

renamed as (
    select
        {{ clean_text('order_id') }} as order_id,
        {{ clean_text('customer_id') }} as customer_id,
        {{ to_utc('ordered_at', 'order') }} as ordered_at,
        {{ to_decimal('amount') }} as amount,
        {{ clean_code('status') }} as status,
        {{ clean_text('store_id') }} as store_id,
        {{ clean_text('sku') }} as sku,
        {{ clean_code('channel') }} as channel,
        _extra,
        _file_path,
        _line_number,
        _loaded_at
    from source
)

{{ latest_delivery('renamed', 'order_id') }}
