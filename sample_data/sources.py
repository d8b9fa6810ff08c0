"""Rows of every landing source, one day at a time.

``DayFactory`` turns the world (customers, orders, stores, actions) into the day's items for
each source: who wrote, about what, how they felt, and the text that says it. Each channel
lives in its own module; this class only puts them together. Cross-source causality: orders
trigger reviews and surveys, tickets trigger surveys and sour the customer's mood.
"""

from __future__ import annotations

from sample_data.channels_community import CommunityChannels
from sample_data.channels_reviews import ReviewChannels
from sample_data.channels_service import ServiceChannels


class DayFactory(ServiceChannels, ReviewChannels, CommunityChannels):
    """Builds each day's items for every source (``orders``, ``tickets``, ``surveys``, ...)."""
