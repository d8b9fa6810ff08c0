"""The nightly VoC report (group ``report``): static HTML drawn from the serving copy."""
