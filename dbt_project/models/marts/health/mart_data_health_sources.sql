{#
    Data health per landing source: what was delivered, loaded and quarantined (raw._files),
    how many feedback items reached the marts, and how fresh the newest data is against the
    warehouse's last business day (int_data_horizon). One row per source of
    var data_health_sources, zeros for a source that never delivered.
#}

with

sources as (
    {% for source in var('data_health_sources') -%}
        select '{{ source }}' as source
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

files as (
    {{ relation_or_empty('raw', '_files',
        "select null::varchar as source, null::varchar as status, null::integer as rows_read,
            null::integer as rows_loaded, null::integer as rows_quarantined,
            null::timestamp as loaded_at where false") }}
),

by_source as (
    select
        source,
        count(*) as files,
        count(*) filter (where status in ('loaded', 'loaded_with_quarantine')) as files_loaded,
        count(*) filter (where status = 'rejected') as files_rejected,
        count(*) filter (where status = 'failed') as files_failed,
        count(*) filter (where status = 'duplicate') as files_duplicate,
        sum(rows_read) as rows_read,
        sum(rows_loaded) as rows_loaded,
        sum(rows_quarantined) as rows_quarantined,
        max(loaded_at) filter (
            where status in ('loaded', 'loaded_with_quarantine')
        ) as last_loaded_at
    from files
    group by source
),

items as (
    select
        source,
        count(*) as feedback_items,
        max(day) as newest_day
    from {{ ref('fct_feedback') }}
    group by source
),

orders as (
    select
        'order' as source,
        max({{ business_date('ordered_at') }}) as newest_day
    from {{ ref('stg_order') }}
),

horizon as (
    select as_of_date from {{ ref('int_data_horizon') }}
)

select
    sources.source,
    coalesce(by_source.files, 0) as files,
    coalesce(by_source.files_loaded, 0) as files_loaded,
    coalesce(by_source.files_rejected, 0) as files_rejected,
    coalesce(by_source.files_failed, 0) as files_failed,
    coalesce(by_source.files_duplicate, 0) as files_duplicate,
    coalesce(by_source.rows_read, 0) as rows_read,
    coalesce(by_source.rows_loaded, 0) as rows_loaded,
    coalesce(by_source.rows_quarantined, 0) as rows_quarantined,
    case
        when by_source.rows_read > 0
            then 100.0 * by_source.rows_quarantined / by_source.rows_read
    end as quarantined_pct,
    by_source.last_loaded_at,
    coalesce(items.feedback_items, 0) as feedback_items,
    cast(coalesce(items.newest_day, orders.newest_day) as date) as newest_day,
    horizon.as_of_date,
    horizon.as_of_date - cast(coalesce(items.newest_day, orders.newest_day) as date)
        as days_behind
from sources
left join by_source
    on sources.source = by_source.source
left join items
    on sources.source = items.source
left join orders
    on sources.source = orders.source
cross join horizon
