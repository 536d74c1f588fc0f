"""The plot feature's Discord edge: its restart-proof buttons and the plot messages.

Everything a plot button needs is in its ``custom_id``: Next phase reveals the phase after spoiler
level ``level``, only to the member who clicks; Open plot (under a ``/film`` card) opens the plot for
whoever clicks. ``plot_messages`` is what a reveal sends (one message per embed, the Next phase button
on the last, never any content); ``send_reveal`` sends it as the answer to an interaction.
"""

from __future__ import annotations

import logging
from typing import Any

import discord

from bot.spoilers import render
from bot.spoilers.models import PlotReveal
from bot.ui.items import RestartProofItem
from bot.ui.options import client_of

log = logging.getLogger(__name__)

OPEN_LABEL = "Plot (spoilers)"
NEXT_LABEL = "Next phase"

PlotMessage = tuple[discord.Embed, discord.ui.View | None]


class NextPhaseButton(RestartProofItem[discord.ui.Button[Any]], custom_id="filmbot:plot:next:{film}:{level}"):
    """Reveals one more phase, to the clicker only; gone once the last phase is shown."""

    def __init__(self, film: int, level: int, *, label: str = NEXT_LABEL) -> None:
        super().__init__(
            discord.ui.Button(
                label=label[:80],
                style=discord.ButtonStyle.primary,
                custom_id=self.make_id(film=film, level=level),
            )
        )
        self.film_id = film
        self.level = level

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        bot = client_of(interaction)
        film = await bot.films.by_id(self.film_id)
        message = interaction.message
        if message is not None and message.flags.ephemeral:
            # The member's own copy: grow it in place when the whole plot so far fits one message.
            grown = plot_messages(await bot.plots.grown(film, self.level))
            if len(grown) == 1:
                ((embed, view),) = grown
                await interaction.response.edit_message(embed=embed, view=view)
                return
            await interaction.response.edit_message(view=None)
        # Otherwise (a public plot, or a copy too long to grow) the next phase goes to the clicker alone.
        await send_reveal(interaction, await bot.plots.next_after(film, self.level), ephemeral=True)


class OpenPlotButton(RestartProofItem[discord.ui.Button[Any]], custom_id="filmbot:plot:open:{film}"):
    """Under a ``/film`` card: opens the film's plot for whoever clicks, ephemerally."""

    def __init__(self, film: int) -> None:
        super().__init__(
            discord.ui.Button(
                label=OPEN_LABEL, style=discord.ButtonStyle.secondary, custom_id=self.make_id(film=film)
            )
        )
        self.film_id = film

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        bot = client_of(interaction)
        film = await bot.films.by_id(self.film_id)
        if await bot.plots.would_fetch(film):  # fetched online first: keep Discord's 3-second deadline
            await interaction.response.defer(ephemeral=True, thinking=True)
        await send_reveal(interaction, await bot.plots.reveal(film), ephemeral=True)


def next_view(reveal: PlotReveal) -> discord.ui.View | None:
    """The Next phase button for what is left after ``reveal``; ``None`` once the last phase is shown."""
    label = render.next_label(reveal)
    if label is None:
        return None
    view = discord.ui.View(timeout=None)
    view.add_item(NextPhaseButton(reveal.film.id, reveal.level, label=label))
    return view


def plot_messages(reveal: PlotReveal) -> list[PlotMessage]:
    """What a reveal sends, in order: one embed per message, the Next phase button on the last."""
    embeds = render.plot_embeds(reveal)
    view = next_view(reveal)
    return [(embed, view if index == len(embeds) - 1 else None) for index, embed in enumerate(embeds)]


async def send_reveal(interaction: discord.Interaction[Any], reveal: PlotReveal, *, ephemeral: bool) -> None:
    """Answer with the reveal: one message per embed, the Next phase button on the last. No content."""
    messages = plot_messages(reveal)
    for index, (embed, view) in enumerate(messages):
        if index == 0 and not interaction.response.is_done():
            if view is not None:
                await interaction.response.send_message(embed=embed, view=view, ephemeral=ephemeral)
            else:
                await interaction.response.send_message(embed=embed, ephemeral=ephemeral)
        elif view is not None:
            await interaction.followup.send(embed=embed, view=view, ephemeral=ephemeral)
        else:
            await interaction.followup.send(embed=embed, ephemeral=ephemeral)
    log.debug(
        "plot of film %d sent (levels up to %d, %d message(s), ephemeral=%s)",
        reveal.film.id,
        reveal.level,
        len(messages),
        ephemeral,
    )


DYNAMIC_ITEMS = (NextPhaseButton, OpenPlotButton)
