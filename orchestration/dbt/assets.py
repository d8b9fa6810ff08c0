"""Every dbt model as a Dagster asset; dbt tests become asset checks.

Each materialized model also reports its row count, the rows new in this run (count after dbt
minus count before it) and a preview (``orchestration.metadata``). DuckDB allows a single
writer and dbt holds the file while it runs, so the counts before are taken before dbt starts
and everything else after it has exited: the step buffers dbt's events, enriches the
materializations, then yields them all (test results, as asset checks, included).
"""

import json
from collections.abc import Iterator, Mapping
from collections.abc import Set as AbstractSet
from graphlib import TopologicalSorter
from typing import Any

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from orchestration import unchanged
from orchestration.dbt.project import (
    PARTIAL_PARSE_FILE,
    dbt_project,
    dbt_vars,
    ensure_manifest,
    parse_fingerprint,
    remember_partial_parse,
    seed_partial_parse,
    step_target_path,
)
from orchestration.dbt.translator import VocDbtTranslator
from orchestration.metadata import (
    ROW_COUNT_KEY,
    ROWS_NEW_KEY,
    count_rows_if_exists,
    quote_relation,
    table_metadata,
)
from orchestration.resources import LandingZoneResource, RunOptions, WarehouseResource
from orchestration.retries import retry_step_on_transient_failure

ensure_manifest()

#: (schema, table) of a dbt node in the warehouse.
Relation = tuple[str, str]


def _relations_by_key(manifest: Mapping[str, Any]) -> dict[dg.AssetKey, Relation]:
    """Where each dbt model, seed or snapshot lives, by asset key; ephemeral models have no
    relation and are left out."""
    translator = VocDbtTranslator()
    relations = {}
    for unique_id, node in manifest["nodes"].items():
        if node["resource_type"] not in ("model", "seed", "snapshot"):
            continue
        if node.get("config", {}).get("materialized") == "ephemeral":
            continue
        key = translator.get_asset_spec(manifest, unique_id, dbt_project).key
        relations[key] = (node["schema"], node.get("alias") or node["name"])
    return relations


def _event_asset_key(context: dg.AssetExecutionContext, event: Any) -> dg.AssetKey | None:
    if isinstance(event, dg.Output):
        return context.asset_key_for_output(event.output_name)
    if isinstance(event, dg.AssetMaterialization):
        return event.asset_key
    return None


def _with_table_metadata(
    context: dg.AssetExecutionContext,
    warehouse: WarehouseResource,
    events: list[Any],
    relations: Mapping[dg.AssetKey, Relation],
    counts_before: Mapping[dg.AssetKey, int | None],
) -> Iterator[Any]:
    """``events`` with row count, new rows and preview added to each materialization."""
    with warehouse.connect() as con:
        for event in events:
            key = _event_asset_key(context, event)
            if key not in relations:
                yield event
                continue
            try:
                extra = table_metadata(con, quote_relation(*relations[key]), counts_before[key])
            except Exception as exc:  # metadata is a courtesy: never lose a materialization
                context.log.warning(f"no table metadata for {key.to_user_string()}: {exc}")
                yield event
                continue
            yield event.with_metadata({**event.metadata, **extra})


def _topological(
    assets_def: dg.AssetsDefinition, keys: AbstractSet[dg.AssetKey]
) -> list[dg.AssetKey]:
    """``keys`` upstream first: the order in which a multi-asset must report them."""
    deps = {spec.key: {d.asset_key for d in spec.deps} for spec in assets_def.specs}
    order = TopologicalSorter({k: deps.get(k, set()) & set(keys) for k in keys}).static_order()
    return list(order)


#: The dbt step that builds staging and intermediate (its record is an input of the marts').
TRANSFORM_STEP = "dbt_staging_and_intermediate"


def _dbt_inputs(
    con: Any, step: str, vars_json: str, context: dg.AssetExecutionContext
) -> dict[str, Any]:
    """What a dbt step reads (``orchestration.unchanged``): the project's files, vars and
    ``DBT_*`` environment, the selection, and the tables its models read. Staging reads only
    ``raw``. The marts read the intermediate models (the record of the step that builds
    them), text analytics, the loader's files and quarantine and the quality results of the
    layers checked before them (``mart_data_health_*``). No model reads the clock: they
    measure time against the data's last day (``int_data_horizon``)."""
    parts: dict[str, Any] = {
        "project": parse_fingerprint(vars_json),
        "selection": unchanged.selection(context),
        "raw": unchanged.raw_state(con),
    }
    if step != TRANSFORM_STEP:
        parts |= {
            "upstream": unchanged.step_record(con, TRANSFORM_STEP),
            "text_analytics": unchanged.text_state(con),
            "quality": unchanged.quality_state(con, ("raw", "intermediate")),
        }
    return parts


