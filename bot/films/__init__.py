"""Films: the catalog's records, title matching, the fact-card service and its rendering."""
