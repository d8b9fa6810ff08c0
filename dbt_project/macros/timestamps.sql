{#
    Timestamps arrive as text in the layouts of the landing contract (CHANNELS.md): ISO 8601
    with an offset (an instant), or naive layouts that mean local time of the source.
    Everything is stored as a naive timestamp in UTC. The layouts and the SQL that reads them
    are defined once, in voc_core/timestamps.py, and reach dbt as the generated macros of
    macros/generated/timestamp_layouts.sql (is_iso_with_offset, parse_naive_timestamp,
    parse_date). Dispatched: a new adapter needs its own implementation of these macros.
#}

{#
    The zone in which a source writes naive timestamps: dbt var source_timezones (source name
    -> IANA zone, entries optional), else var business_timezone. The pipeline passes both.
#}
{% macro source_timezone(source_name) -%}
    {{- var('source_timezones', {}).get(source_name) or var('business_timezone') -}}
{%- endmacro %}

{% macro to_utc(column, source_name) -%}
    {{ return(adapter.dispatch('to_utc')(column, source_name)) }}
{%- endmacro %}

{% macro duckdb__to_utc(column, source_name) -%}
    {%- set value = 'trim(' ~ column ~ ')' -%}
    case
        when {{ is_iso_with_offset(value) }}
            then timezone('UTC', cast({{ value }} as timestamptz))
        else timezone(
            'UTC',
            timezone('{{ source_timezone(source_name) }}', {{ parse_naive_timestamp(value) }})
        )
    end
{%- endmacro %}

{% macro default__to_utc(column, source_name) -%}
    {{ exceptions.raise_compiler_error("to_utc is not implemented for " ~ target.type) }}
{%- endmacro %}

{% macro to_date(column) -%}
    {{ return(adapter.dispatch('to_date')(column)) }}
{%- endmacro %}

{% macro duckdb__to_date(column) -%}
    {{ parse_date('trim(' ~ column ~ ')') }}
{%- endmacro %}

{% macro default__to_date(column) -%}
    {{ exceptions.raise_compiler_error("to_date is not implemented for " ~ target.type) }}
{%- endmacro %}
