{#
    RATING_TEXT_MISMATCH: 5 stars on a clearly negative text, or 1 star on a clearly
    positive one. Bought ratings are often posted with whatever text is at hand. A single
    mismatch is weak evidence (misclicks, mixed reviews and sentiment-model errors look the
    same), hence the strict sentiment threshold and a low weight in suspicion_score.
#}

select
    feedback_id,
    'RATING_TEXT_MISMATCH' as rule,
    json_object(
        'rating', rating_5,
        'sentiment_score', sentiment_score,
        'min_abs_sentiment', {{ var('fake_mismatch_min_abs_sentiment') }}
    ) as evidence
from {{ ref('int_fake_review_base') }}
where
    signature_chars >= {{ var('fake_mismatch_min_chars') }}
    and not is_placeholder_text
    and (
        (rating_5 = 5 and sentiment_score <= -{{ var('fake_mismatch_min_abs_sentiment') }})
        or (rating_5 = 1 and sentiment_score >= {{ var('fake_mismatch_min_abs_sentiment') }})
    )
