"""Imported by the process-pool server so every worker starts with jieba and the model loaded."""

from text_analytics.pipeline import warm_up

warm_up()
