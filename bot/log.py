"""Logging set-up: one format, the level from settings, the token redacted and Discord's payloads kept out.

At DEBUG, discord.py logs every gateway event whole (``discord.gateway``: "WebSocket Event: {…}"),
member ids, names and message text included; an interaction's event pairs the member with the
``custom_id`` they clicked (``filmbot:poll:vote:1:0``), which would unmask an anonymous poll's voter.
``PayloadFilter`` replaces any payload (a dict or list argument of a ``discord.*`` record) with its shape
(a gateway event keeps its opcode, name and sequence number), so DEBUG still shows what happened and
when, never who. ``discord.http`` and ``discord.webhook`` log request URLs and bodies (interaction
tokens, message text) at DEBUG: they stay at INFO.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

from bot.settings import Settings

# discord.py loggers that log request URLs (with interaction tokens) and bodies at DEBUG.
QUIET_AT_DEBUG = ("discord.http", "discord.webhook")


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


def shape(payload: dict[Any, Any] | list[Any]) -> str:
    """What a payload is, without what it says: a gateway event's opcode, name and sequence number."""
    if isinstance(payload, list):
        return f"<list of {len(payload)}>"
    if "op" in payload and "d" in payload:
        name = f" {payload['t']}" if payload.get("t") else ""
        return f"<op {payload['op']}{name} seq {payload.get('s')}>"
    return f"<payload with {len(payload)} keys>"


class PayloadFilter(logging.Filter):
    """Replace the Discord payloads that ``discord.*`` loggers pass as arguments with their shape."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if record.name.startswith("discord.") and isinstance(args, tuple):
            record.args = tuple(shape(a) if isinstance(a, dict | list) else a for a in args)
        return True


def setup_logging(settings: Settings) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s"))
    handler.addFilter(PayloadFilter())
    handler.addFilter(RedactFilter(settings.secrets()))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(settings.log_level)
    for name in QUIET_AT_DEBUG:
        logging.getLogger(name).setLevel(max(logging.INFO, root.level))
