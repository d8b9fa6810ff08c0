{#
    Survey experience figures per business day, source, touchpoint and segment (MARTS.md):
    NPS (0-10; promoters 9-10, passives 7-8, detractors 0-6), CSAT (1-5, top-two-box),
    CES (1-7, 7 = easy; easy = 5-7). Only answered scores count as responses; answers left
    blank are counted apart. Every ratio has its counts beside it.
#}

with

customers as (
    select
        customer_id,
        segment
    from {{ ref('dim_customer') }}
),

answers as (
    select
        survey.survey_type,
        survey.score,
        survey.is_answered,
        {{ business_date('survey.created_at') }} as day,
        coalesce(survey.touchpoint, 'unknown') as touchpoint,
        -- An answer from a customer the CRM does not know yet still counts, apart.
        coalesce(customers.segment, 'unknown') as segment
    from {{ ref('stg_survey') }} as survey
    left join customers
        on survey.customer_id = customers.customer_id
),

daily as (
    select
        day,
        'survey' as source,
        touchpoint,
        segment,
        count(case when survey_type = 'nps' and is_answered then 1 end) as nps_responses,
        count(case when survey_type = 'nps' and score >= 9 then 1 end) as promoters,
        count(case when survey_type = 'nps' and score between 7 and 8 then 1 end) as passives,
        count(case when survey_type = 'nps' and score <= 6 then 1 end) as detractors,
        count(case when survey_type = 'nps' and not is_answered then 1 end) as nps_unanswered,
        count(case when survey_type = 'csat' and is_answered then 1 end) as csat_responses,
        count(case when survey_type = 'csat' and score >= 4 then 1 end) as csat_satisfied,
        coalesce(sum(case when survey_type = 'csat' then score end), 0) as csat_score_sum,
        count(case when survey_type = 'csat' and not is_answered then 1 end) as csat_unanswered,
        count(case when survey_type = 'ces' and is_answered then 1 end) as ces_responses,
        count(case when survey_type = 'ces' and score >= 5 then 1 end) as ces_easy,
        coalesce(sum(case when survey_type = 'ces' then score end), 0) as ces_score_sum,
        count(case when survey_type = 'ces' and not is_answered then 1 end) as ces_unanswered
    from answers
    group by 1, 2, 3, 4
)

select
    *,
    {{ experience_ratios() }}
from daily
