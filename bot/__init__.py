"""filmbot: a self-hosted Discord bot for film discussion communities."""

__version__ = "0.1.0"
