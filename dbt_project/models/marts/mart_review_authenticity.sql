{#
    One row per review flagged by at least one fake-review rule. suspicion_score combines
    the rules as independent pieces of evidence (a "noisy OR"): 1 - product of (1 - weight)
    over the rules hit, each weight being the chance that a review hitting only that rule is
    fake (var fake_rule_weights). One strong rule, or two weak ones together, make a review
    a suspected fake.
#}

with

hits as (
    select * from {{ ref('int_fake_review_rule_hits') }}
),

per_review as (
    select
        feedback_id,
        any_value(source) as source,
        any_value(source_record_id) as source_record_id,
        any_value(listing_id) as listing_id,
        any_value(author_id) as author_id,
        any_value(created_at) as created_at,
        any_value(day) as day,
        any_value(rating_5) as rating_5,
        list(rule order by rule_weight desc, rule asc) as rules,
        count(*) as rule_count,
        1 - product(1 - rule_weight) as suspicion_score,
        json_group_object(rule, evidence) as evidence
    from hits
    group by feedback_id
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
    round(suspicion_score, 4) as suspicion_score,
    suspicion_score >= {{ var('fake_suspicion_threshold') }} as is_suspected_fake,
    evidence
from per_review
