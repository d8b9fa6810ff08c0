{#
    Every churn event: a customer is active on day d when they have a paid order in the
    churn_window_days up to d (inclusive), and churns on the (churn_window_days + 1)th day
    after a paid order that no other follows within the window (`lapse`), or on the day
    their account closes if they were active the day before (`account_closed`). Only events
    on or before the data horizon are kept. A customer who comes back can churn again.
#}

{% set window = var('churn_window_days') %}

with

order_days as (
    select * from {{ ref('int_paid_order_days') }}
),

horizon as (
    select as_of_date from {{ ref('int_data_horizon') }}
),

closures as (
    select
        customer_id,
        {{ business_date('closed_at') }} as closed_date
    from {{ ref('stg_crm_customer') }}
    where closed_at is not null
),

with_next as (
    select
        customer_id,
        order_date,
        lead(order_date) over (partition by customer_id order by order_date) as next_order_date
    from order_days
),

lapses as (
    select
        with_next.customer_id,
        {{ dbt.dateadd('day', window + 1, 'with_next.order_date') }} as churn_date,
        'lapse' as churn_kind
    from with_next
    where
        with_next.next_order_date is null
        or with_next.next_order_date > {{ dbt.dateadd('day', window, 'with_next.order_date') }}
),

closure_events as (
    select
        closures.customer_id,
        closures.closed_date as churn_date,
        'account_closed' as churn_kind
    from closures
    where exists (
        select 1
        from order_days
        where
            order_days.customer_id = closures.customer_id
            and order_days.order_date
            between {{ dbt.dateadd('day', -(window + 1), 'closures.closed_date') }}
            and {{ dbt.dateadd('day', -1, 'closures.closed_date') }}
    )
),

lapses_before_closure as (
    select lapses.*
    from lapses
    left join closures
        on lapses.customer_id = closures.customer_id
    where closures.closed_date is null or lapses.churn_date < closures.closed_date
),

events as (
    select * from lapses_before_closure
    union all
    select * from closure_events
)

select
    events.customer_id,
    cast(events.churn_date as date) as churn_date,
    events.churn_kind
from events
cross join horizon
where events.churn_date <= horizon.as_of_date
