{#
    GENERIC_PRAISE: short stock praise ("好评好评", "东西不错，物流快") is everywhere and
    proves nothing by itself; the same short praise, word for word, used by many accounts of
    which an unusual share were brand new when they posted it, is a purchased template.
    Marketplace reviews only (app reviews carry no account age).
#}

{%- set new_account_hours = var('fake_generic_praise_new_account_days') * 24 %}

with

praise as (
    select
        feedback_id,
        author_id,
        signature_text,
        account_age_hours
    from {{ ref('int_fake_review_base') }}
    where
        source = 'ecommerce_review'
        and rating_5 >= 4
        and signature_chars between 1 and {{ var('fake_generic_praise_max_chars') }}
        and not is_placeholder_text
        and author_id is not null
),

templates as (
    select
        signature_text,
        count(distinct author_id) as accounts,
        count(distinct author_id) filter (
            where account_age_hours between 0 and {{ new_account_hours }}
        ) as new_accounts
    from praise
    group by signature_text
),

purchased as (
    select * from templates
    where
        accounts >= {{ var('fake_generic_praise_min_reviewers') }}
        and new_accounts >= {{ var('fake_generic_praise_min_new_account_share') }} * accounts
)

select
    praise.feedback_id,
    'GENERIC_PRAISE' as rule,
    json_object(
        'template', purchased.signature_text,
        'accounts', purchased.accounts,
        'new_accounts', purchased.new_accounts,
        'new_account_share', round(purchased.new_accounts / purchased.accounts, 3)
    ) as evidence
from praise
inner join purchased
    on praise.signature_text = purchased.signature_text
