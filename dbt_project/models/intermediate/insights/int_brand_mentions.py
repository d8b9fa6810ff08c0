"""Which feedback texts name which brand (seeds brands and brand_lookalikes).

A SQL filter first keeps the texts that contain any alias as a substring (lower-cased), so
Python only sees the few percent that might mention a brand; text_analytics.brands then counts
an alias only where it stands as a word (see that module). Reads the cleaned, masked text of
text_analytics.feedback_scores (traditional script already folded to simplified; the
traditional aliases still count in texts the cleaner left as they were).

Materialised as a table, rebuilt on each run: the substring filter scans every text once
(DuckDB, well under a second per 100,000 texts) and jieba runs on the candidates only.
"""

import pandas as pd

from text_analytics.brands import BrandAlias, mention_rows

COLUMNS = ["feedback_id", "brand", "mention_count", "aliases_seen"]
#: Explicit dtypes: DuckDB would type the columns of an empty frame as integers.
DTYPES = {
    "feedback_id": "string",
    "brand": "string",
    "mention_count": "int32",
    "aliases_seen": "string",
}


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def model(dbt, session):
    dbt.config(materialized="table")
    brands = dbt.ref("brands").df()
    lookalikes = dbt.ref("brand_lookalikes").df()
    scores = dbt.source("text_analytics", "feedback_scores")
    aliases = [
        BrandAlias(str(r.brand), str(r.alias), bool(r.is_own_brand))
        for r in brands.itertuples(index=False)
        if isinstance(r.alias, str) and r.alias.strip()
    ]
    pairs = [(str(r.brand), str(r.word)) for r in lookalikes.itertuples(index=False)]
    if not aliases:
        return pd.DataFrame([], columns=COLUMNS).astype(DTYPES)
    condition = " or ".join(
        f"contains(lower(text_clean), {_quote(a.alias.lower())})" for a in aliases
    )
    candidates = scores.filter(condition).project("feedback_id, text_clean").fetchall()
    rows = mention_rows(candidates, aliases, pairs)
    return pd.DataFrame(rows, columns=COLUMNS).astype(DTYPES)
