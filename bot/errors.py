"""Errors. ``UserError`` and its subclasses carry a message meant for the member who typed the command;
``StartupError`` and its subclasses carry one plain sentence for the administrator and an exit status."""

from __future__ import annotations

from collections.abc import Sequence


class FilmbotError(Exception):
    """Base of every error filmbot raises on purpose."""


class StartupError(FilmbotError):
    """filmbot cannot start (or go on). ``filmbot`` prints the message as one line and exits with
    ``exit_status``; each kind has its own, listed in the README ("Exit statuses")."""

    exit_status = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ConfigError(StartupError):
    """The settings are wrong; the message says which key and what would work."""

    exit_status = 2


class DatabaseUnusable(StartupError):
    """The database cannot be opened, read, written or migrated; the message says why and what to do."""

    exit_status = 3


class DatabaseTooNew(DatabaseUnusable, RuntimeError):
    """The database was written by a newer filmbot (a ``RuntimeError`` too, as it always was)."""


class DatabaseInUse(StartupError):
    """Another filmbot is already serving from this database."""

    exit_status = 4


class DiscordUnreachable(StartupError):
    """Discord (or the server ``DISCORD_API_BASE`` names) could not be reached or is failing."""

    exit_status = 5


class TokenRefused(StartupError):
    """Discord refused the bot token."""

    exit_status = 6


class WriteFailed(FilmbotError):
    """The database could not commit a write (a full disk, a read-only or damaged file…): the write was
    rolled back, nothing of it was saved. ``why`` is a short phrase for the member ("the disk is full"),
    ``detail`` the administrator's sentence for the log."""

    def __init__(self, detail: str, why: str) -> None:
        super().__init__(detail)
        self.detail = detail
        self.why = why


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