def _build_dbt_assets(name: str, select: str, exclude: str | None = None) -> dg.AssetsDefinition:
    """The dbt nodes matched by ``select`` but not ``exclude``, built with one ``dbt build``
    per run."""
    relations_by_key = _relations_by_key(json.loads(dbt_project.manifest_path.read_text()))

    @dbt_assets(
        manifest=dbt_project.manifest_path,
        project=dbt_project,
        select=select,
        exclude=exclude,
        dagster_dbt_translator=VocDbtTranslator(),
        name=name,
    )
    def _assets(
        context: dg.AssetExecutionContext,
        dbt: DbtCliResource,
        warehouse: WarehouseResource,
        landing: LandingZoneResource,
        run_options: RunOptions,
    ):
        # The warehouse file and the time zones reach dbt as vars (the profile reads them).
        vars_json = dbt_vars(
            warehouse.duckdb_path, landing.default_timezone, landing.source_timezones
        )
        # A full refresh rebuilds incremental models from scratch (needed after a model
        # change that alters their columns: they are configured to fail, not drift).
        full_refresh = ["--full-refresh"] if run_options.full_refresh else []
        relations = {
            k: relations_by_key[k] for k in context.selected_asset_keys if k in relations_by_key
        }
        step = context.op_execution_context.op.name
        # Waits (with backoff) while another process holds the file; closed before dbt opens it.
        with retry_step_on_transient_failure(context), warehouse.connect() as con:
            before = {k: count_rows_if_exists(con, *rel) for k, rel in relations.items()}
            inputs = unchanged.inputs_token(_dbt_inputs(con, step, vars_json, context))
            found = unchanged.standing(context, con, step, inputs, redo=run_options.full_refresh)
        if found is not None:
            # Nothing dbt reads changed since it last built these models: they stand as built.
            note = found.note("dbt build")
            context.log.info(note)
            for key in _topological(context.assets_def, context.selected_asset_keys):
                metadata: dict[str, Any] = {unchanged.SKIPPED_KEY: note}
                if before.get(key) is not None:
                    metadata |= {ROW_COUNT_KEY: before[key], ROWS_NEW_KEY: 0}
                yield dg.MaterializeResult(asset_key=key, metadata=metadata)
            yield from unchanged.replay(found, context.selected_asset_check_keys, "dbt build")
            return

        events: list[Any] = []
        failure: Exception | None = None
        # dbt parses the project again unless it finds the state of a call with these vars.
        target_path = step_target_path(context.op_execution_context.op.name, context.run.run_id)
        seed_partial_parse(vars_json, target_path)
        invocation = dbt.cli(
            ["build", "--vars", vars_json, *full_refresh], context=context, target_path=target_path
        )
        try:
            for event in invocation.stream():
                events.append(event)
            remember_partial_parse(vars_json, target_path / PARTIAL_PARSE_FILE)
        except Exception as exc:  # dbt failed: still report what it did build, then fail
            failure = exc
            # Said first: reading the tables' metadata below can fail too and hide it.
            context.log.error(f"dbt build failed: {exc!r}")
            # An error raised while reading dbt's events leaves dbt running and holding the
            # warehouse's lock; stop it before the metadata below opens the file.
            if invocation.process.poll() is None:
                invocation.process.terminate()
                invocation.process.wait()
        yield from _with_table_metadata(context, warehouse, events, relations, before)
        if failure is None:
            checks = [e for e in events if isinstance(e, dg.AssetCheckResult)]
            with retry_step_on_transient_failure(context), warehouse.connect() as con:
                unchanged.remember(con, step, inputs, context.run_id, checks)
        if failure is not None:
            # A lock taken by another process between our check and dbt's start is transient.
            with retry_step_on_transient_failure(context):
                raise failure

    return _assets


# The marts get a definition of their own: text analytics (Python) sits between the
# intermediate models and the marts, so each half runs as its own step in graph order. The
# fake-review rules (models/intermediate/authenticity) read text analytics: they run with
# the marts, as do the key-driver inputs and fits and the brand mentions
# (models/intermediate/insights), which read the marts fct_feedback and fct_feedback_topic.
AFTER_TEXT_ANALYTICS = "path:models/intermediate/authenticity path:models/intermediate/insights"
dbt_transform_assets = _build_dbt_assets(
    TRANSFORM_STEP,
    "path:models/staging path:models/intermediate",
    exclude=AFTER_TEXT_ANALYTICS,
)
dbt_mart_assets = _build_dbt_assets(
    "dbt_marts", f"{AFTER_TEXT_ANALYTICS} path:models/marts path:seeds"
)
