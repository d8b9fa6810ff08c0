{#
    Which topics cost NPS and CSAT, per window x segment x topic (columns in
    _insights__models.yml, thresholds in the key_driver_* vars of dbt_project.yml).
    Two readings of each topic's cost:
      pairwise: NPS (CSAT % satisfied) of the answers whose comment mentions the topic
        negatively minus that of the others, with a 95% Wald interval and a z-test
        (trinomial NPS variance, MARTS.md; two proportions for CSAT);
      regression: the coefficient of the topic's mention in an OLS of the score (0-10 NPS,
        1-5 CSAT) on every topic's mention at once, with HC3 errors (int_key_driver_fits):
        the cost in score points with the other topics held fixed; adjusted_*: the same
        corrected for topic-detection errors with the hand-labelled comments.
    quadrant ranks what to act on from the pairwise impact and the negative mention share.
#}

{% set min_mentions = var('key_driver_min_mentions') %}
{% set alpha = var('significance_level') %}
{% set share_threshold = var('key_driver_negative_share_threshold') %}

with

mentions as (
    select * from {{ ref('int_survey_topic_mentions') }}
),

fits as (
    select * from {{ ref('int_key_driver_fits') }}
),

-- One row per answer x window x segment x topic.
answer_topics as (
    {{ key_driver_answer_topics('mentions') }}
),

counts as (
    select
        window_name,
        window_start,
        window_end,
        segment,
        topic,
        count(case when survey_type = 'nps' then 1 end) as respondents,
        count(case when survey_type = 'nps' and is_negative then 1 end) as negative_mentions,
        count(case when survey_type = 'nps' and is_negative and score >= 9 then 1 end)
            as promoters_mentioning,
        count(case when survey_type = 'nps' and is_negative and score <= 6 then 1 end)
            as detractors_mentioning,
        count(case when survey_type = 'nps' and not is_negative and score >= 9 then 1 end)
            as promoters_not_mentioning,
        count(case when survey_type = 'nps' and not is_negative and score <= 6 then 1 end)
            as detractors_not_mentioning,
        count(case when survey_type = 'csat' then 1 end) as csat_respondents,
        count(case when survey_type = 'csat' and is_negative then 1 end)
            as csat_negative_mentions,
        count(case when survey_type = 'csat' and is_negative and score >= 4 then 1 end)
            as satisfied_mentioning,
        count(case when survey_type = 'csat' and not is_negative and score >= 4 then 1 end)
            as satisfied_not_mentioning
    from answer_topics
    group by window_name, window_start, window_end, segment, topic
),

groups as (
    select
        *,
        respondents - negative_mentions as not_mentioning,
        csat_respondents - csat_negative_mentions as csat_not_mentioning_n
    from counts
),

pairwise as (
    select
        *,
        100.0 * (promoters_mentioning - detractors_mentioning) / nullif(negative_mentions, 0)
            as nps_mentioning,
        100.0 * (promoters_not_mentioning - detractors_not_mentioning) / nullif(not_mentioning, 0)
            as nps_not_mentioning,
        100 * {{ nps_difference_se(
            'promoters_mentioning', 'detractors_mentioning', 'negative_mentions',
            'promoters_not_mentioning', 'detractors_not_mentioning', 'not_mentioning'
        ) }} as nps_impact_se,
        case
            when negative_mentions > 0 and not_mentioning > 0
                then {{ p_value_from_z(nps_z(
                    'promoters_not_mentioning', 'detractors_not_mentioning', 'not_mentioning',
                    'promoters_mentioning', 'detractors_mentioning', 'negative_mentions'
                )) }}
        end as nps_impact_p_value,
        100.0 * satisfied_mentioning / nullif(csat_negative_mentions, 0) as csat_mentioning,
        100.0 * satisfied_not_mentioning / nullif(csat_not_mentioning_n, 0)
            as csat_not_mentioning,
        100 * {{ two_proportion_se(
            'satisfied_mentioning', 'csat_negative_mentions',
            'satisfied_not_mentioning', 'csat_not_mentioning_n'
        ) }} as csat_impact_se,
        case
            when csat_negative_mentions > 0 and csat_not_mentioning_n > 0
                then {{ p_value_from_z(two_proportion_z(
                    'satisfied_not_mentioning', 'csat_not_mentioning_n',
                    'satisfied_mentioning', 'csat_negative_mentions'
                )) }}
        end as csat_impact_p_value
    from groups
),

