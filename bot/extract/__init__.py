"""Extraction: pure functions from report text to incidents (places, dates, actors, counts)."""
