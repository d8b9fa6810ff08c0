{{ config(unique_key='action_id') }}

with

source as (
    select * from {{ source('raw', 'improvement_action') }}
    {{ new_deliveries() }}
),

renamed as (
    select
        {{ clean_text('action_id') }} as action_id,
        {{ clean_text('title') }} as title,
        {{ clean_code('topic') }} as topic,
        {{ to_utc('launched_at', 'improvement_action') }} as launched_at,
        {{ clean_text('description') }} as description,
        coalesce({{ clean_code('scope_channel') }}, 'all') as scope_channel,
        {{ clean_text('scope_store_id') }} as scope_store_id,
        {{ clean_text('owner') }} as owner,
        _extra,
        _file_path,
        _line_number,
        _loaded_at
    from source
)

{{ latest_delivery('renamed', 'action_id') }}
