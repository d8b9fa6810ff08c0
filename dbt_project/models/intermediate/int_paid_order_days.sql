{#
    One row per customer and business day with at least one paid order placed before the
    customer's account closure: the days that keep a customer active.
#}

with

orders as (
    select * from {{ ref('stg_order') }}
),

customers as (
    select * from {{ ref('stg_crm_customer') }}
)

select
    orders.customer_id,
    {{ business_date('orders.ordered_at') }} as order_date,
    count(*) as paid_orders,
    sum(orders.amount) as paid_amount
from orders
left join customers
    on orders.customer_id = customers.customer_id
where
    orders.status = 'paid'
    and (customers.closed_at is null or orders.ordered_at < customers.closed_at)
group by 1, 2
