{#
    The labelled answers of the key-driver analysis: one row per NPS or CSAT answer with a
    comment (answered, suspected fakes left out, as in int_survey_topic_mentions) that a person
    labelled (stg_topic_label), with the labeller's true_neg_<topic> and the detected
    neg_<topic> of int_survey_topic_mentions side by side. int_key_driver_fits fits on them how
    detected mentions relate to true ones and corrects the regression with it. Labels of rows
    the warehouse does not hold (quarantined, or of another source) are not used.
#}

with

labels as (
    select
        {{ dbt.hash(dbt.concat(["source", "':'", "source_record_id"])) }} as feedback_id,
        topic,
        polarity
    from {{ ref('stg_topic_label') }}
),

labelled as (
    select
        feedback_id,
        {{ key_driver_labelled_flags() }}
    from labels
    group by feedback_id
),

-- The key-driver answers with a comment and their detected flags, once per answer (each
-- appears in every window it falls in): one definition of who is in the analysis.
answers as (
    select distinct
        mentions.feedback_id,
        mentions.survey_type,
        {{ key_driver_negative_columns('mentions') }}
    from {{ ref('int_survey_topic_mentions') }} as mentions
    where
        mentions.segment = 'all'
        and mentions.has_comment = 1
)

select
    answers.feedback_id,
    answers.survey_type,
    {{ key_driver_labelled_columns('labelled') }},
    {{ key_driver_negative_columns('answers') }}
from answers
inner join labelled
    on answers.feedback_id = labelled.feedback_id
