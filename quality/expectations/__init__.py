"""The suites of each layer, declared as ``quality.spec.SuiteSpec`` (one module per layer)."""
