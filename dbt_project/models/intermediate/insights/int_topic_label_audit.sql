{#
    The labelled answers of the key-driver analysis: one row per NPS or CSAT answer with a
    comment (answered, suspected fakes left out, as in int_survey_topic_mentions) that a person
    labelled (stg_topic_label), with the labeller's true_neg_<topic> and the detected
    neg_<topic> of fct_feedback_topic side by side. int_key_driver_fits fits on them how
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

answers as (
    select
        feedback_id,
        survey_type
    from {{ ref('fct_feedback') }}
    where
        source = 'survey'
        and survey_type in ('nps', 'csat')
        and survey_score is not null
        and not is_suspected_fake
        and {{ has_comment('text_clean') }}
),

negative_topics as (
    select
        feedback_id,
        {{ key_driver_negative_flags() }}
    from {{ ref('fct_feedback_topic') }}
    where
        source = 'survey'
        and topic_sentiment_label = 'negative'
    group by feedback_id
)

select
    answers.feedback_id,
    answers.survey_type,
    {{ key_driver_labelled_columns('labelled') }},
    {{ key_driver_negative_columns('negative_topics') }}
from answers
inner join labelled
    on answers.feedback_id = labelled.feedback_id
left join negative_topics
    on answers.feedback_id = negative_topics.feedback_id
