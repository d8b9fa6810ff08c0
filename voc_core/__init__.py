"""The ground floor of voc-warehouse: the landing contract and the settings.

Every other package may import this one; it imports none of them. The layers above it
(``ingestion``, ``text_analytics``, ``quality``, ``serving``, then ``orchestration``, then the
``voc`` command) are checked by the import-linter contract in ``pyproject.toml``.
"""
