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
