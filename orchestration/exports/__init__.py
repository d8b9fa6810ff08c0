"""Files for people without a BI tool: the per-team CSV of the open follow-up queue."""
