{{ config(unique_key='response_id') }}

with

source as (
    select * from {{ source('raw', 'survey') }}
    {{ new_deliveries() }}
),

renamed as (
    select
        {{ clean_text('response_id') }} as response_id,
        {{ clean_text('customer_id') }} as customer_id,
        {{ clean_code('survey_type') }} as survey_type,
        {{ to_integer('score') }} as score,
        {{ clean_text('score') }} is not null as is_answered,
        {{ to_utc('submitted_at', 'survey') }} as created_at,
        {{ clean_code('touchpoint') }} as touchpoint,
        {{ clean_text('comment') }} as feedback_text,
        {{ clean_text('store_id') }} as store_id,
        {{ clean_code('language') }} as language,
        _extra,
        _file_path,
        _line_number,
        _loaded_at
    from source
)

{{ latest_delivery('renamed', 'response_id') }}
