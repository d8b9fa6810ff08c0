{#
    One row per feedback item that needs a follow-up, with its owner, priority, deadline and
    what happened since: the closed loop of VoC practice. Every rule and threshold is a dbt var
    (block "Follow-up queue" of dbt_project.yml) or an editable seed (followup_topic_owners,
    followup_critical_words).

    Status as of the end of the data's last business day (int_data_horizon), so a rebuild
    of old data gives the same answer whatever day it runs: resolved (a follow-up ticket was
    resolved, or the customer's next answer was no longer low), responded, overdue (no
    response and past due), open.
#}

{%- set points = var('followup_priority_points') %}
{%- set sla = var('followup_sla_hours') %}
{%- set clock = var('followup_sla_clock') %}
{%- set reach = var('followup_reach') %}

with

feedback as (
    select * from {{ ref('fct_feedback') }}
    where not is_suspected_fake
),

customers as (
    select
        customer_id,
        churn_risk,
        percent_rank() over (order by predicted_value_12m) as value_percentile
    from {{ ref('dim_customer') }}
),

posts as (
    select
        post_id,
        author_followers,
        reposts,
        likes
    from {{ ref('stg_social') }}
),

critical_words as (
    select word from {{ ref('followup_critical_words') }}
),

owners as (
    select * from {{ ref('followup_topic_owners') }}
),

contacts as (
    select * from {{ ref('int_followup_contacts') }}
),

horizon as (
    -- The end of the data's last business day, in UTC.
    select
        timezone(
            'UTC',
            timezone('{{ var("business_timezone") }}', cast(as_of_date + 1 as timestamp))
        ) as as_of_at
    from {{ ref('int_data_horizon') }}
),

candidates as (
    select
        *,
        case
            when survey_type = 'nps' and survey_score <= 6 then 'nps_detractor'
            when survey_type = 'csat' and survey_score <= 2 then 'csat_low'
            when survey_type = 'ces' and survey_score <= 3 then 'ces_hard'
            when
                source in ('ecommerce_review', 'app_review', 'store_card') and rating_5 <= 2
                then 'low_rating'
            when
                source != 'support_ticket'
                and sentiment_score <= {{ var('followup_negative_sentiment') }}
                then 'negative_text'
        end as trigger_reason
    from feedback
),

needing_followup as (
    select * from candidates
    where trigger_reason is not null
),

repeats as (
    -- Other items of the same customer needing follow-up in the days before.
    select
        feedback_id,
        count(*) over (
            partition by customer_id
            order by created_at
            range between interval {{ var('followup_repeat_days') }} day preceding
            and current row
        ) as complaints_in_window
    from needing_followup
    where customer_id is not null
),

words_found as (
    select
        needing_followup.feedback_id,
        list(critical_words.word order by critical_words.word) as critical_words
    from needing_followup
    inner join critical_words
        on contains(needing_followup.text_clean, critical_words.word)
    group by needing_followup.feedback_id
),

scored as (
    select
        needing_followup.*,
        customers.churn_risk,
        customers.value_percentile,
        posts.author_followers,
        posts.reposts,
        posts.likes,
        words_found.critical_words,
        coalesce(repeats.complaints_in_window, 1) >= 2 as is_repeat_complaint,
        coalesce(
            needing_followup.survey_type = 'nps' and needing_followup.survey_score <= 3
            or needing_followup.survey_type in ('csat', 'ces')
            and needing_followup.survey_score = 1
            or needing_followup.source in ('ecommerce_review', 'app_review', 'store_card')
            and needing_followup.rating_5 = 1,
            false
        ) as is_worst_score,
        coalesce(
            needing_followup.sentiment_score <= {{ var('followup_severe_sentiment') }}, false
        ) as is_severe_text,
        coalesce(
            customers.value_percentile >= 1 - {{ var('followup_top_value_share') }}, false
        ) as is_top_value,
        coalesce(customers.churn_risk >= {{ var('followup_churn_risk') }}, false)
            as is_churn_risk,
        coalesce(
            posts.author_followers >= {{ reach['followers'] }}
            or posts.reposts >= {{ reach['reposts'] }}
            or posts.likes >= {{ reach['likes'] }},
            false
        ) as is_wide_reach
    from needing_followup
    left join customers
        on needing_followup.customer_id = customers.customer_id
    left join posts
        on
            needing_followup.source = 'social'
            and needing_followup.source_record_id = posts.post_id
    left join words_found
        on needing_followup.feedback_id = words_found.feedback_id
    left join repeats
        on needing_followup.feedback_id = repeats.feedback_id
),

prioritised as (
    select
        *,
        2 * cast(is_worst_score as integer)
        + cast(is_severe_text as integer)
        + cast(is_top_value as integer)
        + cast(is_churn_risk as integer)
        + 2 * cast(is_wide_reach as integer)
        + cast(is_repeat_complaint as integer) as priority_points,
        list_concat(
            [trigger_reason],
            coalesce(
                list_transform(critical_words, lambda word: 'critical_word:' || word), []
            ),
            case when is_worst_score then ['worst_score'] else [] end,
            case when is_severe_text then ['severe_text'] else [] end,
            case when is_top_value then ['top_customer_value'] else [] end,
            case when is_churn_risk then ['churn_risk'] else [] end,
            case when is_wide_reach then ['wide_reach'] else [] end,
            case when is_repeat_complaint then ['repeat_complaint'] else [] end
        ) as priority_reasons
    from scored
),

routed as (
    select
        prioritised.*,
        case
            when prioritised.critical_words is not null then 'P1'
            when prioritised.priority_points >= {{ points['P1'] }} then 'P1'
            when prioritised.priority_points >= {{ points['P2'] }} then 'P2'
            when prioritised.priority_points >= {{ points['P3'] }} then 'P3'
            else 'P4'
        end as priority,
        coalesce(prioritised.primary_topic, 'other') as topic,
        case
            when
                prioritised.store_id is not null
                and (prioritised.source = 'store_card' or prioritised.touchpoint = 'store')
                then '{{ var("followup_store_team_prefix") }}' || prioritised.store_id
            else coalesce(owners.owner_team, '{{ var("followup_fallback_team") }}')
        end as owner_team
    from prioritised
    left join owners
        on coalesce(prioritised.primary_topic, 'other') = owners.topic
),

with_deadline as (
    select
        routed.*,
        case routed.priority
            {%- for priority, hours in sla.items() %}
                when '{{ priority }}'
                    then {{ sla_deadline('routed.created_at', hours, clock[priority]) }}
            {%- endfor %}
        end as due_at,
        least(contacts.review_replied_at, contacts.ticket_first_response_at)
            as first_response_at,
        case
            when
                contacts.review_replied_at is not null
                and (
                    contacts.ticket_first_response_at is null
                    or contacts.review_replied_at <= contacts.ticket_first_response_at
                )
                then 'review_reply'
            when contacts.ticket_first_response_at is not null then 'support_ticket'
        end as response_channel,
        contacts.ticket_id as followup_ticket_id,
        contacts.ticket_resolved_at as resolved_at,
        contacts.next_survey_at,
        case
            when contacts.next_survey_type = 'nps' then contacts.next_survey_score >= 7
            when contacts.next_survey_type = 'csat' then contacts.next_survey_score >= 3
            when contacts.next_survey_type = 'ces' then contacts.next_survey_score >= 4
        end as recovered,
        horizon.as_of_at
    from routed
    left join contacts
        on routed.feedback_id = contacts.feedback_id
    cross join horizon
)

select
    feedback_id,
    source,
    source_record_id,
    platform,
    customer_id,
    store_id,
    created_at,
    day,
    topic,
    owner_team,
    priority,
    priority_points,
    priority_reasons,
    due_at,
    first_response_at,
    response_channel,
    followup_ticket_id,
    resolved_at,
    case
        when resolved_at is not null or recovered then 'resolved'
        when first_response_at is not null then 'responded'
        when due_at < as_of_at then 'overdue'
        else 'open'
    end as status,
    date_diff('second', created_at, first_response_at) / 3600.0 as hours_to_response,
    case
        when first_response_at is not null then first_response_at <= due_at
        when due_at < as_of_at then false
    end as responded_within_sla,
    recovered,
    -- Whether the data could show an answer at all: reviews carry their reply, and a known
    -- customer's tickets are found; a social post or a store card without either stays
    -- overdue whatever was done outside the warehouse's sources.
    source in ('ecommerce_review', 'app_review') or customer_id is not null
        as response_traceable,
    next_survey_at,
    rating_5,
    survey_type,
    survey_score,
    sentiment_score,
    text_clean,
    as_of_at
from with_deadline
