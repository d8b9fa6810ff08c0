"""Statistics the insight marts need that SQL is the wrong tool for (issue 16).

Pure functions on pandas frames, usable without dbt or Dagster; dbt Python models
(``dbt_project/models/intermediate/insights/*.py``) call them on warehouse tables and write
their results back. Imports only ``voc_core``, pandas, numpy, pyarrow and statsmodels.
"""
