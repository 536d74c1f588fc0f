"""Answering a click whose work is a commit: in time for Discord, and only once the write is durable.

A confirmation is sent after the commit that holds the member's write; if the commit runs past
``DEFER_AFTER`` seconds from the moment Discord created the interaction (a burst, a slow disk), the
interaction is deferred first so Discord's 3-second deadline is kept, and the confirmation follows. The
time the click took to reach the bot counts: under load a click may arrive a second late, and then only
the second that is left is waited for. Used by every item that writes (poll ballots, the watchlist's Want
to see).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from datetime import UTC, datetime
from typing import Any, TypeVar

import discord

from bot.ui import limits

T = TypeVar("T")
# Answer within Discord's 3 s: if a commit takes longer than this, defer first and answer after it.
DEFER_AFTER = 2.0


def defer_budget(created: datetime, now: datetime) -> float:
    """How long to wait for a commit before deferring an interaction Discord created at ``created``.

    ``DEFER_AFTER`` from its creation; when the clocks disagree (it seems to come from the future, or
    from past Discord's deadline, when no answer could help), ``DEFER_AFTER`` from now.
    """
    age = (now - created).total_seconds()
    if not 0 <= age < limits.INTERACTION_DEADLINE_SECONDS:
        return DEFER_AFTER
    return max(DEFER_AFTER - age, 0.0)


async def after_commit(
    interaction: discord.Interaction[Any], work: Awaitable[T], *, update: bool = False
) -> T:
    """Await ``work`` (a commit); if it runs past ``defer_budget``, defer so Discord's deadline is kept.

    The deferral is a timer beside the work, not a wait on it (a burst answers a thousand clicks: the
    cheaper the common case, where the commit comes in time, the sooner the last is answered). Once the work
    is done, a deferral under way is awaited, so the answer that follows is its follow-up.
    """
    loop = asyncio.get_running_loop()
    deferral: list[asyncio.Task[None]] = []

    def defer() -> None:
        if not interaction.response.is_done():
            deferral.append(loop.create_task(_defer(interaction, update=update)))

    timer = loop.call_later(defer_budget(interaction.created_at, datetime.now(UTC)), defer)
    try:
        return await work
    finally:
        timer.cancel()
        if deferral:
            await deferral[0]


async def _defer(interaction: discord.Interaction[Any], *, update: bool) -> None:
    if update:
        await interaction.response.defer()
    else:
        await interaction.response.defer(ephemeral=True, thinking=True)


async def answer(
    interaction: discord.Interaction[Any], embed: discord.Embed, view: discord.ui.View | None = None
) -> None:
    """An ephemeral answer, as the response or (after a deferral) as a follow-up."""
    if interaction.response.is_done():
        if view is None:
            await interaction.followup.send(embed=embed, ephemeral=True)
        else:
            await interaction.followup.send(embed=embed, view=view, ephemeral=True)
    elif view is None:
        await interaction.response.send_message(embed=embed, ephemeral=True)
    else:
        await interaction.response.send_message(embed=embed, view=view, ephemeral=True)


async def update_message(
    interaction: discord.Interaction[Any], embed: discord.Embed, view: discord.ui.View | None
) -> None:
    """Edit the clicked message, as the response or (after a deferral) through the original response."""
    if interaction.response.is_done():
        await interaction.edit_original_response(embed=embed, view=view)
    else:
        await interaction.response.edit_message(embed=embed, view=view)
