{#
    One row per review the fake-review checks read (var fake_review_sources), flagged or not,
    with its suspicion score and the evidence behind it. Two kinds of evidence combine as
    independent ones (a "noisy OR"):

    - the rules (int_fake_review_rule_hits), each weighted by the chance that a review hitting
      only that rule is fake (var fake_rule_weights): rule_score = 1 - product of (1 - weight);
    - behaviour (int_review_behaviour): the behaviour model's calibrated probability, on the
      sources it is fitted for (var fake_behaviour_sources); none elsewhere.

    suspicion_score = 1 - (1 - rule_score) x (1 - behaviour_probability), the chance the
    evidence gives that the review is fake. Two levels read it:
    - is_suspected_fake (risk_level 'suspected'): at least one rule hit and suspicion_score
      >= var fake_suspicion_threshold (0.5), more likely fake than not. Such reviews are left
      out of every rating and sentiment figure, so the bar is high: behaviour corroborates a
      rule (a weak rule plus suspicious behaviour can reach it) but never convicts alone, as
      its best picks on real labelled reviews were fake only about 40 % of the time.
    - risk_level 'elevated': not suspected, but behaviour alone reaches var
      fake_behaviour_elevated_probability, where the model's picks were fake 40 % of the time
      on real labelled reviews (2.9 x the base rate; README). A moderation queue, not a
      verdict: kept in every figure.
#}

with

behaviour as (
    select * from {{ ref('int_review_behaviour') }}
),

hits as (
    select * from {{ ref('int_fake_review_rule_hits') }}
),

rules_per_review as (
    select
        feedback_id,
        list(rule order by rule_weight desc, rule asc) as rules,
        count(*) as rule_count,
        1 - product(1 - rule_weight) as rule_score,
        json_group_object(rule, evidence) as rule_evidence
    from hits
    group by feedback_id
),

base as (
    select
        feedback_id,
        source_record_id
    from {{ ref('int_fake_review_base') }}
),

combined as (
    select
        behaviour.feedback_id,
        behaviour.source,
        base.source_record_id,
        behaviour.listing_id,
        behaviour.author_id,
        behaviour.created_at,
        behaviour.day,
        behaviour.rating_5,
        coalesce(rules_per_review.rules, []) as rules,
        coalesce(rules_per_review.rule_count, 0) as rule_count,
        coalesce(rules_per_review.rule_score, 0) as rule_score,
        behaviour.behaviour_probability,
        behaviour.behaviour_prior_score,
        rules_per_review.rule_evidence,
        behaviour.behaviour_evidence
    from behaviour
    inner join base
        on behaviour.feedback_id = base.feedback_id
    left join rules_per_review
        on behaviour.feedback_id = rules_per_review.feedback_id
),

flagged as (
    select
        *,
        1 - (1 - rule_score) * (1 - coalesce(behaviour_probability, 0)) as suspicion_score,
        coalesce(
            behaviour_probability >= {{ var('fake_behaviour_elevated_probability') }}, false
        ) as is_behaviour_elevated
    from combined
),

levelled as (
    select
        *,
        -- Behaviour corroborates a rule; alone it never reaches a verdict: its best picks
        -- on real labelled reviews were right under half of the time.
        rule_count > 0
        and suspicion_score >= {{ var('fake_suspicion_threshold') }} as is_suspected_fake
    from flagged
)

select
    feedback_id,
    source,
    source_record_id,
    listing_id,
    author_id,
    created_at,
    day,
    rating_5,
    rules,
    rule_count,
    round(rule_score, 4) as rule_score,
    round(behaviour_probability, 4) as behaviour_probability,
    round(behaviour_prior_score, 4) as behaviour_prior_score,
    round(suspicion_score, 4) as suspicion_score,
    is_suspected_fake,
    case
        when is_suspected_fake then 'suspected'
        when is_behaviour_elevated then 'elevated'
        else 'normal'
    end as risk_level,
    -- The evidence by name: the rules hit, and BEHAVIOUR when behaviour alone reaches the
    -- elevated level (fct_feedback.fake_reasons of a suspected review).
    case
        when is_behaviour_elevated then list_append(rules, 'BEHAVIOUR')
        else rules
    end as reasons,
    json_object(
        'rules', coalesce(rule_evidence, json_object()),
        'behaviour', case
            when behaviour_probability is not null
                then json_object(
                    'probability', round(behaviour_probability, 4),
                    'prior_score', round(behaviour_prior_score, 4),
                    'raised_by', to_json(behaviour_evidence)
                )
        end
    ) as evidence
from levelled
