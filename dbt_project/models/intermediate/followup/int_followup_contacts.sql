{#
    What happened after each feedback item, found in the data: the reply posted on a review,
    the first support ticket the same customer opened within var followup_ticket_window_days
    after it (its first response answers the item, its resolution resolves it), and the
    customer's next survey answer within var followup_recovery_days (whether they recovered).
    One row per feedback item that has any of them.
#}

with

items as (
    select
        feedback_id,
        source,
        source_record_id,
        customer_id,
        created_at
    from {{ ref('int_feedback_unioned') }}
),

review_replies as (
    select
        'ecommerce_review' as source,
        review_id as source_record_id,
        replied_at
    from {{ ref('stg_ecommerce_review') }}
    where replied_at is not null
    union all
    select
        'app_review' as source,
        review_id as source_record_id,
        replied_at
    from {{ ref('stg_app_review') }}
    where replied_at is not null
),

tickets as (
    select
        ticket_id,
        customer_id,
        opened_at,
        first_response_at,
        resolved_at
    from {{ ref('stg_support_ticket') }}
    where customer_id is not null
),

first_ticket as (
    -- All columns from the one ticket opened first (the lower id on a tie): aggregates such
    -- as arg_min skip nulls and would take a later ticket's resolution.
    select
        items.feedback_id,
        tickets.ticket_id,
        tickets.opened_at as ticket_opened_at,
        tickets.first_response_at as ticket_first_response_at,
        tickets.resolved_at as ticket_resolved_at
    from items
    inner join tickets
        on
            items.customer_id = tickets.customer_id
            and items.created_at <= tickets.opened_at
            and {{ dbt.dateadd('day', var('followup_ticket_window_days'), 'items.created_at') }}
            > tickets.opened_at
    where items.source != 'support_ticket'
    qualify
        row_number() over (
            partition by items.feedback_id
            order by tickets.opened_at, tickets.ticket_id
        ) = 1
),

surveys as (
    select
        customer_id,
        source_record_id,
        created_at,
        survey_type,
        survey_score
    from {{ ref('int_feedback_unioned') }}
    where source = 'survey' and survey_score is not null
),

next_survey as (
    -- The customer's next answer; of answers given at the same moment, the lower response id.
    select
        items.feedback_id,
        surveys.created_at as next_survey_at,
        surveys.survey_type as next_survey_type,
        surveys.survey_score as next_survey_score
    from items
    inner join surveys
        on
            items.customer_id = surveys.customer_id
            and items.created_at < surveys.created_at
            and {{ dbt.dateadd('day', var('followup_recovery_days'), 'items.created_at') }}
            >= surveys.created_at
    qualify
        row_number() over (
            partition by items.feedback_id
            order by surveys.created_at, surveys.source_record_id
        ) = 1
),

contacts as (
    select
        items.feedback_id,
        review_replies.replied_at as review_replied_at,
        first_ticket.ticket_id,
        first_ticket.ticket_opened_at,
        first_ticket.ticket_first_response_at,
        first_ticket.ticket_resolved_at,
        next_survey.next_survey_at,
        next_survey.next_survey_type,
        next_survey.next_survey_score
    from items
    left join review_replies
        on
            items.source = review_replies.source
            and items.source_record_id = review_replies.source_record_id
    left join first_ticket
        on items.feedback_id = first_ticket.feedback_id
    left join next_survey
        on items.feedback_id = next_survey.feedback_id
)

select * from contacts
where
    review_replied_at is not null
    or ticket_id is not null
    or next_survey_at is not null
