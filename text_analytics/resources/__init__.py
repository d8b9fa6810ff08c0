"""Data files of text_analytics (lexicons, user dictionary, model artefact)."""
