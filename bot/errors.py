"""Errors. ``UserError`` and its subclasses carry a message meant for the member who typed the command."""

from __future__ import annotations

from collections.abc import Sequence


class FilmbotError(Exception):
    """Base of every error filmbot raises on purpose."""


class ConfigError(FilmbotError):
    """The settings are wrong; the message says which key and what would work."""


class UserError(FilmbotError):
    """Something the member can fix. The message is shown to them, ephemerally."""

    title = "That didn't work"

    def __init__(self, message: str, *, hints: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.hints = tuple(hints)


class BadInput(UserError):
    """An option value that cannot be used as given."""

    title = "Check that option"


class NotFound(UserError):
    """The thing asked for does not exist (a film, a poll, a party)."""

    title = "Not found"


class Ambiguous(NotFound):
    """More than one thing matches what was typed; the hints list them."""

    title = "Which one?"


class NotAllowed(UserError):
    """The member lacks a permission or role the action needs."""

    title = "Not allowed"


class Conflict(UserError):
    """The action clashes with the current state (a closed poll, a cancelled party)."""

    title = "Can't do that now"
