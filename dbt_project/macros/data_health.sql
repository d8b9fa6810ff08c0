{#
    Data-health marts (models/marts/health) read tables the pipeline's Python steps write
    (raw._files, raw._quarantine, quality.validation_results), not dbt models. A fresh
    warehouse, or a dbt build outside the pipeline, may not have them yet: this gives the
    relation when it exists and otherwise `empty_select`, a typed select of no rows.
#}
{% macro relation_or_empty(schema, identifier, empty_select) -%}
    {%- set relation = adapter.get_relation(
        database=target.database, schema=schema, identifier=identifier
    ) -%}
    {%- if relation is not none -%}
        select * from {{ relation }}
    {%- else -%}
        {{ empty_select }}
    {%- endif -%}
{%- endmacro %}
