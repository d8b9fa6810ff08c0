{#
    Monthly churn per segment, plus segment = 'all' (MARTS.md):
    churn_rate = customers who churned during the month / customers active at its start.
    Active at the start of a month = active on the day before its first day (a paid order in
    the churn window up to that day, account not closed). Churned counts the customers of
    that base who churned during the month, so the rate's numerator is inside its
    denominator: a customer who first ordered and closed the account within one month was
    never in the base and is not a churner of it. Months run from the first to the last
    month with orders.
#}

{% set window = var('churn_window_days') %}

with

order_days as (
    select * from {{ ref('int_paid_order_days') }}
),

events as (
    select * from {{ ref('int_customer_churn_events') }}
),

customers as (
    select
        customer_id,
        segment,
        {{ business_date('closed_at') }} as closed_date
    from {{ ref('dim_customer') }}
),

bounds as (
    select
        cast({{ dbt.date_trunc('month', 'min(order_date)') }} as date) as first_month,
        cast({{ dbt.date_trunc('month', 'max(order_date)') }} as date) as last_month
    from order_days
),

months as (
    select cast(spine.month_start as date) as month_start
    from bounds
    cross join
        generate_series(
            bounds.first_month, bounds.last_month, interval 1 month
        ) as spine (month_start)
),

active_customers as (
    select distinct
        months.month_start,
        order_days.customer_id
    from months
    inner join order_days
        on
            order_days.order_date
            between {{ dbt.dateadd('day', -(window + 1), 'months.month_start') }}
            and {{ dbt.dateadd('day', -1, 'months.month_start') }}
    inner join customers
        on order_days.customer_id = customers.customer_id
    where customers.closed_date is null or customers.closed_date >= months.month_start
),

active_at_start as (
    select
        active_customers.month_start,
        customers.segment,
        count(*) as active_at_start
    from active_customers
    inner join customers
        on active_customers.customer_id = customers.customer_id
    group by 1, 2
),

churned as (
    select
        active_customers.month_start,
        customers.segment,
        count(*) as churned
    from events
    inner join active_customers
        on
            events.customer_id = active_customers.customer_id
            and cast({{ dbt.date_trunc('month', 'events.churn_date') }} as date)
            = active_customers.month_start
    inner join customers
        on events.customer_id = customers.customer_id
    group by 1, 2
),

segments as (
    select distinct segment from customers
),

by_segment as (
    select
        months.month_start,
        segments.segment,
        coalesce(active_at_start.active_at_start, 0) as active_at_start,
        coalesce(churned.churned, 0) as churned
    from months
    cross join segments
    left join active_at_start
        on
            months.month_start = active_at_start.month_start
            and segments.segment = active_at_start.segment
    left join churned
        on
            months.month_start = churned.month_start
            and segments.segment = churned.segment
),

all_segments as (
    select
        month_start,
        'all' as segment,
        sum(active_at_start) as active_at_start,
        sum(churned) as churned
    from by_segment
    group by 1, 2
),

combined as (
    select * from by_segment
    union all
    select * from all_segments
)

select
    month_start,
    segment,
    active_at_start,
    churned,
    1.0 * churned / nullif(active_at_start, 0) as churn_rate
from combined