figures as (
    select
        *,
        nps_mentioning - nps_not_mentioning as nps_impact,
        1.0 * negative_mentions / nullif(respondents, 0) as negative_mention_share,
        negative_mentions < {{ min_mentions }} or not_mentioning < {{ min_mentions }}
            as low_sample,
        csat_mentioning - csat_not_mentioning as csat_impact,
        1.0 * csat_negative_mentions / nullif(csat_respondents, 0)
            as csat_negative_mention_share,
        csat_negative_mentions < {{ min_mentions }} or csat_not_mentioning_n < {{ min_mentions }}
            as csat_low_sample
    from pairwise
),

flags as (
    select
        *,
        coalesce(
            not low_sample
            and nps_impact_p_value < {{ alpha }}
            and nps_impact <= -{{ var('key_driver_nps_impact_threshold') }},
            false
        ) as is_large_impact,
        coalesce(negative_mention_share >= {{ share_threshold }}, false) as is_high_share,
        coalesce(
            not csat_low_sample
            and csat_impact_p_value < {{ alpha }}
            and csat_impact <= -{{ var('key_driver_csat_impact_threshold') }},
            false
        ) as is_large_csat_impact,
        coalesce(csat_negative_mention_share >= {{ share_threshold }}, false)
            as is_high_csat_share
    from figures
)

select
    flags.window_name,
    flags.window_start,
    flags.window_end,
    flags.segment,
    flags.topic,
    flags.respondents,
    flags.negative_mentions,
    flags.negative_mention_share,
    flags.nps_mentioning,
    flags.nps_not_mentioning,
    flags.nps_impact,
    flags.nps_impact - 1.96 * flags.nps_impact_se as nps_impact_ci_low,
    flags.nps_impact + 1.96 * flags.nps_impact_se as nps_impact_ci_high,
    flags.nps_impact_p_value,
    nps_fit.coefficient as score_coefficient,
    nps_fit.ci_low as score_coefficient_ci_low,
    nps_fit.ci_high as score_coefficient_ci_high,
    nps_fit.p_value as score_coefficient_p_value,
    nps_fit.r_squared,
    nps_fit.fit_status,
    nps_fit.adjusted_coefficient as adjusted_score_coefficient,
    nps_fit.adjusted_ci_low as adjusted_score_coefficient_ci_low,
    nps_fit.adjusted_ci_high as adjusted_score_coefficient_ci_high,
    nps_fit.adjusted_p_value as adjusted_score_coefficient_p_value,
    nps_fit.adjustment_status,
    nps_fit.labelled_answers,
    flags.low_sample,
    case
        when flags.is_large_impact and flags.is_high_share then 'fix_first'
        when flags.is_large_impact then 'monitor'
        when flags.is_high_share then 'maintain'
        else 'low_priority'
    end as quadrant,
    flags.csat_respondents,
    flags.csat_negative_mentions,
    flags.csat_negative_mention_share,
    flags.csat_mentioning,
    flags.csat_not_mentioning,
    flags.csat_impact,
    flags.csat_impact - 1.96 * flags.csat_impact_se as csat_impact_ci_low,
    flags.csat_impact + 1.96 * flags.csat_impact_se as csat_impact_ci_high,
    flags.csat_impact_p_value,
    csat_fit.coefficient as csat_score_coefficient,
    csat_fit.ci_low as csat_score_coefficient_ci_low,
    csat_fit.ci_high as csat_score_coefficient_ci_high,
    csat_fit.p_value as csat_score_coefficient_p_value,
    csat_fit.r_squared as csat_r_squared,
    csat_fit.fit_status as csat_fit_status,
    csat_fit.adjusted_coefficient as csat_adjusted_score_coefficient,
    csat_fit.adjusted_ci_low as csat_adjusted_score_coefficient_ci_low,
    csat_fit.adjusted_ci_high as csat_adjusted_score_coefficient_ci_high,
    csat_fit.adjusted_p_value as csat_adjusted_score_coefficient_p_value,
    csat_fit.adjustment_status as csat_adjustment_status,
    flags.csat_low_sample,
    case
        when flags.is_large_csat_impact and flags.is_high_csat_share then 'fix_first'
        when flags.is_large_csat_impact then 'monitor'
        when flags.is_high_csat_share then 'maintain'
        else 'low_priority'
    end as csat_quadrant
from flags
left join fits as nps_fit
    on
        nps_fit.survey_type = 'nps'
        and flags.window_name = nps_fit.window_name
        and flags.segment = nps_fit.segment
        and flags.topic = nps_fit.topic
left join fits as csat_fit
    on
        csat_fit.survey_type = 'csat'
        and flags.window_name = csat_fit.window_name
        and flags.segment = csat_fit.segment
        and flags.topic = csat_fit.topic
