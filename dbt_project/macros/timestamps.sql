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
                {{ parse_layouts('trim(' ~ column ~ ')', var('naive_timestamp_formats')) }}
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
    cast({{ parse_layouts('trim(' ~ column ~ ')', var('date_formats')) }} as date)
{%- endmacro %}

{% macro default__to_date(column) -%}
    {{ exceptions.raise_compiler_error("to_date is not implemented for " ~ target.type) }}
{%- endmacro %}

{#
    A value in one of several strptime layouts, NULL if in none. Each layout is tried only on
    values of its own shape (a regex of the layout), never with a list of layouts: DuckDB
    1.5.5's strptime reads one byte past the end of a value shorter than the layout it tries
    (a literal compared before the length is checked), which crashes the process when that
    byte lies past the end of mapped memory; at a million rows this happened in one run of
    two. Same result as try_strptime(value, [layouts]) for the layouts of this project.
#}
{% macro parse_layouts(value, layouts) -%}
    case
    {%- for layout in layouts %}
        when regexp_full_match({{ value }}, '{{ layout_shape(layout) }}')
            then try_strptime({{ value }}, '{{ layout }}')
    {%- endfor %}
    end
{%- endmacro %}

{# The regex of the values strptime can read with a layout of %Y %m %d %H %M %S %f. #}
{% macro layout_shape(layout) -%}
    {{- layout
        | replace('.', '\\.')
        | replace('%Y', '\\d{4}')
        | replace('%m', '\\d{1,2}')
        | replace('%d', '\\d{1,2}')
        | replace('%H', '\\d{1,2}')
        | replace('%M', '\\d{1,2}')
        | replace('%S', '\\d{1,2}')
        | replace('%f', '\\d{1,6}')
        | replace(' ', '\\s+') -}}
{%- endmacro %}
