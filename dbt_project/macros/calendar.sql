{#
    Calendar buckets in the business time zone (var business_timezone). Timestamps are stored
    as naive UTC; days, weeks and months are the business's calendar (MARTS.md).
#}

{% macro business_date(column) -%}
    {{ return(adapter.dispatch('business_date')(column)) }}
{%- endmacro %}

{% macro duckdb__business_date(column) -%}
    cast(timezone('{{ var("business_timezone") }}', timezone('UTC', {{ column }})) as date)
{%- endmacro %}

{% macro default__business_date(column) -%}
    {{ exceptions.raise_compiler_error("business_date is not implemented for " ~ target.type) }}
{%- endmacro %}

{% macro business_month(column) -%}
    cast({{ dbt.date_trunc('month', business_date(column)) }} as date)
{%- endmacro %}

{# ISO week: weeks start on Monday. #}
{% macro business_week(column) -%}
    cast({{ dbt.date_trunc('week', business_date(column)) }} as date)
{%- endmacro %}

{#
    The instant (naive UTC, like every timestamp here) `hours` working hours after `column`,
    where working time is Monday 00:00 to Saturday 00:00 in the business time zone: hours on
    Saturdays and Sundays do not count. An item that arrives at the weekend starts its clock on
    Monday 00:00. Works in whole working weeks of 120 hours: the offset into the (Monday-based)
    week plus the hours, split into whole weeks and the rest, which always ends by Saturday
    00:00.
#}
{% macro working_hours_after(column, hours) -%}
    {{ return(adapter.dispatch('working_hours_after')(column, hours)) }}
{%- endmacro %}

{% macro duckdb__working_hours_after(column, hours) -%}
    {%- set tz = var("business_timezone") -%}
    {%- set local = "timezone('" ~ tz ~ "', timezone('UTC', " ~ column ~ "))" -%}
    {%- set monday = "date_trunc('week', " ~ local ~ ")" -%}
    {%- set offset = "least(date_diff('microsecond', " ~ monday ~ ", " ~ local ~ ") / 3600e6, 120)" -%}
    {%- set total = "(" ~ offset ~ " + (" ~ hours ~ "))" -%}
    {#- Whole weeks before the one the deadline falls in; the rest is in (0, 120], so a
        deadline at the end of a Friday stays on that Friday (Saturday 00:00), not Monday. -#}
    {%- set weeks = "greatest(ceil(" ~ total ~ " / 120) - 1, 0)" -%}
    timezone(
        'UTC',
        timezone(
            '{{ tz }}',
            {{ monday }}
            + to_days(cast(7 * {{ weeks }} as integer))
            + to_microseconds(cast(round(({{ total }} - 120 * {{ weeks }}) * 3600e6) as bigint))
        )
    )
{%- endmacro %}

{% macro default__working_hours_after(column, hours) -%}
    {{ exceptions.raise_compiler_error("working_hours_after is not implemented for " ~ target.type) }}
{%- endmacro %}

{# A response deadline `hours` after `column` on a follow-up SLA clock: `calendar` or `working`. #}
{% macro sla_deadline(column, hours, clock) -%}
    {%- if clock == 'working' -%}
        {{ working_hours_after(column, hours) }}
    {%- elif clock == 'calendar' -%}
        {{ dbt.dateadd('hour', hours, column) }}
    {%- else -%}
        {{ exceptions.raise_compiler_error("followup_sla_clock must be calendar or working, not " ~ clock) }}
    {%- endif -%}
{%- endmacro %}
