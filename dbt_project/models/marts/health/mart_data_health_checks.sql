{#
    The quality checks (Great Expectations suites, quality.validation_results) of the latest
    recorded run of each layer, one row per suite x expectation. Built with the marts, so
    the raw and intermediate layers are this pipeline run's, and the marts and authenticity
    layers the previous run's (their suites run on the marts after dbt has built them).
#}

with

results as (
    {{ relation_or_empty('quality', 'validation_results',
        "select null::varchar as run_id, null::timestamp as run_at, null::varchar as layer,
            null::varchar as suite, null::varchar as expectation,
            null::varchar as expectation_type, null::varchar as column_name,
            null::varchar as severity, null::boolean as success, null::boolean as blocking,
            null::bigint as unexpected_count, null::bigint as element_count,
            null::varchar as description where false") }}
),

latest as (
    select
        layer,
        max(run_at) as run_at
    from results
    group by layer
),

latest_results as (
    select results.*
    from results
    inner join latest
        on
            results.layer = latest.layer
            and results.run_at = latest.run_at
)

select
    layer,
    suite,
    expectation,
    any_value(expectation_type) as expectation_type,
    any_value(column_name) as column_name,
    any_value(severity) as severity,
    bool_and(success) as success,
    bool_or(blocking) as blocking,
    sum(unexpected_count) as unexpected_count,
    sum(element_count) as element_count,
    max(run_at) as run_at,
    any_value(run_id) as run_id,
    any_value(description) as description
from latest_results
group by layer, suite, expectation
