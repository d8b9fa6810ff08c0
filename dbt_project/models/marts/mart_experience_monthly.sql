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
        {{ experience_ratios() }},
        nps_responses + 3 as adjusted_n,
        (promoters + 0.75) / (nps_responses + 3.0) as adjusted_promoter_share,
        (detractors + 0.75) / (nps_responses + 3.0) as adjusted_detractor_share
    from monthly
),

with_interval as (
    select
        *,
        adjusted_promoter_share - adjusted_detractor_share as nps_adjusted,
        sqrt(
            (
                adjusted_promoter_share + adjusted_detractor_share
                - power(adjusted_promoter_share - adjusted_detractor_share, 2)
            ) / adjusted_n
        ) as nps_adjusted_se
    from with_ratios
)

select
    month_start,
    segment,
    {{ experience_count_columns() }},
    nps,
    case
        when nps_responses > 0 then
            greatest(-100.0, 100 * (nps_adjusted - 1.96 * nps_adjusted_se))
    end as nps_ci_low,
    case
        when nps_responses > 0 then
            least(100.0, 100 * (nps_adjusted + 1.96 * nps_adjusted_se))
    end as nps_ci_high,
    nps_responses < {{ var('nps_low_sample_below') }} as low_sample,
    csat_pct,
    csat_mean,
    ces_mean,
    ces_easy_pct
from with_interval
