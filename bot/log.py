"""Logging set-up: one format, the level from settings, and the token redacted from every record."""

from __future__ import annotations

import logging
import sys

from bot.settings import Settings


def redact(text: str, secrets: list[str]) -> str:
    """``text`` with every secret (of 8 characters or more) replaced by asterisks."""
    for secret in secrets:
        if len(secret) >= 8:
            text = text.replace(secret, "********")
    return text


class RedactFilter(logging.Filter):
    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self._secrets = [s for s in secrets if len(s) >= 8]

    def filter(self, record: logging.LogRecord) -> bool:
        if self._secrets:
            message = record.getMessage()
            if any(s in message for s in self._secrets):
                record.msg, record.args = redact(message, self._secrets), None
        return True


def setup_logging(settings: Settings) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s"))
    handler.addFilter(RedactFilter([settings.token.reveal()]))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(settings.log_level)
    logging.getLogger("discord.http").setLevel(max(logging.INFO, root.level))
