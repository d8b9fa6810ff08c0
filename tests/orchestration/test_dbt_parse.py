"""`voc run` parses the dbt project only when what dbt parse reads has changed."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from orchestration.dbt.project import (
    dbt_project,
    parse_fingerprint,
    prepare_manifest,
    settings_vars,
)
from voc_core.settings import DBT_PROJECT_DIR, Settings

VARS = settings_vars(Settings())


def test_fingerprint_follows_project_files_and_settings(tmp_path: Path) -> None:
    project = tmp_path / "dbt_project"
    shutil.copytree(DBT_PROJECT_DIR / "models", project / "models")
    (project / "dbt_project.yml").write_text("name: x\n", encoding="utf-8")
    before = parse_fingerprint(VARS, project)
    assert parse_fingerprint(VARS, project) == before

    (project / "target").mkdir()
    (project / "target" / "manifest.json").write_text("{}", encoding="utf-8")
    assert parse_fingerprint(VARS, project) == before, "dbt's own output is not an input"

    model = next((project / "models").rglob("*.sql"))
    stat = model.stat()
    os.utime(model, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    edited = parse_fingerprint(VARS, project)
    assert edited != before

    taipei = settings_vars(Settings(business_timezone="Asia/Taipei"))
    assert parse_fingerprint(taipei, project) != edited


def test_an_unchanged_project_is_not_parsed_again() -> None:
    settings = Settings()
    prepare_manifest(settings)
    manifest = Path(dbt_project.manifest_path)
    parsed = manifest.stat().st_mtime_ns
    prepare_manifest(settings)
    assert manifest.stat().st_mtime_ns == parsed

    # The survey's time zone reaches the staging macros as a dbt var: a new parse.
    prepare_manifest(Settings(source_timezones={"survey": "Asia/Taipei"}))
    assert manifest.stat().st_mtime_ns > parsed
    prepare_manifest(Settings.from_environ())  # as the rest of the suite expects


def test_the_dbt_resource_knows_the_version_of_the_dbt_it_runs() -> None:
    """The version dagster-dbt would learn from ``dbt --version`` is read from the installed
    package instead; they must agree, or dagster-dbt would pick the wrong code path."""
    import re
    import subprocess

    from orchestration.dbt.project import DBT_EXECUTABLE, dbt_cli

    output = subprocess.run(
        [DBT_EXECUTABLE, "--version"], capture_output=True, text=True, check=True
    ).stdout
    core = re.search(r"installed:\s*(\d+\.\d+\.\d+)", output)
    assert core, output
    resource = dbt_cli()
    assert str(resource._cli_version) == core.group(1)
    assert resource._initialize_dbt_core_adapter(["build"]) is None
