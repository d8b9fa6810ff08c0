{#
    The filter that makes a model read only rows delivered since its last build: rows whose
    `_loaded_at` is later than the latest one it already holds. On a full refresh, or when the
    model does not exist yet, it filters nothing.

    Exact for a `delete+insert` on the natural key because the loader only appends: a row of
    a later load always wins `latest_delivery` over the row the model holds for that key, so
    replacing that row with the winner among the new rows gives what a full rebuild gives.
    `partition_column`/`partition_value` restrict the watermark to one part of the model (one
    source of int_feedback_unioned), so a source whose staging lagged behind is still picked
    up in full.
#}
{% macro new_deliveries(partition_column=none, partition_value=none) -%}
    {%- if is_incremental() %}
    where _loaded_at > (
        select coalesce(max(_loaded_at), cast('1900-01-01' as timestamp))
        from {{ this }}
        {%- if partition_column is not none %}
        where {{ partition_column }} = '{{ partition_value }}'
        {%- endif %}
    )
    {%- endif %}
{%- endmacro %}

{#
    Keys of the feedback items loaded or scored since this model's last build: the two
    changes an item of int_feedback_unioned and text_analytics.feedback_scores can go through.
    For incremental models that carry both `_loaded_at` and `scored_at`.
#}
{% macro items_loaded_or_scored_since_last_build() -%}
    select feedback_id from {{ ref('int_feedback_unioned') }}
    where _loaded_at > (select max(_loaded_at) from {{ this }})
    union
    select feedback_id from {{ source('text_analytics', 'feedback_scores') }}
    where scored_at > (select max(scored_at) from {{ this }})
{%- endmacro %}
