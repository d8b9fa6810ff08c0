"""The end-to-end fixtures live in ``tests.e2e.fixtures`` (a plugin of the root conftest, so
other test folders share the same session runs); re-exported here for the tests' imports."""

from tests.e2e.fixtures import DEMO_SAMPLE, SAMPLE, PipelineRun, run_all

__all__ = ["DEMO_SAMPLE", "SAMPLE", "PipelineRun", "run_all"]
