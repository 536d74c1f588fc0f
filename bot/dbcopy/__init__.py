"""``filmbot db copy``: every table of one database copied into another, of either engine, and verified."""
