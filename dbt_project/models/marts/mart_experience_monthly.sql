{#
    Survey experience figures per business month and segment, plus a segment = 'all' row,
    summed from the daily counts. NPS carries a 95% adjusted-Wald interval and low_sample
    (fewer than nps_low_sample_below answers).
#}

with

daily as (
    select * from {{ ref('mart_experience_daily') }}
),

by_segment as (
    select
        cast({{ dbt.date_trunc('month', 'day') }} as date) as month_start,
        segment,
        {{ experience_count_sums() }}
    from daily
    group by 1, 2
),

all_segments as (
    select
        cast({{ dbt.date_trunc('month', 'day') }} as date) as month_start,
        'all' as segment,
        {{ experience_count_sums() }}
    from daily
    group by 1, 2
),

monthly as (
    select * from by_segment
    union all
    select * from all_segments
),

with_ratios as (
    select
        *,
        {{ experience_ratios() }}
    from monthly
)

select
    month_start,
    segment,
    {{ experience_count_columns() }},
    nps,
    {{ nps_interval_bound('low') }} as nps_ci_low,
    {{ nps_interval_bound('high') }} as nps_ci_high,
    nps_responses < {{ var('nps_low_sample_below') }} as low_sample,
    csat_pct,
    csat_mean,
    ces_mean,
    ces_easy_pct
from with_ratios
