"""Publishing the marts for BI tools, usable without Dagster: an atomic DuckDB serving copy
and one Parquet file per mart (``serving.publish.publish_marts``)."""
