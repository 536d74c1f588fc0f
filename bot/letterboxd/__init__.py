"""Letterboxd without its API: a member's exported ratings, and their public diary feed posted in a server."""
