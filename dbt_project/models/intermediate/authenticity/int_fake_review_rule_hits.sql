{{ config(meta={'rule_weights': var('fake_rule_weights')}) }}

{#
    Every rule hit: one row per review and rule it breaks, with the rule's evidence. Each rule
    is one model (int_fake_rule_<code>), so a rule is defined in exactly one place.
    meta.rule_weights carries the rule codes and weights (var fake_rule_weights) into the dbt
    manifest, where the GX suite of the hits reads them (quality/expectations/authenticity.py).
#}

{%- set rules = [
    'int_fake_rule_near_duplicate',
    'int_fake_rule_burst',
    'int_fake_rule_velocity',
    'int_fake_rule_new_account_extreme',
    'int_fake_rule_rating_text_mismatch',
    'int_fake_rule_generic_praise',
] %}

with

hits as (
    {%- for rule in rules %}
        select
            feedback_id,
            rule,
            evidence
        from {{ ref(rule) }}
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

reviews as (
    select * from {{ ref('int_fake_review_base') }}
)

select
    hits.feedback_id,
    hits.rule,
    case hits.rule
        {%- for rule, weight in var('fake_rule_weights').items() %}
            when '{{ rule }}' then {{ weight }}
        {%- endfor %}
    end as rule_weight,
    cast(hits.evidence as json) as evidence,
    reviews.source,
    reviews.source_record_id,
    reviews.listing_id,
    reviews.author_id,
    reviews.created_at,
    reviews.day,
    reviews.rating_5
from hits
inner join reviews
    on hits.feedback_id = reviews.feedback_id
