{#
    One row per customer: order history, churn status, segment and churn risk. Windows,
    segment rules and risk weights are dbt vars (dbt_project.yml), documented there.
#}

{% set window = var('churn_window_days') %}
{% set feedback_days = var('churn_risk_feedback_days') %}

with

crm as (
    select * from {{ ref('stg_crm_customer') }}
),

-- Everyone we know: the CRM, plus customers seen only in orders or feedback (their CRM row
-- may be late or quarantined). They get CRM attributes once the CRM delivers them.
known_ids as (
    select customer_id from crm
    union
    select customer_id from {{ ref('stg_order') }}
    union
    select customer_id from {{ ref('int_feedback_unioned') }}
    where customer_id is not null
),

customers as (
    select
        known_ids.customer_id,
        crm.customer_id is not null as in_crm,
        crm.registered_at,
        crm.birth_year,
        crm.city,
        crm.tier,
        crm.closed_at
    from known_ids
    left join crm
        on known_ids.customer_id = crm.customer_id
),

horizon as (
    select as_of_date from {{ ref('int_data_horizon') }}
),

orders as (
    select
        customer_id,
        min(order_date) as first_order_date,
        max(order_date) as last_order_date,
        sum(paid_orders) as orders,
        sum(paid_amount) as revenue,
        sum(paid_amount) / sum(paid_orders) as avg_order_value
    from {{ ref('int_paid_order_days') }}
    group by 1
),

-- Net value: what was paid minus what was refunded (an order's latest status says which;
-- a refunded order was paid first; a cancelled one never was), over every order.
order_value as (
    select
        customer_id,
        sum(case when status in ('paid', 'refunded') then amount else 0 end)
        - sum(case when status = 'refunded' then amount else 0 end) as historic_value,
        min(case when status in ('paid', 'refunded') then {{ business_date('ordered_at') }} end)
            as first_paid_date
    from {{ ref('stg_order') }}
    group by 1
),

order_timestamps as (
    select
        customer_id,
        min(ordered_at) as first_order_at,
        max(ordered_at) as last_order_at
    from {{ ref('stg_order') }}
    where status = 'paid'
    group by 1
),

recent_orders as (
    select
        order_days.customer_id,
        sum(order_days.paid_orders) as orders_last_365d
    from {{ ref('int_paid_order_days') }} as order_days
    cross join horizon
    where order_days.order_date > {{ dbt.dateadd('day', -365, 'horizon.as_of_date') }}
    group by 1
),

latest_churn as (
    select
        customer_id,
        max(churn_date) as churn_date
    from {{ ref('int_customer_churn_events') }}
    group by 1
),

feedback as (
    select
        fct.customer_id,
        fct.source,
        fct.touchpoint,
        fct.day,
        fct.sentiment_label,
        fct.survey_type,
        fct.survey_score,
        fct.created_at
    from {{ ref('fct_feedback') }} as fct
    where fct.customer_id is not null and not fct.is_suspected_fake
),

feedback_profile as (
    select
        customer_id,
        count(*) as feedback_items,
        avg(
            case when source in ('app_review', 'social') or touchpoint = 'app' then 1.0 else 0.0 end
        ) as digital_share
    from feedback
    group by 1
),

topic_counts as (
    select
        customer_id,
        topic,
        count(*) as mentions
    from {{ ref('fct_feedback_topic') }}
    where customer_id is not null and not is_suspected_fake
    group by 1, 2
),

top_topic as (
    select
        customer_id,
        max(case when topic = 'price' then mentions else 0 end) as price_mentions,
        max(case when topic != 'price' then mentions else 0 end) as other_topic_mentions
    from topic_counts
    group by 1
),

recent_feedback as (
    select
        feedback.customer_id,
        avg(case when feedback.sentiment_label = 'negative' then 1.0 else 0.0 end)
            as negative_share
    from feedback
    cross join horizon
    where
        feedback.day > {{ dbt.dateadd('day', -feedback_days, 'horizon.as_of_date') }}
        and feedback.sentiment_label is not null
    group by 1
),

latest_nps as (
    select
        feedback.customer_id,
        feedback.survey_score,
        row_number() over (
            partition by feedback.customer_id order by feedback.created_at desc
        ) as recency_rank
    from feedback
    cross join horizon
    where
        feedback.survey_type = 'nps'
        and feedback.survey_score is not null
        and feedback.day > {{ dbt.dateadd('day', -feedback_days, 'horizon.as_of_date') }}
),

aov_rank as (
    select
        customer_id,
        percent_rank() over (order by avg_order_value) as aov_percentile
    from orders
),

assembled as (
    select
        customers.customer_id,
        customers.in_crm,
        customers.registered_at,
        customers.birth_year,
        customers.city,
        customers.tier,
        customers.closed_at,
        horizon.as_of_date,
        {{ dbt.datediff('customers.registered_at', 'horizon.as_of_date', 'day') }}
            as days_since_registration,
        extract(year from horizon.as_of_date) - customers.birth_year as age,
        order_timestamps.first_order_at,
        order_timestamps.last_order_at,
        orders.last_order_date,
        coalesce(orders.orders, 0) as orders,
        coalesce(orders.revenue, 0) as revenue,
        orders.avg_order_value,
        aov_rank.aov_percentile,
        coalesce(recent_orders.orders_last_365d, 0) as orders_last_365d,
        coalesce(feedback_profile.feedback_items, 0) as feedback_items,
        coalesce(feedback_profile.digital_share, 0) as digital_share,
        coalesce(
            top_topic.price_mentions > 0
            and top_topic.price_mentions > top_topic.other_topic_mentions, false)
            as price_is_top_topic,
        coalesce(recent_feedback.negative_share, 0) as recent_negative_share,
        coalesce(latest_nps.survey_score <= 6, false) as latest_nps_is_detractor,
        latest_churn.churn_date as latest_churn_date,
        coalesce(order_value.historic_value, 0) as historic_value,
        {{ dbt.datediff('order_value.first_paid_date', 'horizon.as_of_date', 'day') }}  -- noqa: LT05
        + 1 as value_tenure_days
    from customers
    cross join horizon
    left join orders on customers.customer_id = orders.customer_id
    left join order_timestamps on customers.customer_id = order_timestamps.customer_id
    left join recent_orders on customers.customer_id = recent_orders.customer_id
    left join latest_churn on customers.customer_id = latest_churn.customer_id
    left join feedback_profile on customers.customer_id = feedback_profile.customer_id
    left join top_topic on customers.customer_id = top_topic.customer_id
    left join recent_feedback on customers.customer_id = recent_feedback.customer_id
    left join latest_nps
        on customers.customer_id = latest_nps.customer_id and latest_nps.recency_rank = 1
    left join aov_rank on customers.customer_id = aov_rank.customer_id
    left join order_value on customers.customer_id = order_value.customer_id
),

with_recency as (
    select
        *,
        {{ dbt.datediff('last_order_date', 'as_of_date', 'day') }} as days_since_last_order  -- noqa: LT05
    from assembled
),

scored as (
    select
        *,
        latest_churn_date is not null and latest_churn_date > last_order_date as is_churned,
        case
            when last_order_date is null then 1.0
            else least(
                days_since_last_order / {{ window }}.0,
                1.0
            )
        end as recency_score,
        1.0 / (1 + orders_last_365d) as frequency_score
    from with_recency
),

profiled as (
    select
        customer_id,
        case
            when
                age < {{ var('digital_native_max_age') }}
                and digital_share > {{ var('digital_native_min_share') }}
                then 'digital_native'
            when aov_percentile >= 1 - {{ var('quality_seeker_top_share') }} then 'quality_seeker'
            when
                price_is_top_topic
                or aov_percentile <= {{ var('value_seeker_bottom_share') }}
                then 'value_seeker'
            else 'mainstream'
        end as segment,
        in_crm,
        registered_at,
        birth_year,
        age,
        city,
        tier,
        first_order_at,
        last_order_at,
        orders,
        revenue,
        avg_order_value,
        orders_last_365d,
        feedback_items,
        digital_share,
        price_is_top_topic,
        is_churned,
        case when is_churned then latest_churn_date end as churned_at,
        closed_at,
        recency_score,
        frequency_score,
        recent_negative_share,
        latest_nps_is_detractor,
        {{ churn_risk(
            'days_since_last_order', 'orders_last_365d', 'recent_negative_share',
            'latest_nps_is_detractor'
        ) }} as churn_risk,
        historic_value,
        value_tenure_days,
        {{ predicted_value_12m('historic_value', 'value_tenure_days',
            'not is_churned and closed_at is null') }} as predicted_value_12m,
        as_of_date
    from scored
),

valued as (
    select
        *,
        predicted_value_12m * churn_risk as value_at_risk
    from profiled
)

select
    *,
    -- Deciles of the customers with a predicted value (10 = most valuable); ties by id.
    case
        when predicted_value_12m > 0 then
            ntile(10) over (
                partition by predicted_value_12m > 0
                order by predicted_value_12m, customer_id
            )
    end as value_decile
from valued
