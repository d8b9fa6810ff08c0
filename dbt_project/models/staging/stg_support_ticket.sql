{{ config(unique_key='ticket_id') }}

with

source as (
    select * from {{ source('raw', 'support_ticket') }}
    {{ new_deliveries() }}
),

renamed as (
    select
        {{ clean_text('ticket_id') }} as ticket_id,
        {{ clean_code('contact_channel') }} as contact_channel,
        {{ to_utc('opened_at', 'support_ticket') }} as opened_at,
        {{ clean_text('category') }} as category,
        {{ clean_text('description') }} as feedback_text,
        {{ clean_text('customer_id') }} as customer_id,
        {{ to_utc('first_response_at', 'support_ticket') }} as first_response_at,
        {{ to_utc('resolved_at', 'support_ticket') }} as resolved_at,
        {{ clean_code('priority') }} as priority,
        {{ clean_code('status') }} as status,
        {{ to_integer('contact_count') }} as contact_count,
        {{ to_integer('handle_seconds') }} as handle_seconds,
        {{ clean_text('resolution') }} as resolution,
        {{ to_integer('csat') }} as csat_score,
        _extra,
        _file_path,
        _line_number,
        _loaded_at
    from source
)

{{ latest_delivery('renamed', 'ticket_id') }}
