"""The one error path for interactions: slash commands (via ``FilmTree.on_error``) and components alike.

Component callbacks do not pass through the command tree: discord.py only logs a dynamic item's
exception, and the member sees "This interaction failed". Decorate every component callback with
``@answers_errors`` so a ``UserError`` is answered like a command's and anything else is logged with its
traceback and answered with a reference.
"""

from __future__ import annotations

import functools
import logging
import uuid
from collections.abc import Callable, Coroutine
from typing import Any, Concatenate, ParamSpec, TypeVar

import discord
from discord import app_commands

from bot.errors import UserError
from bot.ui.errors import internal_error_embed, user_error_embed

log = logging.getLogger(__name__)

P = ParamSpec("P")
S = TypeVar("S")


def _permissions(names: list[str]) -> str:
    return ", ".join(p.replace("_", " ").title() for p in names)


def error_embed(interaction: discord.Interaction[Any], error: BaseException) -> discord.Embed:
    """What the member sees for ``error``; unexpected errors are logged here with their traceback."""
    cause: BaseException = error
    while (
        isinstance(cause, app_commands.CommandInvokeError | app_commands.TransformerError) and cause.__cause__
    ):
        cause = cause.__cause__
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
    reference = uuid.uuid4().hex[:8]
    what = interaction.command.qualified_name if interaction.command else _component_id(interaction)
    log.error("interaction %s failed (ref %s)", what, reference, exc_info=cause)
    return internal_error_embed(reference)


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
    await send_ephemeral(interaction, error_embed(interaction, error))


def answers_errors(
    callback: Callable[Concatenate[S, discord.Interaction[Any], P], Coroutine[Any, Any, None]],
) -> Callable[Concatenate[S, discord.Interaction[Any], P], Coroutine[Any, Any, None]]:
    """Decorate a component callback so its errors reach the member the same way a command's do."""

    @functools.wraps(callback)
    async def wrapper(
        self: S, interaction: discord.Interaction[Any], *args: P.args, **kwargs: P.kwargs
    ) -> None:
        try:
            await callback(self, interaction, *args, **kwargs)
        except Exception as error:
            await answer_error(interaction, error)

    return wrapper
