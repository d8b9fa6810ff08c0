{#
    Did each improvement action work? An action launched on day L on a topic, in its scope,
    is judged on four metrics over the windows [L - n, L) and [L, L + n)
    (n = impact_window_days), in its scope (treated) and in a control group (MARTS.md and
    _marts__models.yml say what each metric counts per kind of scope):

      negative_share        the topic's mentions that are negative (y = 1 or 0 per mention)
      topic_volume_per_day  the topic's mentions per day (y = that day's count)
      csat_pct              top-two-box CSAT (y = 100 or 0 per answer)
      nps                   NPS (y = 100, 0 or -100 per answer)

    Every metric is the mean of y over a cell (treated/control x before/after), so one
    formula serves all: the variance of a cell mean is p(1 - p)/n for a share, the trinomial
    (p + d - (p - d)^2)/n (x 100^2) for NPS (both: the mean square deviation / n), and
    s^2/n (sample variance) for daily volumes, Welch-Satterthwaite degrees of freedom. These
    equal the robust standard errors of OLS y ~ treated * after on the same rows: HC0 for
    shares and NPS, HC2 for volumes (tests/dbt/test_improvement_impact.py).

    The own-effect test is the difference in differences where a control exists, else the
    raw before/after test (has_control = false, with a caveat). Benjamini-Hochberg q-values
    run over every such test of the run; parallel pre-trends, overlapping actions and scope
    turn a result into a caveat (see the verdict column's documentation).
#}

{% set days = var('impact_window_days') %}
{% set windows = var('impact_pretrend_windows') %}
{% set min_n = var('impact_min_observations') %}

with

actions as (
    select
        *,
        scope_channel = 'all' and scope_store_id is null as scope_is_everything,
        -- Survey answers of its own: every answer (all, survey) or the store's store-visit
        -- answers (a store scope); other channel scopes have none.
        case
            when scope_store_id is not null then 'store'
            when scope_channel in ('all', 'survey') then 'everything'
        end as survey_scope
    from {{ ref('int_improvement_actions') }}
),

-- Topic mentions in the windows: treated (in scope) or control. Control: the same channel in
-- other stores for a store scope, other channels for a channel scope, none for everything.
mentions as (
    select
        actions.action_id,
        topics.day,
        case
            when
                (actions.scope_channel = 'all' or topics.source = actions.scope_channel)
                and (actions.scope_store_id is null or topics.store_id = actions.scope_store_id)
                then 'treated'
            when
                actions.scope_store_id is not null
                and (actions.scope_channel = 'all' or topics.source = actions.scope_channel)
                and topics.store_id != actions.scope_store_id
                then 'control'
            when
                actions.scope_store_id is null
                and actions.scope_channel != 'all'
                and topics.source != actions.scope_channel
                then 'control'
        end as arm,
        case when topics.topic_sentiment_label = 'negative' then 1.0 else 0.0 end as y
    from actions
    inner join {{ ref('fct_feedback_topic') }} as topics
        on
            actions.topic = topics.topic
            and actions.before_start <= topics.day
            and actions.after_end > topics.day
            and not topics.is_suspected_fake
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
    cross join (select 'treated' as arm union all select 'control' as arm) as arms
    where arms.arm = 'treated' or not actions.scope_is_everything
),

daily_volume as (
    select
        action_days.action_id,
        action_days.arm,
        action_days.day,
        1.0 * count(mentions.day) as y
    from action_days
    left join mentions
        on
            action_days.action_id = mentions.action_id
            and action_days.day = mentions.day
            and action_days.arm = mentions.arm
    group by action_days.action_id, action_days.arm, action_days.day
),

-- Answered CSAT and NPS questions of the scope's own surveys (actions.survey_scope).
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
            when survey.survey_type = 'csat' then case when survey.score >= 4 then 100.0 else 0.0 end
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
    select action_id, 'negative_share' as metric, arm, day, y from mentions where arm is not null
    union all
    select action_id, 'topic_volume_per_day' as metric, arm, day, y from daily_volume
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

-- Sufficient statistics of a cell: n, mean and the variance of the mean (see the header).
{% set cell_stats %}
        count(*) as n,
        avg(y) as mean,
        case
            when metric = 'topic_volume_per_day' then var_samp(y) / count(*)
            else var_pop(y) / count(*)
        end as var_mean,
        var_samp(y) as var_y
{% endset %}

cells as (
    select action_id, metric, arm, period, {{ cell_stats }}
    from placed
    group by action_id, metric, arm, period
),

pre_cells as (
    select action_id, metric, arm, pre_window, {{ cell_stats }}
    from placed
    where period = 'before'
    group by action_id, metric, arm, pre_window
),

metric_names as (
    select * from (
        values ('negative_share'), ('topic_volume_per_day'), ('csat_pct'), ('nps')
    ) as names (metric)
),

paired as (
    select
        actions.action_id,
        metric_names.metric,
        metric_names.metric in ('csat_pct', 'nps') and actions.survey_scope is null
            as not_measured,
        not actions.scope_is_everything
        and not (metric_names.metric in ('csat_pct', 'nps') and actions.survey_scope = 'everything')
            as scope_has_control,
        coalesce(tb.n, 0) as n_before,
        coalesce(ta.n, 0) as n_after,
        coalesce(cb.n, 0) as control_n_before,
        coalesce(ca.n, 0) as control_n_after,
        tb.mean as before_value,
        ta.mean as after_value,
        cb.mean as control_before_value,
        ca.mean as control_after_value,
        tb.var_mean as var_before,
        ta.var_mean as var_after,
        cb.var_mean as control_var_before,
        ca.var_mean as control_var_after,
        -- Welch-Satterthwaite degrees of freedom of the four cells (daily volumes only).
        power(tb.var_mean + ta.var_mean + cb.var_mean + ca.var_mean, 2)
        / nullif(
            power(tb.var_mean, 2) / nullif(tb.n - 1, 0)
            + power(ta.var_mean, 2) / nullif(ta.n - 1, 0)
            + power(cb.var_mean, 2) / nullif(cb.n - 1, 0)
            + power(ca.var_mean, 2) / nullif(ca.n - 1, 0),
            0
        ) as did_df,
        -- The raw before/after test of the existing columns (MARTS.md), from counts.
        case
            when metric_names.metric = 'negative_share' then tb.mean * tb.n
            when metric_names.metric = 'csat_pct' then tb.mean * tb.n / 100
        end as hits_before,
        case
            when metric_names.metric = 'negative_share' then ta.mean * ta.n
            when metric_names.metric = 'csat_pct' then ta.mean * ta.n / 100
        end as hits_after,
        tb.var_y as variance_before,
        ta.var_y as variance_after,
        -- Observations for the minimum a window needs: mentions or answers (for daily
        -- volumes the window's mentions, not its 28 days).
        case when metric_names.metric = 'topic_volume_per_day' then tb.n * tb.mean else tb.n end
            as obs_before,
        case when metric_names.metric = 'topic_volume_per_day' then ta.n * ta.mean else ta.n end
            as obs_after,
        case when metric_names.metric = 'topic_volume_per_day' then cb.n * cb.mean else cb.n end
            as control_obs_before,
        case when metric_names.metric = 'topic_volume_per_day' then ca.n * ca.mean else ca.n end
            as control_obs_after
    from actions
    cross join metric_names
    left join cells as tb
        on
            actions.action_id = tb.action_id and metric_names.metric = tb.metric
            and tb.arm = 'treated' and tb.period = 'before'
    left join cells as ta
        on
            actions.action_id = ta.action_id and metric_names.metric = ta.metric
            and ta.arm = 'treated' and ta.period = 'after'
    left join cells as cb
        on
            actions.action_id = cb.action_id and metric_names.metric = cb.metric
            and cb.arm = 'control' and cb.period = 'before'
    left join cells as ca
        on
            actions.action_id = ca.action_id and metric_names.metric = ca.metric
            and ca.arm = 'control' and ca.period = 'after'
),

-- NPS promoter and detractor shares per window, for the trinomial z of the raw test.
nps_shares as (
    select
        action_id,
        period,
        count(*) as n,
        count(case when y > 0 then 1 end) as promoters,
        count(case when y < 0 then 1 end) as detractors
    from placed
    where metric = 'nps' and arm = 'treated'
    group by action_id, period
),

raw_tested as (
    select
        paired.*,
        paired.after_value - paired.before_value as delta,
        case
            when paired.metric in ('negative_share', 'csat_pct')
                then
                    {{ two_proportion_z('paired.hits_before', 'paired.n_before',
                                        'paired.hits_after', 'paired.n_after') }}
            when paired.metric = 'nps'
                then
                    {{ nps_z('nb.promoters', 'nb.detractors', 'nb.n',
                             'na.promoters', 'na.detractors', 'na.n') }}
            else
                {{ welch_t('paired.before_value', 'paired.variance_before', 'paired.n_before',
                           'paired.after_value', 'paired.variance_after', 'paired.n_after') }}
        end as test_statistic,
        {{ welch_df('paired.variance_before', 'paired.n_before',
                    'paired.variance_after', 'paired.n_after') }} as raw_welch_df,
        paired.control_after_value - paired.control_before_value as control_delta,
        (paired.after_value - paired.before_value)
        - (paired.control_after_value - paired.control_before_value) as did_estimate,
        sqrt(
            paired.var_before + paired.var_after
            + paired.control_var_before + paired.control_var_after
        ) as did_se
    from paired
    left join nps_shares as nb
        on paired.action_id = nb.action_id and nb.period = 'before' and paired.metric = 'nps'
    left join nps_shares as na
        on paired.action_id = na.action_id and na.period = 'after' and paired.metric = 'nps'
),

-- Pre-trends: per pre-launch window the treated-minus-control difference d_k with variance
-- v_k; the weighted (1 / v_k) least-squares slope of d_k on k, z = slope / its standard error.
pre_differences as (
    select
        treated.action_id,
        treated.metric,
        treated.pre_window as k,
        treated.mean - control.mean as d,
        1 / (treated.var_mean + control.var_mean) as w
    from pre_cells as treated
    inner join pre_cells as control
        on
            treated.action_id = control.action_id
            and treated.metric = control.metric
            and treated.pre_window = control.pre_window
            and control.arm = 'control'
    where
        treated.arm = 'treated'
        and treated.var_mean + control.var_mean > 0
        and (
            treated.metric = 'topic_volume_per_day'
            or least(treated.n, control.n) >= {{ var('impact_pretrend_min_observations') }}
        )
),

pre_sums as (
    select
        action_id,
        metric,
        count(*) as pretrend_windows,
        sum(w) as sw,
        sum(w * k) as swk,
        sum(w * k * k) as swkk,
        sum(w * d) as swd,
        sum(w * k * d) as swkd
    from pre_differences
    group by action_id, metric
),

pre_trends as (
    select
        action_id,
        metric,
        pretrend_windows,
        (swkd - swk * swd / sw) / nullif(swkk - swk * swk / sw, 0) as parallel_trends_slope,
        1 / sqrt(nullif(swkk - swk * swk / sw, 0)) as parallel_trends_slope_se
    from pre_sums
    where pretrend_windows >= 3
),

-- Actions whose windows overlap in an overlapping scope ('all' overlaps every channel, a
-- store scope its channel and 'all'). One confounds this action's metric when it can move
-- it (same topic for topic metrics; any action for CSAT and NPS) and is not differenced out
-- (a scope of everything moves treated and control alike; without a control nothing is).
action_overlaps as (
    select
        this.action_id,
        other.action_id as other_action_id,
        other.topic = this.topic as same_topic,
        other.scope_is_everything as other_everywhere
    from actions as this
    inner join actions as other
        on
            this.action_id != other.action_id
            and this.before_start < other.after_end
            and other.before_start < this.after_end
            and (
                this.scope_channel = 'all'
                or other.scope_channel = 'all'
                or this.scope_channel = other.scope_channel
            )
            and (
                this.scope_store_id is null
                or other.scope_store_id is null
                or this.scope_store_id = other.scope_store_id
            )
),

overlap_lists as (
    select
        action_id,
        list(other_action_id order by other_action_id) as overlapping_actions
    from action_overlaps
    group by action_id
),

judged as (
    select
        raw_tested.*,
        pre_trends.pretrend_windows,
        pre_trends.parallel_trends_slope,
        pre_trends.parallel_trends_slope_se,
        raw_tested.scope_has_control
        and coalesce(least(raw_tested.control_obs_before, raw_tested.control_obs_after), 0)
        >= {{ min_n }} as has_control,
        coalesce(least(raw_tested.obs_before, raw_tested.obs_after), 0) >= {{ min_n }}
            as enough_data
    from raw_tested
    left join pre_trends
        on raw_tested.action_id = pre_trends.action_id and raw_tested.metric = pre_trends.metric
),

confounders as (
    select
        judged.action_id,
        judged.metric,
        string_agg(ov.other_action_id, ', ' order by ov.other_action_id)
            as confounding_actions
    from judged
    inner join action_overlaps as ov
        on judged.action_id = ov.action_id
    where
        (ov.same_topic or judged.metric in ('csat_pct', 'nps'))
        and (not judged.has_control or not ov.other_everywhere)
    group by judged.action_id, judged.metric
),

tested as (
    select
        judged.*,
        confounders.confounding_actions,
        case when judged.metric = 'topic_volume_per_day' then 'welch_t' else 'z' end as test,
        case
            when judged.metric = 'topic_volume_per_day'
                then {{ p_value_from_t('abs(judged.test_statistic)', 'judged.raw_welch_df') }}
            else {{ p_value_from_z('judged.test_statistic') }}
        end as p_value,
        case
            when judged.metric = 'topic_volume_per_day'
                then {{ t_quantile(z_975(), 'judged.did_df') }}
            else {{ z_975() }}
        end as did_critical_value,
        case
            when judged.metric = 'topic_volume_per_day'
                then
                    {{ p_value_from_t('abs(judged.did_estimate / nullif(judged.did_se, 0))',
                                      'judged.did_df') }}
            else {{ p_value_from_z('judged.did_estimate / nullif(judged.did_se, 0)') }}
        end as did_p_value_all,
        {{ p_value_from_z('judged.parallel_trends_slope / judged.parallel_trends_slope_se') }}
            as parallel_trends_p_value
    from judged
    left join confounders
        on judged.action_id = confounders.action_id and judged.metric = confounders.metric
),

-- The own-effect test of each row: the DiD where a control exists, else the raw test.
own_effect as (
    select
        *,
        case when has_control then did_p_value_all end as did_p_value,
        case
            when not_measured or not enough_data then null
            when has_control then did_p_value_all
            else p_value
        end as own_p_value
    from tested
),

-- Benjamini-Hochberg over every own-effect test of the run: rank the m p-values,
-- q_(i) = min over j >= i of p_(j) m / j, capped at 1.
ranked as (
    select
        *,
        row_number() over (order by own_p_value, action_id, metric) as p_rank,
        count(own_p_value) over () as tests_in_run
    from own_effect
    where own_p_value is not null
),

bh as (
    select
        action_id,
        metric,
        least(
            1.0,
            min(own_p_value * tests_in_run / p_rank) over (
                order by p_rank desc rows between unbounded preceding and current row
            )
        ) as q_value
    from ranked
),

final as (
    select
        own_effect.action_id,
        own_effect.metric,
        actions.title,
        actions.topic,
        actions.scope_channel,
        actions.scope_store_id,
        actions.launch_date,
        own_effect.metric = 'negative_share' as is_primary,
        own_effect.before_value,
        own_effect.after_value,
        own_effect.delta,
        own_effect.n_before,
        own_effect.n_after,
        own_effect.test,
        own_effect.test_statistic,
        own_effect.p_value,
        own_effect.has_control,
        own_effect.control_before_value,
        own_effect.control_after_value,
        own_effect.control_n_before,
        own_effect.control_n_after,
        own_effect.control_delta,
        own_effect.did_estimate,
        case when own_effect.has_control then own_effect.did_se end as did_se,
        case
            when own_effect.has_control
                then own_effect.did_estimate - own_effect.did_critical_value * own_effect.did_se
        end as did_ci_low,
        case
            when own_effect.has_control
                then own_effect.did_estimate + own_effect.did_critical_value * own_effect.did_se
        end as did_ci_high,
        case
            when own_effect.has_control and own_effect.metric = 'topic_volume_per_day'
                then own_effect.did_df
        end as did_df,
        own_effect.did_p_value,
        bh.q_value,
        coalesce(bh.q_value < {{ var('significance_level') }}, false) as own_test_significant,
        own_effect.pretrend_windows,
        own_effect.parallel_trends_slope,
        own_effect.parallel_trends_p_value,
        case
            when own_effect.has_control and own_effect.parallel_trends_p_value is not null
                then
                    own_effect.parallel_trends_p_value
                    >= {{ var('impact_parallel_trends_alpha') }}
        end as parallel_trends_ok,
        coalesce(overlap_lists.overlapping_actions, []::varchar []) as overlapping_actions,
        own_effect.confounding_actions,
        own_effect.not_measured,
        own_effect.enough_data,
        case when own_effect.has_control then own_effect.did_estimate else own_effect.delta end
            as own_estimate
    from own_effect
    inner join actions
        on own_effect.action_id = actions.action_id
    left join bh
        on own_effect.action_id = bh.action_id and own_effect.metric = bh.metric
    left join overlap_lists
        on own_effect.action_id = overlap_lists.action_id
),

verdicts as (
    select
        *,
        own_test_significant
        and confounding_actions is null
        and parallel_trends_ok is distinct from false as is_significant,
        case
            when not_measured then 'not_applicable'
            when not enough_data or q_value is null then 'insufficient_data'
            when parallel_trends_ok = false then 'caveat'
            when own_test_significant and (not has_control or confounding_actions is not null)
                then 'caveat'
            when not own_test_significant then 'no_effect'
            when (own_estimate < 0) = (metric in ('negative_share', 'topic_volume_per_day'))
                then 'worked'
            else 'worse'
        end as verdict
    from final
)

select
    action_id,
    metric,
    title,
    topic,
    scope_channel,
    scope_store_id,
    launch_date,
    is_primary,
    before_value,
    after_value,
    delta,
    n_before,
    n_after,
    test,
    test_statistic,
    p_value,
    has_control,
    control_before_value,
    control_after_value,
    control_n_before,
    control_n_after,
    control_delta,
    did_estimate,
    did_se,
    did_ci_low,
    did_ci_high,
    did_df,
    did_p_value,
    q_value,
    is_significant,
    verdict,
    nullif(concat_ws(
        ' ',
        case
            when not_measured
                then
                    'Not measured: the scope has no survey answers of its own (only all, survey '
                    || 'and store scopes do).'
        end,
        case
            when not not_measured and not enough_data
                then 'Fewer than {{ min_n }} observations (mentions or answers) in a window of the scope.'
        end,
        case
            when not not_measured and enough_data and not has_control
                then
                    'No control group: the before/after change cannot separate the action '
                    || 'from other changes at the same time.'
        end,
        case
            when parallel_trends_ok = false
                then
                    'Treated and control did not move in parallel before launch (p = '
                    || cast(round(parallel_trends_p_value, 4) as varchar) || ').'
        end,
        case
            when confounding_actions is not null
                then
                    'Overlapping action(s) ' || confounding_actions
                    || ' can move this metric in the scope: the effects cannot be separated.'
            when len(overlapping_actions) > 0
                then
                    'Overlapping action(s) ' || array_to_string(overlapping_actions, ', ')
                    || ' cannot move this metric differently in scope and control (another '
                    || 'topic, or a scope of everything that moves both alike).'
        end
    ), '') as caveat,
    pretrend_windows,
    parallel_trends_slope,
    parallel_trends_p_value,
    parallel_trends_ok,
    overlapping_actions
from verdicts
