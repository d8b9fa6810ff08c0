{{ config(schema='intermediate') }}

{#
    The cells mart_improvement_impact compares: per action x metric x arm (treated, control)
    x window (before, after, and each pre-launch window), the observations' count, mean and
    variances. One row of y per mention, answer or day (_impact__models.yml says what each
    metric counts per kind of scope):

      negative_share        y = 1 or 0 per topic mention
      topic_volume_per_day  y = the day's topic mentions (treated); the day's mentions of
                            every other topic in the same scope (control)
      csat_pct              y = 100 or 0 per answered CSAT question
      nps                   y = 100, 0 or -100 per answered NPS question
#}

{% set days = var('impact_window_days') %}
{% set windows = var('impact_pretrend_windows') %}

with

actions as (
    select
        *,
        scope_channel = 'all' and scope_store_id is null as scope_is_everything,
        case
            when scope_store_id is not null then 'store'
            when scope_channel in ('all', 'survey') then 'everything'
        end as survey_scope
    from {{ ref('int_improvement_actions') }}
),

-- Mentions of any topic in the windows, placed in or out of the action's scope.
placed_mentions as (
    select
        actions.action_id,
        topics.day,
        topics.topic = actions.topic as is_action_topic,
        (actions.scope_channel = 'all' or topics.source = actions.scope_channel)
        and (actions.scope_store_id is null or topics.store_id = actions.scope_store_id)
            as in_scope,
        case
            -- A store scope: the same channel at the other stores.
            when actions.scope_store_id is not null
                then
                    (actions.scope_channel = 'all' or topics.source = actions.scope_channel)
                    and topics.store_id != actions.scope_store_id
            -- A channel scope: every other channel; everything: no control.
            else actions.scope_channel != 'all' and topics.source != actions.scope_channel
        end as in_control,
        topics.topic_sentiment_label = 'negative' as is_negative
    from actions
    inner join {{ ref('fct_feedback_topic') }} as topics
        on
            actions.before_start <= topics.day
            and actions.after_end > topics.day
            and not topics.is_suspected_fake
            -- A post about competitors only is not feedback about us (int_feedback_brands).
            and not exists (
                select 1 from {{ ref('int_feedback_brands') }} as brand_flags
                where
                    brand_flags.feedback_id = topics.feedback_id
                    and brand_flags.mentions_only_competitors
            )
),

arms as (
    select 'treated' as arm
    union all
    select 'control' as arm
),

-- Every (action, arm, day) so that days without a mention count as zero.
action_days as (
    select
        actions.action_id,
        arms.arm,
        cast(spine.day as date) as day
    from actions
    cross join
        generate_series(
            actions.before_start,
            {{ dbt.dateadd('day', -1, 'actions.after_end') }},
            interval 1 day
        ) as spine (day)
    cross join arms
),

daily_volume as (
    select
        action_days.action_id,
        action_days.arm,
        action_days.day,
        1.0 * count(placed_mentions.day) as y
    from action_days
    left join placed_mentions
        on
            action_days.action_id = placed_mentions.action_id
            and action_days.day = placed_mentions.day
            and placed_mentions.in_scope
            and placed_mentions.is_action_topic = (action_days.arm = 'treated')
    group by action_days.action_id, action_days.arm, action_days.day
),

-- Answered CSAT and NPS questions of the scope's own surveys: every answer for all and
-- survey scopes; store-visit answers for a store scope (that store treated, others control).
answers as (
    select
        actions.action_id,
        survey.survey_type,
        {{ business_date('survey.created_at') }} as day,
        case
            when actions.survey_scope = 'everything' then 'treated'
            when survey.store_id = actions.scope_store_id then 'treated'
            else 'control'
        end as arm,
        case
            when survey.survey_type = 'csat'
                then case when survey.score >= 4 then 100.0 else 0.0 end
            when survey.score >= 9 then 100.0
            when survey.score <= 6 then -100.0
            else 0.0
        end as y
    from actions
    inner join {{ ref('stg_survey') }} as survey
        on
            {{ business_date('survey.created_at') }} >= actions.before_start
            and {{ business_date('survey.created_at') }} < actions.after_end
            and survey.is_answered
            and survey.survey_type in ('csat', 'nps')
            and (
                actions.survey_scope = 'everything'
                or (
                    actions.survey_scope = 'store'
                    and survey.touchpoint = 'store'
                    and survey.store_id is not null
                )
            )
),

units as (
    select
        action_id,
        'negative_share' as metric,
        case when in_scope then 'treated' else 'control' end as arm,
        day,
        case when is_negative then 1.0 else 0.0 end as y
    from placed_mentions
    where is_action_topic and (in_scope or in_control)
    union all
    select
        action_id,
        'topic_volume_per_day' as metric,
        arm,
        day,
        y
    from daily_volume
    union all
    select
        action_id,
        case when survey_type = 'csat' then 'csat_pct' else 'nps' end as metric,
        arm,
        day,
        y
    from answers
),

placed as (
    select
        units.*,
        case when units.day < actions.launch_date then 'before' else 'after' end as period,
        -- Pre-launch window 0 .. windows - 1 (oldest first), each n / windows days long.
        case
            when units.day < actions.launch_date
                then least(
                    {{ windows - 1 }},
                    floor(
                        {{ dbt.datediff('actions.before_start', 'units.day', 'day') }}
                        / ({{ days }} / {{ windows }})
                    )
                )
        end as pre_window
    from units
    inner join actions on units.action_id = actions.action_id
),

-- n, mean, the mean square deviation (var_pop) and the sample variance (var_samp) of y.
{% set cell_stats %}
        count(*) as n,
        count(case when y > 0 then 1 end) as positives,
        count(case when y < 0 then 1 end) as negatives,
        avg(y) as mean,
        var_pop(y) as var_pop,
        var_samp(y) as var_samp
{% endset %}

windows as (
    select
        action_id,
        metric,
        arm,
        period,
        cast(null as integer) as pre_window,
        {{ cell_stats }}
    from placed
    group by action_id, metric, arm, period
),

pre_windows as (
    select
        action_id,
        metric,
        arm,
        period,
        cast(pre_window as integer) as pre_window,
        {{ cell_stats }}
    from placed
    where period = 'before'
    group by action_id, metric, arm, period, pre_window
)

select * from windows
union all
select * from pre_windows
