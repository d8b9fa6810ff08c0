{{ config(unique_key='card_id') }}

with

source as (
    select * from {{ source('raw', 'store_card') }}
    {{ new_deliveries() }}
),

renamed as (
    select
        {{ clean_text('card_id') }} as card_id,
        {{ clean_text('store_id') }} as store_id,
        {{ to_date('visit_date') }} as visit_date,
        {{ to_integer('rating') }} as rating_5,
        {{ clean_text('comment') }} as feedback_text,
        {{ clean_text('contact') }} as contact,
        _extra,
        _file_path,
        _line_number,
        _loaded_at
    from source
)

{{ latest_delivery('renamed', 'card_id') }}
