{# Typing helpers for raw text values; raw rows were checked against the contract on load. #}

{% macro clean_text(column) -%}
    nullif(trim({{ column }}), '')
{%- endmacro %}

{% macro clean_code(column) -%}
    lower(nullif(trim({{ column }}), ''))
{%- endmacro %}

{% macro to_integer(column) -%}
    cast({{ dbt.safe_cast('nullif(trim(' ~ column ~ "), '')", api.Column.translate_type('float')) }} as integer)
{%- endmacro %}

{% macro to_decimal(column, precision=18, scale=2) -%}
    cast({{ dbt.safe_cast('nullif(trim(' ~ column ~ "), '')", api.Column.translate_type('float')) }} as decimal({{ precision }}, {{ scale }}))
{%- endmacro %}
