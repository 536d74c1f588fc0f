"""The curated catalog: one human-editable TOML card per film in ``data/films/``."""
