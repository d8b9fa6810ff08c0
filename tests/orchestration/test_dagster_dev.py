"""`make dev`: `dagster dev` loads the code location with every asset and no load error."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from voc_core.settings import PROJECT_ROOT

QUERY = """
{ workspaceOrError { ... on Workspace { locationEntries { name loadStatus
  locationOrLoadError { __typename ... on PythonError { message }
    ... on RepositoryLocation { repositories {
      assetNodes { assetKey { path } groupName }
      schedules { name cronSchedule executionTimezone scheduleState { status } }
      sensors { name sensorState { status } }
    } } }
} } } }
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def graphql(port: int) -> dict:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": QUERY}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


@pytest.mark.slow
def test_dagster_dev_serves_every_asset(tmp_path: Path) -> None:
    port = free_port()
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").symlink_to(PROJECT_ROOT / "dagster.yaml")
    env = {**os.environ, "DAGSTER_HOME": str(home), "VOC_DUCKDB_PATH": str(tmp_path / "w.duckdb")}
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("dagster")), "dev", "-h", "127.0.0.1", "-p", str(port)],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # dagster dev ignores SIGTERM when backgrounded: kill its group
    )
    try:
        entry = None
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                entries = graphql(port)["data"]["workspaceOrError"]["locationEntries"]
                if entries and entries[0]["loadStatus"] == "LOADED":
                    entry = entries[0]
                    break
            except OSError:
                pass
            time.sleep(2)
        assert entry is not None, "dagster dev did not load the code location in 180 s"
        location = entry["locationOrLoadError"]
        assert location["__typename"] == "RepositoryLocation", location
        nodes = location["repositories"][0]["assetNodes"]
        groups = {n["groupName"] for n in nodes}
        assert {"raw", "staging", "intermediate", "text_analytics", "marts"} <= groups
        keys = {"/".join(n["assetKey"]["path"]) for n in nodes}
        assert "raw/survey" in keys and "marts/fct_feedback" in keys
        assert "serving/marts" in keys
        repository = location["repositories"][0]
        schedules = {s["name"]: s for s in repository["schedules"]}
        nightly = schedules["nightly_refresh"]
        assert (nightly["cronSchedule"], nightly["executionTimezone"]) == (
            "0 2 * * *",
            "Asia/Shanghai",
        )
        assert nightly["scheduleState"]["status"] == "RUNNING"
        sensors = {s["name"]: s["sensorState"]["status"] for s in repository["sensors"]}
        assert sensors["landing_files"] == "RUNNING"
        assert "raw_freshness_sensor" in sensors
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
