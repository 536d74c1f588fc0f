"""Scores: outside scores on their own scales, member ratings, the aggregate and its chart."""
