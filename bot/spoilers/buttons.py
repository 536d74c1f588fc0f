"""Restart-proof buttons for plots: everything they need is in their ``custom_id``.

``filmbot:plot:next:<film>:<level>`` reveals the phase after spoiler level ``<level>``, only to the member
who clicks; ``filmbot:plot:open:<film>`` (under a ``/film`` card) opens the plot for whoever clicks.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import discord

from bot.spoilers import render
from bot.spoilers.service import PlotReveal, PlotService
from bot.ui.answers import answers_errors
from bot.ui.options import client_of

log = logging.getLogger(__name__)

OPEN_LABEL = "Plot (spoilers)"


def _service(interaction: discord.Interaction[Any]) -> PlotService:
    return client_of(interaction).plots


class NextPhaseButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"filmbot:plot:next:(?P<film>\d+):(?P<level>\d+)"
):
    """Reveals one more phase, to the clicker only; gone once the last phase is shown."""

    def __init__(self, film_id: int, level: int, *, label: str = "Next phase") -> None:
        super().__init__(
            discord.ui.Button(
                label=label[:80],
                style=discord.ButtonStyle.primary,
                custom_id=f"filmbot:plot:next:{film_id}:{level}",
            )
        )
        self.film_id = film_id
        self.level = level

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> NextPhaseButton:
        label = item.label if isinstance(item, discord.ui.Button) and item.label else "Next phase"
        return cls(int(match["film"]), int(match["level"]), label=label)

    @answers_errors
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await self._reveal_next(interaction)

    async def _reveal_next(self, interaction: discord.Interaction[Any]) -> None:
        film = await client_of(interaction).films.by_id(self.film_id)
        service = _service(interaction)
        message = interaction.message
        if message is not None and message.flags.ephemeral:
            # The member's own copy: grow it in place when the whole plot so far fits one message.
            grown = await service.grown(film, self.level)
            embeds = render.plot_embeds(grown)
            if len(embeds) == 1:
                await interaction.response.edit_message(embed=embeds[0], view=next_view(grown))
                return
            await interaction.response.edit_message(view=None)
            await send_reveal(interaction, await service.next_after(film, self.level), ephemeral=True)
            return
        # A public plot: the next phase goes to the clicker alone.
        await send_reveal(interaction, await service.next_after(film, self.level), ephemeral=True)


class OpenPlotButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"filmbot:plot:open:(?P<film>\d+)"
):
    """Under a ``/film`` card: opens the film's plot for whoever clicks, ephemerally."""

    def __init__(self, film_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label=OPEN_LABEL,
                style=discord.ButtonStyle.secondary,
                custom_id=f"filmbot:plot:open:{film_id}",
            )
        )
        self.film_id = film_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> OpenPlotButton:
        return cls(int(match["film"]))

    @answers_errors
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await self._open(interaction)

    async def _open(self, interaction: discord.Interaction[Any]) -> None:
        film = await client_of(interaction).films.by_id(self.film_id)
        await send_reveal(interaction, await _service(interaction).reveal(film), ephemeral=True)


def next_view(reveal: PlotReveal) -> discord.ui.View | None:
    label = render.next_label(reveal)
    if label is None:
        return None
    view = discord.ui.View(timeout=None)
    view.add_item(NextPhaseButton(reveal.film.id, reveal.level, label=label))
    return view


async def send_reveal(interaction: discord.Interaction[Any], reveal: PlotReveal, *, ephemeral: bool) -> None:
    """Answer with the reveal: one message per embed, the Next phase button on the last. No content."""
    embeds = render.plot_embeds(reveal)
    view = next_view(reveal)
    for index, embed in enumerate(embeds):
        last = index == len(embeds) - 1
        if index == 0 and not interaction.response.is_done():
            if last and view is not None:
                await interaction.response.send_message(embed=embed, view=view, ephemeral=ephemeral)
            else:
                await interaction.response.send_message(embed=embed, ephemeral=ephemeral)
        elif last and view is not None:
            await interaction.followup.send(embed=embed, view=view, ephemeral=ephemeral)
        else:
            await interaction.followup.send(embed=embed, ephemeral=ephemeral)
    log.debug(
        "plot of film %d sent (levels up to %d, %d message(s), ephemeral=%s)",
        reveal.film.id,
        reveal.level,
        len(embeds),
        ephemeral,
    )
