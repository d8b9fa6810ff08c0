{#
    Keep one row per natural key: the one from the latest delivery (a correction arrives as a
    new file), and within a file the last line. Written with row_number() rather than QUALIFY
    so it runs on any engine.
#}
{% macro latest_delivery(relation, key) -%}
    select * exclude (_delivery_rank)
    from (
        select
            *,
            row_number() over (
                partition by {{ key }}
                order by _loaded_at desc, _file_path desc, _line_number desc
            ) as _delivery_rank
        from {{ relation }}
    ) as ranked
    where _delivery_rank = 1
{%- endmacro %}
