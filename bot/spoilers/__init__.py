"""Spoiler-safe plot summaries: layered by story phase, revealed only on request."""
