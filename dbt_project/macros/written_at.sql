{#
    When this dbt run writes a row: the run's start (UTC), the same for every row it writes,
    later than any earlier run's. Incremental marts carry it as `_written_at`, so a reader can
    take only the rows rewritten since it last read (orchestration/serving/publish.py).
#}
{% macro written_at() -%}
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as timestamp)
{%- endmacro %}
