{#
    One row per negative spike: a business day on which a scope's negative mentions exceed the
    binomial upper control limit at its own trailing baseline share (block "Alerts" of
    dbt_project.yml). Scopes: a topic, a source, a platform, a store, an ip region
    (marketplace reviews), and a topic within a platform, region or store. A topic scope
    counts topic mentions (fct_feedback_topic, the topic's own sentiment); the others count
    items (fct_feedback, the item's sentiment), with topic = 'all'. Suspected fakes are left
    out. The whole table is rebuilt each run: every day's limit depends on the 28 days before
    it, and a late item changes them.
#}

with

items as (
    select
        feedback.feedback_id,
        feedback.source,
        feedback.platform,
        feedback.store_id,
        reviews.ip_region as region,
        feedback.day,
        feedback.created_at,
        feedback.text_clean,
        feedback.sentiment_label,
        feedback.sentiment_score
    from {{ ref('fct_feedback') }} as feedback
    left join {{ ref('stg_ecommerce_review') }} as reviews
        on
            feedback.source = 'ecommerce_review'
            and feedback.source_record_id = reviews.review_id
    where
        not feedback.is_suspected_fake
        and feedback.sentiment_label is not null
),

mentions as (
    select
        items.*,
        topics.topic,
        topics.topic_sentiment_label,
        topics.topic_sentiment_score
    from {{ ref('fct_feedback_topic') }} as topics
    inner join items
        on topics.feedback_id = items.feedback_id
),

{# One row per item (or topic mention) and scope it falls in. #}
scoped as (
    {%- set item_scopes = [('source', 'source'), ('platform', 'platform'),
        ('store', 'store_id'), ('region', 'region')] %}
    {%- for scope_type, column in item_scopes %}
        select
            '{{ scope_type }}' as scope_type,
            {{ column }} as scope_value,
            'all' as topic,
            feedback_id,
            day,
            created_at,
            text_clean,
            sentiment_label = 'negative' as is_negative,
            sentiment_score as score
        from items
        where {{ column }} is not null
        union all
    {%- endfor %}
    {%- set topic_scopes = [('topic', 'topic'), ('platform+topic', 'platform'),
        ('region+topic', 'region'), ('store+topic', 'store_id')] %}
    {%- for scope_type, column in topic_scopes %}
        select
            '{{ scope_type }}' as scope_type,
            {{ column }} as scope_value,
            topic,
            feedback_id,
            day,
            created_at,
            text_clean,
            topic_sentiment_label = 'negative' as is_negative,
            topic_sentiment_score as score
        from mentions
        where {{ column }} is not null
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

history_start as (
    select min(day) as first_day from items
),

daily as (
    select
        scope_type,
        scope_value,
        topic,
        day,
        count(*) as mentions,
        count(*) filter (where is_negative) as negative_mentions
    from scoped
    group by scope_type, scope_value, topic, day
),

{# Days without mentions add nothing to the window's sums, so a range window over the
    days that have some gives the calendar window's totals. #}
with_baseline as (
    select
        daily.*,
        least(
            {{ var('alert_baseline_days') }},
            date_diff('day', history_start.first_day, daily.day)
        ) as baseline_days,
        coalesce(sum(daily.mentions) over baseline_window, 0) as baseline_mentions,
        coalesce(sum(daily.negative_mentions) over baseline_window, 0)
            as baseline_negative_mentions
    from daily
    cross join history_start
    window baseline_window as (
        partition by daily.scope_type, daily.scope_value, daily.topic
        order by daily.day
        range between interval {{ var('alert_baseline_days') }} day preceding
        and interval 1 day preceding
    )
),

{# Only days that could alert are tested: enough volume, and more negative than usual. #}
candidates as (
    select
        *,
        (baseline_negative_mentions + 1.0) / (baseline_mentions + 2.0) as baseline_share
    from with_baseline
    where
        negative_mentions >= {{ var('alert_min_negatives') }}
        and baseline_mentions >= {{ var('alert_min_baseline_mentions') }}
        and baseline_days >= {{ var('alert_min_baseline_days') }}
        and negative_mentions
        > mentions * (baseline_negative_mentions + 1.0) / (baseline_mentions + 2.0)
),

distribution as (
    select
        scope_type,
        scope_value,
        topic,
        day,
        k,
        sum({{ binomial_pmf('k', 'mentions', 'baseline_share') }}) over (
            partition by scope_type, scope_value, topic, day
            order by k
            rows between unbounded preceding and current row
        ) as cdf
    from (
        select
            scope_type,
            scope_value,
            topic,
            day,
            mentions,
            baseline_share,
            unnest(range(0, mentions + 1)) as k
        from candidates
    ) as outcomes
),

limits as (
    select
        scope_type,
        scope_value,
        topic,
        day,
        min(k) filter (where cdf >= {{ var('alert_limit_quantile') }}) as upper_limit,
        min(k) filter (where cdf >= {{ var('alert_critical_quantile') }}) as critical_limit
    from distribution
    group by scope_type, scope_value, topic, day
),

alerts as (
    select
        candidates.*,
        {#- Rounding can leave the last cumulative sum a hair under a quantile: n then. #}
        coalesce(limits.upper_limit, candidates.mentions) as upper_limit,
        coalesce(limits.critical_limit, candidates.mentions) as critical_limit
    from candidates
    inner join limits
        on
            candidates.scope_type = limits.scope_type
            and candidates.scope_value = limits.scope_value
            and candidates.topic = limits.topic
            and candidates.day = limits.day
    where candidates.negative_mentions > coalesce(limits.upper_limit, candidates.mentions)
),

examples as (
    select
        scoped.scope_type,
        scoped.scope_value,
        scoped.topic,
        scoped.day,
        list(scoped.feedback_id order by scoped.score, scoped.created_at, scoped.feedback_id)
            as feedback_ids,
        list(scoped.text_clean order by scoped.score, scoped.created_at, scoped.feedback_id)
            as texts
    from scoped
    inner join alerts
        on
            scoped.scope_type = alerts.scope_type
            and scoped.scope_value = alerts.scope_value
            and scoped.topic = alerts.topic
            and scoped.day = alerts.day
    where scoped.is_negative and coalesce(scoped.text_clean, '') != ''
    group by scoped.scope_type, scoped.scope_value, scoped.topic, scoped.day
)

select
    {{ dbt.hash(dbt.concat([
        "cast(alerts.day as varchar)", "'|'", "alerts.scope_type", "'|'",
        "alerts.scope_value", "'|'", "alerts.topic"
    ])) }} as alert_id,
    alerts.day,
    alerts.scope_type,
    alerts.scope_value,
    alerts.topic,
    cast(alerts.mentions as integer) as mentions,
    cast(alerts.negative_mentions as integer) as negative_mentions,
    1.0 * alerts.negative_mentions / alerts.mentions as negative_share,
    cast(alerts.baseline_days as integer) as baseline_days,
    1.0 * alerts.baseline_mentions / alerts.baseline_days as baseline_mentions_per_day,
    cast(alerts.baseline_share as double) as baseline_negative_share,
    cast(alerts.upper_limit as double) as expected_high,
    'binomial upper {{ var("alert_limit_quantile") * 100 }}% limit on negative count at the '
    || '{{ var("alert_baseline_days") }}-day baseline share (Laplace-smoothed, day excluded), '
    || 'min {{ var("alert_min_negatives") }} negatives, baseline >= '
    || '{{ var("alert_min_baseline_mentions") }} mentions' as rule,
    case
        when alerts.negative_mentions > alerts.critical_limit then 'critical' else 'warning'
    end as severity,
    coalesce(
        list_slice(examples.feedback_ids, 1, {{ var('alert_examples') }}), cast([] as varchar[])
    ) as example_feedback_ids,
    coalesce(
        list_slice(examples.texts, 1, {{ var('alert_examples') }}), cast([] as varchar[])
    ) as example_texts
from alerts
left join examples
    on
        alerts.scope_type = examples.scope_type
        and alerts.scope_value = examples.scope_value
        and alerts.topic = examples.topic
        and alerts.day = examples.day
