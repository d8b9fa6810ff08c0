{#
    Models land in the schema named in their folder's config (staging, intermediate, marts)
    rather than dbt's default "<target>_<custom>": BI tools read `marts.*` by name.
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
