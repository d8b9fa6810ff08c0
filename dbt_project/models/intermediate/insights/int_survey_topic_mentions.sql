{#
    The input of the key-driver analysis (mart_key_drivers): one row per NPS or CSAT answer
    (answered, suspected fakes left out) x window it falls in x segment, with one 0/1 column
    neg_<topic> per topic of var key_driver_topics (macros/key_drivers.sql): 1 when the
    answer's comment mentions the topic with negative topic sentiment (fct_feedback_topic).
    An answer without a comment, or whose comment mentions the topic otherwise, has 0;
    has_comment is 1 when the answer has a comment (int_key_driver_fits' correction).
    Windows: the key_driver_rolling_days days ending at the data's last day (int_data_horizon),
    named 'rolling_<days>d', and the business-calendar quarter of the answer's day, 'YYYY-Qn'.
    Segments: the customer's dim_customer.segment ('unknown' without a known customer), and
    'all': every answer appears twice per window.
#}

{% set rolling_days = var('key_driver_rolling_days') %}

with

horizon as (
    select as_of_date from {{ ref('int_data_horizon') }}
),

customers as (
    select
        customer_id,
        segment
    from {{ ref('dim_customer') }}
),

answers as (
    select
        feedback.feedback_id,
        feedback.survey_type,
        feedback.survey_score as score,
        feedback.day,
        cast({{ has_comment('feedback.text_clean') }} as integer) as has_comment,
        coalesce(customers.segment, 'unknown') as customer_segment
    from {{ ref('fct_feedback') }} as feedback
    left join customers
        on feedback.customer_id = customers.customer_id
    where
        feedback.source = 'survey'
        and feedback.survey_type in ('nps', 'csat')
        and feedback.survey_score is not null
        and not feedback.is_suspected_fake
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
),

rolling_window as (
    select
        'rolling_{{ rolling_days }}d' as window_name,
        cast(as_of_date - {{ rolling_days - 1 }} as date) as window_start,
        as_of_date as window_end
    from horizon
),

answer_windows as (
    select
        answers.*,
        rolling_window.window_name,
        rolling_window.window_start,
        rolling_window.window_end
    from answers
    inner join rolling_window
        on answers.day between rolling_window.window_start and rolling_window.window_end
    union all
    select
        answers.*,
        strftime(answers.day, '%Y') || '-Q' || quarter(answers.day) as window_name,
        cast(date_trunc('quarter', answers.day) as date) as window_start,
        cast(date_trunc('quarter', answers.day) + interval 3 month - interval 1 day as date)
            as window_end
    from answers
),

-- Each answer in its customer's segment and in 'all'.
segment_kinds as (
    select true as is_customer_segment
    union all
    select false as is_customer_segment
)

select
    answer_windows.window_name,
    answer_windows.window_start,
    answer_windows.window_end,
    case
        when segment_kinds.is_customer_segment then answer_windows.customer_segment
        else 'all'
    end as segment,
    answer_windows.feedback_id,
    answer_windows.survey_type,
    answer_windows.score,
    answer_windows.day,
    answer_windows.has_comment,
    {{ key_driver_negative_columns('negative_topics') }}
from answer_windows
cross join segment_kinds
left join negative_topics
    on answer_windows.feedback_id = negative_topics.feedback_id
