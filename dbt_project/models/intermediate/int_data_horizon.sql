{#
    The last business day the data covers: the reference "today" of churn and recency
    figures, so a rebuild of old data gives the same answer whatever day it runs.
#}

with

order_days as (
    select max({{ business_date('ordered_at') }}) as last_day
    from {{ ref('stg_order') }}
),

feedback_days as (
    select max({{ business_date('created_at') }}) as last_day
    from {{ ref('int_feedback_unioned') }}
)

select
    cast(greatest(
        coalesce(order_days.last_day, feedback_days.last_day),
        coalesce(feedback_days.last_day, order_days.last_day)
    ) as date) as as_of_date
from order_days
cross join feedback_days
