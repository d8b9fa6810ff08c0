{#
    The follow-up queue's health by business day x owner team x priority. Two kinds of
    figures: those of the items created that day (new, responded, responded in SLA, median
    hours to response, closed-loop and recovery counts), and the overdue backlog at the end of
    that day (items past due by then with no response by then, whatever day they came).
    Counts are stored next to every rate so any roll-up can be recomputed.
#}

with

followups as (
    select
        *,
        {{ business_date('due_at') }} as due_day,
        {{ business_date('first_response_at') }} as response_day
    from {{ ref('fct_followup') }}
),

horizon as (
    select as_of_date from {{ ref('int_data_horizon') }}
),

created as (
    select
        day,
        owner_team,
        priority,
        count(*) as new_items,
        count(first_response_at) as responded,
        count(*) filter (where responded_within_sla) as responded_in_sla,
        median(hours_to_response) as median_hours_to_response,
        count(*) filter (where status in ('responded', 'resolved')) as closed_loop,
        count(*) filter (where status = 'resolved') as resolved,
        count(recovered) as with_later_answer,
        count(*) filter (where recovered) as recovered
    from followups
    group by day, owner_team, priority
),

days as (
    select cast(range as date) as day
    from
        range(
            (select min(followups.day) from followups),
            (select horizon.as_of_date + 1 from horizon),
            interval 1 day
        )
),

-- An item is in the overdue backlog at the end of each day from the one its deadline passed
-- (the deadline's own day when it passed before midnight) until the day before its
-- response, or to the data's last day without one.
backlog as (
    select
        days.day,
        followups.owner_team,
        followups.priority,
        count(*) as overdue_backlog
    from followups
    inner join days
        on
            followups.due_day <= days.day
            and (followups.response_day is null or followups.response_day > days.day)
    group by days.day, followups.owner_team, followups.priority
),

joined as (
    select
        coalesce(created.day, backlog.day) as day,
        coalesce(created.owner_team, backlog.owner_team) as owner_team,
        coalesce(created.priority, backlog.priority) as priority,
        coalesce(created.new_items, 0) as new_items,
        coalesce(created.responded, 0) as responded,
        coalesce(created.responded_in_sla, 0) as responded_in_sla,
        created.median_hours_to_response,
        coalesce(created.closed_loop, 0) as closed_loop,
        coalesce(created.resolved, 0) as resolved,
        coalesce(created.with_later_answer, 0) as with_later_answer,
        coalesce(created.recovered, 0) as recovered,
        coalesce(backlog.overdue_backlog, 0) as overdue_backlog
    from created
    full outer join backlog
        on
            created.day = backlog.day
            and created.owner_team = backlog.owner_team
            and created.priority = backlog.priority
)

select
    day,
    owner_team,
    priority,
    new_items,
    responded,
    responded_in_sla,
    round(100.0 * responded_in_sla / nullif(new_items, 0), 2) as responded_in_sla_pct,
    median_hours_to_response,
    overdue_backlog,
    closed_loop,
    round(100.0 * closed_loop / nullif(new_items, 0), 2) as closed_loop_pct,
    resolved,
    with_later_answer,
    recovered,
    round(100.0 * recovered / nullif(with_later_answer, 0), 2) as recovery_pct
from joined
