{#
    Quarantined rows (raw._quarantine) by landing source and reason: what broke the
    contract, how often, in how many files, and when it last happened.
#}

with

quarantine as (
    {{ relation_or_empty('raw', '_quarantine',
        "select null::varchar as source, null::varchar as file_sha256,
            null::varchar as reason, null::timestamp as quarantined_at where false") }}
)

select
    source,
    reason,
    count(*) as quarantined_rows,
    count(distinct file_sha256) as files,
    max(quarantined_at) as last_quarantined_at
from quarantine
group by source, reason
