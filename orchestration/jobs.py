"""The jobs that refresh the warehouse: what the schedule, the sensor and `voc run` launch."""

import dagster as dg

#: Every run of these jobs writes the one DuckDB file. `dagster.yaml` lets one run with this
#: tag be in progress at a time; a second trigger waits in the run queue.
WRITES_WAREHOUSE_TAG = {"voc/writes_warehouse": "true"}

refresh_job = dg.define_asset_job(
    name="refresh",
    selection=dg.AssetSelection.all(),
    description=(
        "Everything that has new input: new landing files are loaded, the incremental dbt "
        "models and the text scoring process only what arrived, and the serving copy is "
        "published when every check passed. Launched by the nightly schedule, the landing "
        "sensor (one source and what depends on it) and `voc run`."
    ),
    tags=WRITES_WAREHOUSE_TAG,
)
