"""Quality gates: Great Expectations Core 1.x suites over the warehouse, layer by layer.

    from quality.suites import run_layer_checks
    from quality.results import blocking

    outcomes = run_layer_checks(con, "raw", docs_dir=docs_dir, source_timezones=zones)
    if blocking(outcomes):  # a failed error-level expectation: stop what is downstream
        ...

Layers (``quality.suites.LAYERS``):

* ``raw``: one suite per landing source (required fields present, closed and open enums,
  score ranges, timestamps parse and are neither before 2000 nor in the future, duplicate
  keys within a file) and ``raw.volume`` (rows per day of each source against bounds learnt
  from its own history, ``quality.thresholds``);
* ``intermediate``: unique ``feedback_id``, plausible times and ratings, text left after
  cleaning where the source requires text, customer ids resolving to the CRM (counted);
* ``marts``: ranges (NPS in [-100, 100], percentages in [0, 100], shares and scores in their
  scales) and reconciliations (promoters + passives + detractors = nps_responses, ...);
* ``authenticity``: the fake-review rule hits (dbt models in
  ``dbt_project/models/intermediate/authenticity``), one warning per rule with its hit count.

Every expectation has a severity: ``error`` blocks downstream, ``warning`` is reported.
Each call appends its outcomes to ``quality.validation_results`` (run_id, run_at, layer,
suite, expectation, severity, success, blocking, counts, observed_value as JSON) and, given a
docs folder, builds GX Data Docs there (the pipeline passes ``data/quality_docs`` by
default, ``VOC_QUALITY_DOCS_DIR`` in the settings). Data is queried from DuckDB into pandas
and validated there (GX's SQL datasource does not work on DuckDB); Great Expectations is
imported only when checks run (``quality.runner``).
"""
