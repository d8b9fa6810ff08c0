"""The nightly VoC report: a static HTML page of charts drawn from the serving copy.

Middle layer, beside ``serving``: it reads only the published serving copy (masked text only)
and imports nothing above ``voc_core``.
"""
