"""``/film``: a film's fact card, and the restart-proof button that opens a card anywhere."""

from __future__ import annotations

import logging
import re
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import FilmBot
from bot.films import render
from bot.films.models import FilmSummary
from bot.ui.options import FilmOption, client_of

log = logging.getLogger(__name__)


class CardButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"filmbot:film:card:(?P<film>\d+)"):
    """Opens a film's fact card for whoever clicks, ephemerally (used by polls, watch parties, lists)."""

    def __init__(self, film_id: int, *, label: str = "Film card") -> None:
        super().__init__(
            discord.ui.Button(
                label=label[:80],
                style=discord.ButtonStyle.secondary,
                custom_id=f"filmbot:film:card:{film_id}",
            )
        )
        self.film_id = film_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> CardButton:
        label = item.label if isinstance(item, discord.ui.Button) and item.label else "Film card"
        return cls(int(match["film"]), label=label)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        films = client_of(interaction).films
        card = await films.card(await films.by_id(self.film_id))
        await interaction.response.send_message(embed=render.card_embed(card), ephemeral=True)


def card_view(film: FilmSummary) -> discord.ui.View | None:
    """The buttons under a ``/film`` card (features add theirs here: scores, plot)."""
    return None


class Films(commands.Cog):
    def __init__(self, bot: FilmBot) -> None:
        self.bot = bot

    @app_commands.command(
        name="film", description="Show a film's fact card: credits, runtime, release, sources"
    )
    @app_commands.describe(title="The film: pick from the list, or type any spelling")
    async def film(self, interaction: discord.Interaction[FilmBot], title: FilmOption) -> None:
        card = await self.bot.films.card(title)
        view = card_view(title)
        if view is None:
            await interaction.response.send_message(embed=render.card_embed(card))
        else:
            await interaction.response.send_message(embed=render.card_embed(card), view=view)


async def setup(bot: FilmBot) -> None:
    bot.add_dynamic_items(CardButton)
    await bot.add_cog(Films(bot))
