{{ config(unique_key='post_id') }}

with

source as (
    select * from {{ source('raw', 'social') }}
    {{ new_deliveries() }}
),

renamed as (
    select
        {{ clean_text('post_id') }} as post_id,
        {{ clean_code('platform') }} as platform,
        {{ clean_text('author_id') }} as author_id,
        {{ clean_text('content') }} as feedback_text,
        {{ to_utc('created_at', 'social') }} as created_at,
        {{ to_integer('author_followers') }} as author_followers,
        {{ to_integer('likes') }} as likes,
        {{ to_integer('reposts') }} as reposts,
        {{ to_integer('comments') }} as comments,
        {{ clean_text('url') }} as url,
        {{ clean_text('parent_post_id') }} as parent_post_id,
        _extra,
        _file_path,
        _line_number,
        _loaded_at
    from source
)

{{ latest_delivery('renamed', 'post_id') }}
