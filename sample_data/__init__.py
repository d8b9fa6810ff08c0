"""Deterministic sample data: landing files for every source, and the ground truth behind them.

``generate(out_dir, days, customers, seed, end_date, truth_dir)`` writes one folder per
landing source (``voc_core.contracts.SOURCES``) with realistic, messy Chinese customer
feedback, and a ground-truth folder the pipeline never reads but tests do. See ``run.py``
for the orchestration and ``truth.py`` for the ground-truth formats.
"""

from sample_data.run import DEFAULT_END_DATE, GenerationSummary, generate

__all__ = ["DEFAULT_END_DATE", "GenerationSummary", "generate"]
