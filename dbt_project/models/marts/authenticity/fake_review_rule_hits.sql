{{ config(schema='marts', materialized='table') }}

{#
    Every rule hit: one row per review and rule it breaks, with the rule's evidence. Each rule
    is one model (fake_rule_<code>), so a rule is defined in exactly one place.
#}

{%- set rules = [
    'fake_rule_near_duplicate',
    'fake_rule_burst',
    'fake_rule_velocity',
    'fake_rule_new_account_extreme',
    'fake_rule_rating_text_mismatch',
    'fake_rule_generic_praise',
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
    select * from {{ ref('fake_review_base') }}
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
