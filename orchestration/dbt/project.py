"""The dbt project as Dagster sees it, and how its manifest gets built."""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import shutil
import sys
import uuid
from collections.abc import Mapping, Sequence
from functools import cached_property
from pathlib import Path

from dagster_dbt import DbtCliResource, DbtProject
from packaging.version import Version

from voc_core.settings import DBT_PROJECT_DIR, Settings, get_settings
from voc_core.timestamps import write_dbt_macros

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)

#: The dbt installed beside this interpreter, so nothing depends on PATH or an activated venv.
DBT_EXECUTABLE = str(Path(sys.executable).with_name("dbt"))


class VocDbtCliResource(DbtCliResource):
    """dagster-dbt's dbt CLI resource without two start-up costs it pays on every dbt step.

    - ``dbt --version`` in a subprocess (3.4 s here), to learn the dbt version: the dbt run
      is the one installed beside this interpreter, so its version is the installed
      ``dbt-core`` package's.
    - A dbt adapter built in this process (1.7 s), which dagster-dbt only uses to fetch row
      counts and column metadata; the dbt assets compute their own (``orchestration.metadata``).
    """

    @cached_property
    def _cli_version(self) -> Version:
        return Version(importlib.metadata.version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> None:  # type: ignore[override]
        return None


def dbt_cli() -> DbtCliResource:
    """The dbt CLI resource for this project."""
    return VocDbtCliResource(
        project_dir=dbt_project,
        profiles_dir=str(dbt_project.profiles_dir),
        dbt_executable=DBT_EXECUTABLE,
    )


#: Files and folders of the dbt project that hold no input of ``dbt parse`` (``.user.yml``:
#: the anonymous id dbt writes on its first call).
_NOT_PARSED = frozenset({"target", "logs", "dbt_packages", ".user.yml"})


def dbt_vars(duckdb_path: str, business_timezone: str, source_timezones: Mapping[str, str]) -> str:
    """The ``--vars`` of every dbt call: the warehouse file and the time zones, from the
    pipeline's settings (the dbt project defaults none of them)."""
    return json.dumps(
        {
            "duckdb_path": duckdb_path,
            "business_timezone": business_timezone,
            "source_timezones": dict(sorted(source_timezones.items())),
        },
        sort_keys=True,
    )


def settings_vars(settings: Settings) -> str:
    """``dbt_vars`` of ``settings``."""
    return dbt_vars(
        str(settings.duckdb_path), settings.business_timezone, settings.source_timezones
    )


def parse_fingerprint(vars_json: str, root: Path = DBT_PROJECT_DIR) -> str:
    """What ``dbt parse`` reads: every project file (path, size, mtime), the vars it is given
    and the ``DBT_*`` environment variables dbt itself reads."""
    digest = hashlib.sha256()
    # dbt's own output (target/ grows with every run) is never walked, only skipped.
    tops = sorted(p for p in root.iterdir() if p.name not in _NOT_PARSED)
    inputs = [p for top in tops for p in ([top] if top.is_file() else sorted(top.rglob("*")))]
    for path in inputs:
        if not path.is_file():
            continue
        stat = path.stat()
        digest.update(f"{path.relative_to(root)}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    digest.update(f"vars={vars_json}\n".encode())
    for name in sorted(os.environ):
        if name.startswith("DBT_"):
            digest.update(f"{name}={os.environ[name]}\n".encode())
    return digest.hexdigest()


def _stamp_path() -> Path:
    return Path(dbt_project.manifest_path).parent / "voc_parse_fingerprint.txt"


#: dbt's partial-parse state, in each dbt step's target folder and in the project's.
PARTIAL_PARSE_FILE = "partial_parse.msgpack"
#: How many partial-parse files ``remember_partial_parse`` keeps (the newest).
PARSE_CACHE_KEEP = 24


def parse_cache_file(vars_json: str) -> Path:
    """Where ``remember_partial_parse`` keeps the partial-parse file of dbt calls with these
    vars: ``target/partial_parse_by_vars/<hash of the vars>.msgpack``."""
    key = hashlib.sha256(vars_json.encode()).hexdigest()[:24]
    return Path(dbt_project.manifest_path).parent / "partial_parse_by_vars" / f"{key}.msgpack"


def step_target_path(step_name: str, run_id: str) -> Path:
    """A target folder of its own for one dbt step (dagster-dbt's naming), so artefacts of
    runs never mix."""
    return (
        Path(dbt_project.manifest_path).parent / f"{step_name}-{run_id[:7]}-{uuid.uuid4().hex[:7]}"
    )


def seed_partial_parse(vars_json: str, target_path: Path) -> None:
    """Give a dbt step the partial-parse file of the last dbt call with the same vars.

    dbt throws its partial-parse state away and parses the whole project (seconds) when the
    vars it is given differ from those it was parsed with, and the warehouse file is one of
    them. dagster-dbt copies the project's ``target/partial_parse.msgpack`` into each step's
    target folder, but that one holds the vars of the last ``prepare_manifest``: any other
    warehouse (a test's, a second settings file) paid a whole parse on every dbt step. dbt
    still checks every project file against the state it is given, so an outdated file costs
    a parse, never a wrong manifest."""
    cached = parse_cache_file(vars_json)
    if not cached.exists():
        return  # dagster-dbt copies the project's own
    target_path.mkdir(parents=True, exist_ok=True)
    try:
        shutil.copyfile(cached, target_path / PARTIAL_PARSE_FILE)
    except FileNotFoundError:  # pruned meanwhile by another process
        return


def remember_partial_parse(vars_json: str, source: Path) -> None:
    """Keep ``source`` (a partial-parse file dbt wrote with these vars) for the next dbt call
    with them (``seed_partial_parse``); only the newest ``PARSE_CACHE_KEEP`` are kept."""
    if not source.is_file():
        return
    cached = parse_cache_file(vars_json)
    cached.parent.mkdir(parents=True, exist_ok=True)
    partial = cached.with_name(f"{cached.name}.{os.getpid()}.{uuid.uuid4().hex[:6]}.tmp")
    shutil.copyfile(source, partial)
    os.replace(partial, cached)  # whole or absent for a concurrent reader
    kept = sorted(cached.parent.glob("*.msgpack"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for old in kept[PARSE_CACHE_KEEP:]:
        old.unlink(missing_ok=True)


def prepare_manifest(settings: Settings | None = None) -> None:
    """Run ``dbt parse`` so ``target/manifest.json`` matches the models on disk, unless the
    manifest was parsed from exactly these files and settings (a parse costs about 10 s)."""
    write_dbt_macros(DBT_PROJECT_DIR)
    vars_json = settings_vars(settings or get_settings())
    fingerprint = parse_fingerprint(vars_json)
    stamp = _stamp_path()
    if (
        dbt_project.manifest_path.exists()
        and stamp.exists()
        and stamp.read_text(encoding="utf-8") == fingerprint
    ):
        return
    stamp.unlink(missing_ok=True)
    dbt_cli().cli(
        ["parse", "--quiet", "--vars", vars_json], target_path=dbt_project.target_path
    ).wait()
    stamp.write_text(fingerprint, encoding="utf-8")
    remember_partial_parse(vars_json, Path(dbt_project.manifest_path).parent / PARTIAL_PARSE_FILE)


def ensure_manifest(settings: Settings | None = None) -> None:
    """Make sure the dbt assets are built from a manifest.

    Under `dagster dev`, re-parse on every load to pick up model edits; elsewhere only a fresh
    clone, which has no manifest yet, needs one (`voc run` and the tests parse beforehand).
    """
    if dagster_dev_cli() or not dbt_project.manifest_path.exists():
        prepare_manifest(settings)


def dagster_dev_cli() -> bool:
    """True in a process started by ``dagster dev`` (Dagster's own variable)."""
    return bool(os.getenv("DAGSTER_IS_DEV_CLI"))
