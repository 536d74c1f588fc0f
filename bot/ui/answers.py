"""The one error path for interactions: slash commands (via ``FilmTree.on_error``) and components alike.

Component callbacks do not pass through the command tree: discord.py only logs a dynamic item's
exception, and the member sees "This interaction failed". ``RestartProofItem`` (``bot.ui.items``) runs
every item's ``handle`` inside ``answering_errors`` (``@answers_errors`` does the same for a bare
callback), so a ``UserError`` is answered like a command's and anything else is logged with its
traceback and answered with a reference.
"""

from __future__ import annotations

import functools
import logging
import uuid
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, Concatenate, ParamSpec, TypeVar

import discord
from discord import app_commands

from bot.errors import UserError, WriteFailed
from bot.ui.errors import internal_error_embed, not_saved_embed, user_error_embed

log = logging.getLogger(__name__)

# How a fault is logged: what failed and the reference the member is shown.
_FAILED = "interaction %s failed (ref %s)"

P = ParamSpec("P")
S = TypeVar("S")


def _permissions(names: list[str]) -> str:
    return ", ".join(p.replace("_", " ").title() for p in names)


def member_embed(error: BaseException) -> discord.Embed | None:
    """What the member is told about an error they can act on; ``None`` for a fault (a bug, an outage)."""
    cause = root_cause(error)
    if isinstance(cause, UserError):
        return user_error_embed(cause)
    if isinstance(cause, app_commands.TransformerError):
        return user_error_embed(
            UserError(f"“{str(cause.value)[:100]}” is not a valid value for that option.")
        )
    if isinstance(cause, app_commands.MissingPermissions):
        return user_error_embed(
            UserError(f"You need the {_permissions(cause.missing_permissions)} permission to do that.")
        )
    if isinstance(cause, app_commands.BotMissingPermissions):
        return user_error_embed(
            UserError(
                f"I need the {_permissions(cause.missing_permissions)} permission here; ask a server admin."
            )
        )
    if isinstance(cause, app_commands.NoPrivateMessage):
        return user_error_embed(UserError("This only works in a server."))
    if isinstance(cause, app_commands.CommandOnCooldown):
        return user_error_embed(UserError(f"Slow down: try again in {cause.retry_after:.0f} s."))
    if isinstance(cause, app_commands.CheckFailure):
        return user_error_embed(UserError(str(cause) or "You can't use this here."))
    if isinstance(cause, app_commands.CommandNotFound | app_commands.CommandSignatureMismatch):
        return user_error_embed(
            UserError("That command is out of date; Discord will refresh it shortly. Try again in a minute.")
        )
    return None


def root_cause(error: BaseException) -> BaseException:
    """The error a command's wrappers (invoke, transformer) were raised for."""
    cause = error
    while (
        isinstance(cause, app_commands.CommandInvokeError | app_commands.TransformerError) and cause.__cause__
    ):
        cause = cause.__cause__
    return cause


def error_embed(interaction: discord.Interaction[Any], error: BaseException) -> discord.Embed:
    """What the member sees for ``error``; a fault is logged here with its traceback and a reference.

    A write the database refused (``WriteFailed``) is a fault too, but a known one: the member is told
    that it was not saved, and why.
    """
    embed = member_embed(error)
    if embed is not None:
        return embed
    reference = uuid.uuid4().hex[:8]
    cause = root_cause(error)
    log.error(_FAILED, _what_failed(interaction), reference, exc_info=cause)
    if isinstance(cause, WriteFailed):
        return not_saved_embed(cause.why, reference)
    return internal_error_embed(reference)


def _what_failed(interaction: discord.Interaction[Any]) -> str:
    return interaction.command.qualified_name if interaction.command else _component_id(interaction)


def _component_id(interaction: discord.Interaction[Any]) -> str:
    data: dict[str, Any] = dict(interaction.data or {})
    return f"component {data.get('custom_id', '?')}"


async def send_ephemeral(interaction: discord.Interaction[Any], embed: discord.Embed) -> None:
    """Answer ephemerally whether or not the interaction was already answered; log if Discord refuses."""
    try:
        if interaction.response.is_done():
            await interaction.followup.send(embed=embed, ephemeral=True)
        else:
            await interaction.response.send_message(embed=embed, ephemeral=True)
    except discord.HTTPException:
        log.warning("could not deliver an error message for interaction %s", interaction.id, exc_info=True)


async def answer_error(interaction: discord.Interaction[Any], error: BaseException) -> None:
    """Answer an error discord.py caught (``FilmTree.on_error``)."""
    await send_ephemeral(interaction, error_embed(interaction, error))


async def answering_errors(interaction: discord.Interaction[Any], work: Awaitable[None]) -> None:
    """Await a component's work; whatever it raises is answered to the member, a fault logged first.

    The blind ``except`` is the point: this is the one error path for components (discord.py would
    only log the error, and the member would see "This interaction failed").
    """
    try:
        await work
    except Exception as error:  # noqa: BLE001 - answered and, if a fault, logged by error_embed
        await send_ephemeral(interaction, error_embed(interaction, error))


def answers_errors(
    callback: Callable[Concatenate[S, discord.Interaction[Any], P], Coroutine[Any, Any, None]],
) -> Callable[Concatenate[S, discord.Interaction[Any], P], Coroutine[Any, Any, None]]:
    """Decorate a component callback so its errors reach the member the same way a command's do."""

    @functools.wraps(callback)
    async def wrapper(
        self: S, interaction: discord.Interaction[Any], *args: P.args, **kwargs: P.kwargs
    ) -> None:
        await answering_errors(interaction, callback(self, interaction, *args, **kwargs))

    return wrapper
