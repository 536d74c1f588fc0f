"""Polls: single, multi, ranked (instant-runoff) and approval voting that survive restarts."""
