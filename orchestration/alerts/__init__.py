"""Alerts on negative spikes: delivery to a chat webhook and the latest day's check."""
