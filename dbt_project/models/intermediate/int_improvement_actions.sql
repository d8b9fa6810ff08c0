{# Improvement actions with their launch day and before/after windows (business days). #}

{% set days = var('impact_window_days') %}

with

actions as (
    select * from {{ ref('stg_improvement_action') }}
)

select
    action_id,
    title,
    topic,
    scope_channel,
    scope_store_id,
    launched_at,
    {{ business_date('launched_at') }} as launch_date,
    cast({{ dbt.dateadd('day', -days, business_date('launched_at')) }} as date) as before_start,
    cast({{ dbt.dateadd('day', days, business_date('launched_at')) }} as date) as after_end
from actions
