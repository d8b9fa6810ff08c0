{#
    NEW_ACCOUNT_EXTREME: a 1- or 5-star review from an account only hours or days old.
    Throwaway accounts are the cheapest way to buy or attack a rating; a genuine buyer's
    account is usually older than the order's delivery. Needs the account's creation time,
    which marketplace reviews carry.
#}

select
    feedback_id,
    'NEW_ACCOUNT_EXTREME' as rule,
    json_object(
        'account_age_hours', round(account_age_hours, 1),
        'max_days', {{ var('fake_new_account_max_days') }},
        'rating', rating_5
    ) as evidence
from {{ ref('int_fake_review_base') }}
where
    rating_5 in (1, 5)
    and account_age_hours >= 0
    and account_age_hours < {{ var('fake_new_account_max_days') * 24 }}
