{{ config(unique_key='customer_id') }}

with

source as (
    select * from {{ source('raw', 'crm_customer') }}
    {{ new_deliveries() }}
),

renamed as (
    select
        {{ clean_text('customer_id') }} as customer_id,
        {{ to_utc('registered_at', 'crm_customer') }} as registered_at,
        {{ to_integer('birth_year') }} as birth_year,
        {{ clean_code('gender') }} as gender,
        {{ clean_text('city') }} as city,
        {{ clean_code('tier') }} as tier,
        {{ clean_text('phone') }} as phone,
        {{ clean_text('email') }} as email,
        {{ to_utc('closed_at', 'crm_customer') }} as closed_at,
        _extra,
        _file_path,
        _line_number,
        _loaded_at
    from source
)

{{ latest_delivery('renamed', 'customer_id') }}
