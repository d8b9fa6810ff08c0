{{ config(unique_key='label_id') }}

with

source as (
    select * from {{ source('raw', 'topic_label') }}
    {{ new_deliveries() }}
),

renamed as (
    select
        {{ clean_text('label_id') }} as label_id,
        {{ clean_code('source') }} as source,
        {{ clean_text('source_record_id') }} as source_record_id,
        {{ clean_code('topic') }} as topic,
        {{ clean_code('polarity') }} as polarity,
        {{ to_utc('labelled_at', 'topic_label') }} as labelled_at,
        {{ clean_text('labeller') }} as labeller,
        _extra,
        _file_path,
        _line_number,
        _loaded_at
    from source
)

{{ latest_delivery('renamed', 'label_id') }}
