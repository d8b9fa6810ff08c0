"""text_analytics."""
