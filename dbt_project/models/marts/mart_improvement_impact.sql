{#
    Did each improvement action work, by its own effect? Per action x metric, from the cells
    of int_improvement_impact_cells (the model's YAML defines every metric per scope):

    - the raw before/after test in scope (p_value, MARTS.md);
    - the difference in differences where a control exists, with the variance of each cell's
      estimate: var_pop / n (p(1 - p)/n for shares, (p + d - (p - d)^2)/n x 100^2 for NPS);
      for daily volumes the log ratio of means, var_pop / (n mean^2) (delta method). These
      equal OLS y ~ treated * after (shares, NPS) and Poisson y ~ treated * after (volumes)
      with HC0 robust errors (tests/dbt/test_improvement_impact.py);
    - Benjamini-Hochberg q-values over every own-effect test of the run;
    - a parallel pre-trends check, overlapping actions, and the verdict.
#}

{% set min_n = var('impact_min_observations') %}
{% set alpha = var('significance_level') %}

with

actions as (
    select
        *,
        scope_channel = 'all' and scope_store_id is null as scope_is_everything,
        scope_store_id is not null or scope_channel in ('all', 'survey') as has_own_surveys
    from {{ ref('int_improvement_actions') }}
),

-- Each cell's estimate on the scale its difference is taken: the mean, or for daily
-- volumes its logarithm; and the variance of that estimate.
cells as (
    select
        *,
        case when metric = 'topic_volume_per_day' then ln(nullif(mean, 0)) else mean end as est,
        case
            when metric = 'topic_volume_per_day' then var_pop / (n * nullif(mean * mean, 0))
            else var_pop / n
        end as est_var,
        -- Observations a window needs: mentions or answers (for volumes, not days).
        case when metric = 'topic_volume_per_day' then n * mean else n end as observations
    from {{ ref('int_improvement_impact_cells') }}
),

metric_names as (
    select names.metric
    from (values ('negative_share'), ('topic_volume_per_day'), ('csat_pct'), ('nps'))
        as names (metric)
),

paired as (
    select
        actions.action_id,
        metric_names.metric,
        metric_names.metric in ('csat_pct', 'nps') and not actions.has_own_surveys
            as not_measured,
        metric_names.metric = 'topic_volume_per_day'
        or not (
            actions.scope_is_everything
            or metric_names.metric in ('csat_pct', 'nps') and actions.scope_store_id is null
        ) as scope_has_control,
        coalesce(tb.n, 0) as n_before,
        coalesce(ta.n, 0) as n_after,
        coalesce(cb.n, 0) as control_n_before,
        coalesce(ca.n, 0) as control_n_after,
        tb.mean as before_value,
        ta.mean as after_value,
        cb.mean as control_before_value,
        ca.mean as control_after_value,
        tb.positives as positives_before,
        ta.positives as positives_after,
        tb.negatives as negatives_before,
        ta.negatives as negatives_after,
        tb.var_samp as variance_before,
        ta.var_samp as variance_after,
        (ta.est - tb.est) - (ca.est - cb.est) as did_estimate,
        sqrt(tb.est_var + ta.est_var + cb.est_var + ca.est_var) as did_se,
        coalesce(least(tb.observations, ta.observations), 0) >= {{ min_n }} as enough_data,
        coalesce(least(cb.observations, ca.observations), 0) >= {{ min_n }}
            as enough_control_data
    from actions
    cross join metric_names
    {% for alias, arm, period in [
        ('tb', 'treated', 'before'), ('ta', 'treated', 'after'),
        ('cb', 'control', 'before'), ('ca', 'control', 'after')] %}
        left join cells as {{ alias }}
            on
                actions.action_id = {{ alias }}.action_id
                and metric_names.metric = {{ alias }}.metric
                and {{ alias }}.arm = '{{ arm }}'
                and {{ alias }}.period = '{{ period }}'
                and {{ alias }}.pre_window is null
    {% endfor %}
),

raw_tested as (
    select
        *,
        after_value - before_value as delta,
        control_after_value - control_before_value as control_delta,
        scope_has_control and enough_control_data and not not_measured as has_control,
        case
            when metric = 'negative_share'
                then
                    {{ two_proportion_z('positives_before', 'n_before',
                                        'positives_after', 'n_after') }}
            when metric = 'csat_pct'
                then
                    {{ two_proportion_z('positives_before', 'n_before',
                                        'positives_after', 'n_after') }}
            when metric = 'nps'
                then
                    {{ nps_z('positives_before', 'negatives_before', 'n_before',
                             'positives_after', 'negatives_after', 'n_after') }}
            else
                {{ welch_t('before_value', 'variance_before', 'n_before',
                           'after_value', 'variance_after', 'n_after') }}
        end as test_statistic,
        {{ welch_df('variance_before', 'n_before', 'variance_after', 'n_after') }} as welch_df
    from paired
),

-- Pre-trends: per pre-launch window k the treated-minus-control difference d_k of the
-- estimates, weight 1 / its variance; z = weighted least-squares slope of d_k on k / its
-- standard error. A window counts when both cells have enough observations.
pre_differences as (
    select
        treated.action_id,
        treated.metric,
        treated.pre_window as k,
        treated.est - control.est as d,
        1 / (treated.est_var + control.est_var) as w
    from cells as treated
    inner join cells as control
        on
            treated.action_id = control.action_id
            and treated.metric = control.metric
            and treated.pre_window = control.pre_window
            and control.arm = 'control'
    where
        treated.arm = 'treated'
        and treated.est_var + control.est_var > 0
        and least(treated.observations, control.observations)
        >= {{ var('impact_pretrend_min_observations') }}
),

pre_trends as (
    select
        action_id,
        metric,
        count(*) as pretrend_windows,
        (sum(w * k * d) - sum(w * k) * sum(w * d) / sum(w))
        / nullif(sum(w * k * k) - sum(w * k) * sum(w * k) / sum(w), 0) as parallel_trends_slope,
        1 / sqrt(nullif(sum(w * k * k) - sum(w * k) * sum(w * k) / sum(w), 0))
            as parallel_trends_slope_se
    from pre_differences
    group by action_id, metric
    having count(*) >= 3
),

-- Actions whose windows overlap in an overlapping scope ('all' overlaps every channel, a
-- store scope its channel and 'all').
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
            and this.after_end > other.before_start
            and (
                this.scope_channel = 'all'
                or this.scope_channel = other.scope_channel
                or other.scope_channel = 'all'
            )
            and (
                this.scope_store_id is null
                or other.scope_store_id is null
                or this.scope_store_id = other.scope_store_id
            )
),

-- An overlapping action confounds a metric when it can move it and is not differenced
-- out. Negative share: an action on the same topic, unless its scope is everything (it
-- moves treated and control alike) and a control exists. Volume: an action on the same
-- topic (the control, the scope's other topics, does not move with it). CSAT and NPS: any
-- action, unless its scope is everything and a control exists.
confounders as (
    select
        raw_tested.action_id,
        raw_tested.metric,
        string_agg(ov.other_action_id, ', ' order by ov.other_action_id) as confounding_actions
    from raw_tested
    inner join action_overlaps as ov
        on raw_tested.action_id = ov.action_id
    where
        case raw_tested.metric
            when 'topic_volume_per_day' then ov.same_topic
            when 'negative_share'
                then ov.same_topic and (not raw_tested.has_control or not ov.other_everywhere)
            else not raw_tested.has_control or not ov.other_everywhere
        end
    group by raw_tested.action_id, raw_tested.metric
),

tested as (
    select
        raw_tested.*,
        pre_trends.pretrend_windows,
        pre_trends.parallel_trends_slope,
        {{ p_value_from_z(
            'pre_trends.parallel_trends_slope / pre_trends.parallel_trends_slope_se'
        ) }} as parallel_trends_p_value,
        confounders.confounding_actions,
        case
            when raw_tested.metric = 'topic_volume_per_day'
                then {{ p_value_from_t('abs(raw_tested.test_statistic)', 'raw_tested.welch_df') }}
            else {{ p_value_from_z('raw_tested.test_statistic') }}
        end as p_value,
        case
            when raw_tested.has_control
                then {{ p_value_from_z('raw_tested.did_estimate / nullif(raw_tested.did_se, 0)') }}
        end as did_p_value
    from raw_tested
    left join pre_trends
        on raw_tested.action_id = pre_trends.action_id and raw_tested.metric = pre_trends.metric
    left join confounders
        on raw_tested.action_id = confounders.action_id and raw_tested.metric = confounders.metric
),

-- The own-effect test: the DiD where a control exists, else the raw before/after test.
-- Benjamini-Hochberg over all of them: q_(i) = min over j >= i of p_(j) m / j, capped at 1.
own_tests as (
    select
        action_id,
        metric,
        case when has_control then did_p_value else p_value end as own_p_value
    from tested
    where enough_data and not not_measured
),

ranked as (
    select
        action_id,
        metric,
        own_p_value,
        row_number() over (order by own_p_value, action_id, metric) as p_rank,
        count(*) over () as tests_in_run
    from own_tests
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

overlap_lists as (
    select
        action_id,
        list(other_action_id order by other_action_id) as overlapping_actions
    from action_overlaps
    group by action_id
),

judged as (
    select
        tested.*,
        bh.q_value,
        coalesce(bh.q_value < {{ alpha }}, false) as own_test_significant,
        case
            when tested.has_control and tested.parallel_trends_p_value is not null
                then tested.parallel_trends_p_value >= {{ var('impact_parallel_trends_alpha') }}
        end as parallel_trends_ok,
        case when tested.has_control then tested.did_estimate else tested.delta end
            as own_estimate
    from tested
    left join bh
        on tested.action_id = bh.action_id and tested.metric = bh.metric
)

select
    judged.action_id,
    judged.metric,
    actions.title,
    actions.topic,
    actions.scope_channel,
    actions.scope_store_id,
    actions.launch_date,
    judged.metric = 'negative_share' as is_primary,
    judged.before_value,
    judged.after_value,
    judged.delta,
    judged.n_before,
    judged.n_after,
    case when judged.metric = 'topic_volume_per_day' then 'welch_t' else 'z' end as test,
    judged.test_statistic,
    judged.p_value,
    judged.has_control,
    case when judged.has_control then judged.control_before_value end as control_before_value,
    case when judged.has_control then judged.control_after_value end as control_after_value,
    judged.control_n_before,
    judged.control_n_after,
    case when judged.has_control then judged.control_delta end as control_delta,
    case when judged.has_control then judged.did_estimate end as did_estimate,
    case when judged.has_control then judged.did_se end as did_se,
    case when judged.has_control then judged.did_estimate - {{ z_975() }} * judged.did_se end
        as did_ci_low,
    case when judged.has_control then judged.did_estimate + {{ z_975() }} * judged.did_se end
        as did_ci_high,
    judged.did_p_value,
    judged.q_value,
    judged.own_test_significant
    and judged.confounding_actions is null
    and coalesce(judged.parallel_trends_ok, true) as is_significant,
    case
        when judged.not_measured then 'not_applicable'
        when judged.q_value is null then 'insufficient_data'
        when judged.parallel_trends_ok = false then 'caveat'
        when
            judged.own_test_significant
            and (not judged.has_control or judged.confounding_actions is not null)
            then 'caveat'
        when not judged.own_test_significant then 'no_effect'
        -- Down is good for complaints and their volume, up for CSAT and NPS.
        when
            (judged.own_estimate < 0)
            = (judged.metric in ('negative_share', 'topic_volume_per_day'))
            then 'worked'
        else 'worse'
    end as verdict,
    nullif(concat_ws(
        ' ',
        case
            when judged.not_measured
                then
                    'Not measured: the scope has no survey answers of its own (only all, '
                    || 'survey and store scopes have).'
        end,
        case
            when not judged.not_measured and not judged.enough_data
                then 'Fewer than {{ min_n }} observations (mentions or answers) in a window.'
        end,
        case
            when not judged.not_measured and judged.enough_data and not judged.has_control
                then
                    'No control group: the before/after change cannot separate the action '
                    || 'from other changes at the same time.'
        end,
        case
            when judged.parallel_trends_ok = false
                then
                    'Treated and control did not move in parallel before launch (p = '
                    || cast(round(judged.parallel_trends_p_value, 4) as varchar) || ').'
        end,
        case
            when judged.confounding_actions is not null
                then
                    'Overlapping action(s) ' || judged.confounding_actions
                    || ' can move this metric in the scope: the effects cannot be separated.'
            when len(overlap_lists.overlapping_actions) > 0
                then
                    'Overlapping action(s) '
                    || array_to_string(overlap_lists.overlapping_actions, ', ')
                    || ' cannot move this metric differently in scope and control (another '
                    || 'topic, or a scope of everything that moves both alike).'
        end
    ), '') as caveat,
    judged.pretrend_windows,
    judged.parallel_trends_slope,
    judged.parallel_trends_p_value,
    judged.parallel_trends_ok,
    coalesce(overlap_lists.overlapping_actions, []) as overlapping_actions
from judged
inner join actions
    on judged.action_id = actions.action_id
left join overlap_lists
    on judged.action_id = overlap_lists.action_id
