{#
    Timestamps arrive as text in the layouts of the landing contract (CHANNELS.md): ISO 8601
    with an offset (an instant), or naive layouts that mean local time of the source.
    Everything is stored as a naive timestamp in UTC. Dispatched: a new adapter needs its own
    implementation of these three macros.
#}

{% macro source_timezone(source_name) -%}
    {{- env_var('VOC_TZ_' ~ (source_name | upper), var('business_timezone')) -}}
{%- endmacro %}

{% macro to_utc(column, source_name) -%}
    {{ return(adapter.dispatch('to_utc')(column, source_name)) }}
{%- endmacro %}

{% macro duckdb__to_utc(column, source_name) -%}
    case
        when regexp_matches(
            trim({{ column }}),
            '^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})$'
        )
            then timezone('UTC', cast(trim({{ column }}) as timestamptz))
        else timezone(
            'UTC',
            timezone(
                '{{ source_timezone(source_name) }}',
                try_strptime(trim({{ column }}), {{ sql_string_list(var('naive_timestamp_formats')) }})
            )
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
    cast(try_strptime(trim({{ column }}), {{ sql_string_list(var('date_formats')) }}) as date)
{%- endmacro %}

{% macro default__to_date(column) -%}
    {{ exceptions.raise_compiler_error("to_date is not implemented for " ~ target.type) }}
{%- endmacro %}

{% macro sql_string_list(values) -%}
    [{%- for value in values -%}'{{ value | replace("'", "''") }}'{{ ", " if not loop.last }}{%- endfor -%}]
{%- endmacro %}
