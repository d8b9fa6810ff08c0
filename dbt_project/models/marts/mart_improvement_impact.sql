{#
    Did each improvement action work? For an action launched on day L on a topic, in its
    scope (channel and/or store), compare the windows [L - n, L) and [L, L + n)
    (n = impact_window_days) on four metrics (MARTS.md):
      negative_share        share of the topic's mentions that are negative (two-proportion z)
      topic_volume_per_day  the topic's mentions per day (Welch's t over daily counts)
      csat_pct              top-two-box CSAT of surveys at the scope's touchpoints (z)
      nps                   NPS of those surveys (the NPS z-test of MARTS.md)
    The control is the same windows outside the scope; did_estimate = delta - control_delta.
    Significant: p < significance_level and both windows have impact_min_observations.
#}

{% set days = var('impact_window_days') %}

with

actions as (
    select * from {{ ref('int_improvement_actions') }}
),

scope_touchpoints as (
    select * from {{ ref('scope_touchpoints') }}
),

mentions as (
    select
        actions.action_id,
        case when topics.day < actions.launch_date then 'before' else 'after' end as period,
        (actions.scope_channel = 'all' or topics.source = actions.scope_channel)
        and (actions.scope_store_id is null or topics.store_id = actions.scope_store_id)
            as in_scope,
        topics.day,
        case when topics.topic_sentiment_label = 'negative' then 1.0 else 0.0 end as is_negative
    from actions
    inner join {{ ref('fct_feedback_topic') }} as topics
        on
            actions.topic = topics.topic
            and actions.before_start <= topics.day
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

answers as (
    select
        actions.action_id,
        survey.survey_type,
        survey.score,
        case
            when {{ business_date('survey.created_at') }} < actions.launch_date then 'before'
            else 'after'
        end as period,
        (actions.scope_channel = 'all' or scope_touchpoints.touchpoint is not null)
        and (actions.scope_store_id is null or survey.store_id = actions.scope_store_id)
            as in_scope
    from actions
    inner join {{ ref('stg_survey') }} as survey
        on
            {{ business_date('survey.created_at') }} >= actions.before_start
            and {{ business_date('survey.created_at') }} < actions.after_end
            and survey.is_answered
            and survey.survey_type in ('csat', 'nps')
    left join scope_touchpoints
        on
            actions.scope_channel = scope_touchpoints.scope_channel
            and coalesce(survey.touchpoint, 'unknown') = scope_touchpoints.touchpoint
),

scopes as (
    select true as in_scope
    union all
    select false as in_scope
),

-- Every (action, day, scope) so that days without a mention count as zero.
action_days as (
    select
        actions.action_id,
        actions.launch_date,
        scopes.in_scope,
        cast(spine.day as date) as day
    from actions
    cross join
        generate_series(
            actions.before_start,
            {{ dbt.dateadd('day', -1, 'actions.after_end') }},
            interval 1 day
        ) as spine (day)
    cross join scopes
),

daily_volume as (
    select
        action_days.action_id,
        action_days.in_scope,
        action_days.day,
        case
            when action_days.day < action_days.launch_date then 'before' else 'after'
        end as period,
        count(mentions.day) as mentions
    from action_days
    left join mentions
        on
            action_days.action_id = mentions.action_id
            and action_days.day = mentions.day
            and action_days.in_scope = mentions.in_scope
    group by
        action_days.action_id,
        action_days.in_scope,
        action_days.day,
        action_days.launch_date
),

-- One row per action x metric x period x scope: n, and the sufficient statistics.
observations as (
    select
        action_id,
        'negative_share' as metric,
        period,
        in_scope,
        count(*) as n,
        sum(is_negative) as hits,
        0 as misses,
        sum(is_negative) as value_sum,
        sum(is_negative * is_negative) as value_sum_sq
    from mentions
    group by action_id, period, in_scope
    union all
    select
        action_id,
        'topic_volume_per_day' as metric,
        period,
        in_scope,
        count(*) as n,
        0 as hits,
        0 as misses,
        sum(mentions) as value_sum,
        sum(mentions * mentions) as value_sum_sq
    from daily_volume
    group by action_id, period, in_scope
    union all
    select
        action_id,
        'csat_pct' as metric,
        period,
        in_scope,
        count(*) as n,
        count(case when score >= 4 then 1 end) as hits,
        0 as misses,
        count(case when score >= 4 then 1 end) as value_sum,
        count(case when score >= 4 then 1 end) as value_sum_sq
    from answers
    where survey_type = 'csat'
    group by action_id, period, in_scope
    union all
    select
        action_id,
        'nps' as metric,
        period,
        in_scope,
        count(*) as n,
        count(case when score >= 9 then 1 end) as hits,
        count(case when score <= 6 then 1 end) as misses,
        0 as value_sum,
        0 as value_sum_sq
    from answers
    where survey_type = 'nps'
    group by action_id, period, in_scope
),

valued as (
    select
        *,
        case metric
            when 'negative_share' then 1.0 * hits / nullif(n, 0)
            when 'csat_pct' then 100.0 * hits / nullif(n, 0)
            when 'nps' then 100.0 * (hits - misses) / nullif(n, 0)
            else 1.0 * value_sum / nullif(n, 0)
        end as value,
        -- Sample variance of the daily counts, for Welch's test.
        case metric
            when 'topic_volume_per_day' then
                (value_sum_sq - 1.0 * value_sum * value_sum / n) / nullif(n - 1, 0)
        end as variance
    from observations
),

metric_names as (
    select 'negative_share' as metric
    union all
    select 'topic_volume_per_day' as metric
    union all
    select 'csat_pct' as metric
    union all
    select 'nps' as metric
),

metrics as (
    select
        actions.action_id,
        metric_names.metric
    from actions
    cross join metric_names
),

paired as (
    select
        metrics.action_id,
        metrics.metric,
        before.n as n_before,
        after.n as n_after,
        before.hits as hits_before,
        after.hits as hits_after,
        before.misses as misses_before,
        after.misses as misses_after,
        before.value as before_value,
        after.value as after_value,
        after.value - before.value as delta,
        before.variance as variance_before,
        after.variance as variance_after,
        control_after.value - control_before.value as control_delta
    from metrics
    left join valued as before
        on
            metrics.action_id = before.action_id
            and metrics.metric = before.metric
            and before.period = 'before'
            and before.in_scope
    left join valued as after
        on
            metrics.action_id = after.action_id
            and metrics.metric = after.metric
            and after.period = 'after'
            and after.in_scope
    left join valued as control_before
        on
            metrics.action_id = control_before.action_id
            and metrics.metric = control_before.metric
            and control_before.period = 'before'
            and not control_before.in_scope
    left join valued as control_after
        on
            metrics.action_id = control_after.action_id
            and metrics.metric = control_after.metric
            and control_after.period = 'after'
            and not control_after.in_scope
),

tested as (
    select
        *,
        case
            when metric in ('negative_share', 'csat_pct')
                then
                    {{ two_proportion_z('hits_before', 'n_before', 'hits_after', 'n_after') }}
            when metric = 'nps'
                then
                {{ nps_z('hits_before', 'misses_before', 'n_before',
                         'hits_after', 'misses_after', 'n_after') }}
            else
                {{ welch_t('before_value', 'variance_before', 'n_before',
                           'after_value', 'variance_after', 'n_after') }}
        end as test_statistic,
        {{ welch_df('variance_before', 'n_before', 'variance_after', 'n_after') }} as welch_df
    from paired
),

-- Welch's t mapped to a standard normal deviate (Hill 1970) so one CDF serves both tests.
normalised as (
    select
        *,
        {{ t_to_normal_z('abs(test_statistic)', 'welch_df') }} as normal_z
    from tested
),

final as (
    select
        tested.action_id,
        tested.metric,
        actions.title,
        actions.topic,
        actions.scope_channel,
        actions.scope_store_id,
        actions.launch_date,
        tested.before_value,
        tested.after_value,
        tested.delta,
        coalesce(tested.n_before, 0) as n_before,
        coalesce(tested.n_after, 0) as n_after,
        case when tested.metric = 'topic_volume_per_day' then 'welch_t' else 'z' end as test,
        tested.test_statistic,
        case
            when tested.metric = 'topic_volume_per_day' then {{ p_value_from_z('tested.normal_z') }}
            else {{ p_value_from_z('tested.test_statistic') }}
        end as p_value,
        tested.control_delta,
        tested.delta - tested.control_delta as did_estimate
    from normalised as tested
    inner join actions
        on tested.action_id = actions.action_id
)

select
    *,
    coalesce(
        p_value < {{ var('significance_level') }}
        and n_before >= {{ var('impact_min_observations') }}
        and n_after >= {{ var('impact_min_observations') }},
        false
    ) as is_significant
from final
