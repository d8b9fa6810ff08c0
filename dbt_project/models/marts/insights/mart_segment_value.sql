{#
    What each segment is worth, per business month, plus segment = 'all'. Months and the
    churn figures are mart_churn_monthly's (first to last month with orders; churn_rate =
    churned in the month / active at its start, MARTS.md). Segment is the customer's segment
    today (dim_customer). Per month: the customers who placed a paid order in it and their
    net revenue (orders whose latest status is paid: a refunded order nets to 0, a cancelled
    one was never paid), and the NPS answers' detractor share. predicted_value_12m and
    value_at_risk are the segment's totals as of the data's last day (as_of_date), the same
    in every month: read them from one month, never sum them over months.
#}

with

customers as (
    select * from {{ ref('dim_customer') }}
),

churn as (
    select * from {{ ref('mart_churn_monthly') }}
),

orders as (
    select
        cast({{ dbt.date_trunc('month', business_date('orders.ordered_at')) }} as date)
            as month_start,
        orders.customer_id,
        orders.amount
    from {{ ref('stg_order') }} as orders
    where orders.status = 'paid'
),

answers as (
    select
        cast({{ dbt.date_trunc('month', 'day') }} as date) as month_start,
        customer_id,
        survey_score
    from {{ ref('fct_feedback') }}
    where
        source = 'survey'
        and survey_type = 'nps'
        and survey_score is not null
        and not is_suspected_fake
),

-- Every fact twice: under the customer's segment and under 'all'.
segmented_orders as (
    select
        orders.month_start,
        orders.customer_id,
        orders.amount,
        customers.segment
    from orders
    inner join customers on orders.customer_id = customers.customer_id
),

order_facts as (
    select * from segmented_orders
    union all
    select * replace ('all' as segment) from segmented_orders
),

segmented_answers as (
    select
        answers.month_start,
        answers.survey_score,
        coalesce(customers.segment, 'unknown') as segment
    from answers
    left join customers on answers.customer_id = customers.customer_id
),

answer_facts as (
    select * from segmented_answers
    union all
    select * replace ('all' as segment) from segmented_answers
),

customer_facts as (
    select
        segment,
        predicted_value_12m,
        value_at_risk,
        as_of_date
    from customers
    union all
    select
        'all' as segment,
        predicted_value_12m,
        value_at_risk,
        as_of_date
    from customers
),

monthly_orders as (
    select
        month_start,
        segment,
        count(distinct customer_id) as customers,
        sum(amount) as revenue
    from order_facts
    group by 1, 2
),

monthly_answers as (
    select
        month_start,
        segment,
        count(*) as nps_responses,
        count(case when survey_score <= 6 then 1 end) as detractors
    from answer_facts
    group by 1, 2
),

segment_value as (
    select
        segment,
        sum(predicted_value_12m) as predicted_value_12m,
        sum(value_at_risk) as value_at_risk,
        max(as_of_date) as as_of_date
    from customer_facts
    group by 1
)

select
    churn.month_start,
    churn.segment,
    coalesce(monthly_orders.customers, 0) as customers,
    coalesce(monthly_orders.revenue, 0) as revenue,
    coalesce(monthly_answers.nps_responses, 0) as nps_responses,
    coalesce(monthly_answers.detractors, 0) as detractors,
    1.0 * monthly_answers.detractors / nullif(monthly_answers.nps_responses, 0)
        as detractor_share,
    churn.active_at_start,
    churn.churned,
    churn.churn_rate,
    coalesce(segment_value.predicted_value_12m, 0) as predicted_value_12m,
    coalesce(segment_value.value_at_risk, 0) as value_at_risk,
    segment_value.as_of_date
from churn
left join monthly_orders
    on
        churn.month_start = monthly_orders.month_start
        and churn.segment = monthly_orders.segment
left join monthly_answers
    on
        churn.month_start = monthly_answers.month_start
        and churn.segment = monthly_answers.segment
left join segment_value
    on churn.segment = segment_value.segment
