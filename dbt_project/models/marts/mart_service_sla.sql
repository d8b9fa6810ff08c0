{#
    Service desk figures per business month and contact channel (MARTS.md). Tickets are
    counted in the month they were opened; the ticket CSAT in the month they were resolved.
    responded_24h/48h: first response within 24/48 hours of opening (a ticket with no
    response counts as not responded). FCR: resolved tickets needing one contact. AHT: mean
    handle_seconds over tickets that report it.
#}

with

tickets as (
    select
        *,
        {{ business_month('opened_at') }} as opened_month,
        {{ business_month('resolved_at') }} as resolved_month,
        {{ dbt.datediff('opened_at', 'first_response_at', 'second') }} as response_seconds  -- noqa: LT05
    from {{ ref('stg_support_ticket') }}
),

opened as (
    select
        opened_month as month_start,
        contact_channel,
        count(*) as tickets,
        count(case when response_seconds <= 24 * 3600 then 1 end) as responded_24h,
        count(case when response_seconds <= 48 * 3600 then 1 end) as responded_48h,
        count(resolved_at) as resolved_tickets,
        count(case when resolved_at is not null and contact_count = 1 then 1 end) as fcr_tickets,
        count(handle_seconds) as aht_tickets,
        sum(handle_seconds) as handle_seconds_sum
    from tickets
    group by 1, 2
),

resolved as (
    select
        resolved_month as month_start,
        contact_channel,
        count(csat_score) as ticket_csat_responses,
        count(case when csat_score >= 4 then 1 end) as ticket_csat_satisfied
    from tickets
    where resolved_at is not null
    group by 1, 2
),

combined as (
    select
        coalesce(opened.month_start, resolved.month_start) as month_start,
        coalesce(opened.contact_channel, resolved.contact_channel) as contact_channel,
        coalesce(opened.tickets, 0) as tickets,
        coalesce(opened.responded_24h, 0) as responded_24h,
        coalesce(opened.responded_48h, 0) as responded_48h,
        coalesce(opened.resolved_tickets, 0) as resolved_tickets,
        coalesce(opened.fcr_tickets, 0) as fcr_tickets,
        coalesce(opened.aht_tickets, 0) as aht_tickets,
        coalesce(opened.handle_seconds_sum, 0) as handle_seconds_sum,
        coalesce(resolved.ticket_csat_responses, 0) as ticket_csat_responses,
        coalesce(resolved.ticket_csat_satisfied, 0) as ticket_csat_satisfied
    from opened
    full outer join resolved
        on
            opened.month_start = resolved.month_start
            and opened.contact_channel = resolved.contact_channel
)

select
    *,
    100.0 * responded_24h / nullif(tickets, 0) as responded_24h_pct,
    100.0 * responded_48h / nullif(tickets, 0) as responded_48h_pct,
    100.0 * fcr_tickets / nullif(resolved_tickets, 0) as fcr_pct,
    1.0 * handle_seconds_sum / nullif(aht_tickets, 0) as aht_seconds_mean,
    100.0 * ticket_csat_satisfied / nullif(ticket_csat_responses, 0) as ticket_csat_pct
from combined
