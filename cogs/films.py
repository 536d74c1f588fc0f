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
from bot.scores.views import ScoresButton
from bot.spoilers.buttons import OpenPlotButton
from bot.ui.answers import answers_errors
from bot.ui.embeds import Field
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

    @answers_errors
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        bot = client_of(interaction)
        embed, view = await card_message(bot, await bot.films.by_id(self.film_id), interaction.guild_id)
        await interaction.response.send_message(embed=embed, view=view, ephemeral=True)


def card_view(film: FilmSummary) -> discord.ui.View:
    """The buttons under a fact card: scores and the plot, each restart-proof."""
    view = discord.ui.View(timeout=None)
    view.add_item(ScoresButton(film.id))
    view.add_item(OpenPlotButton(film.id))
    return view


async def card_message(
    bot: FilmBot, film: FilmSummary, guild_id: int | None
) -> tuple[discord.Embed, discord.ui.View]:
    """The fact card with this server's score line, and its buttons: the same wherever a card is shown."""
    card = await bot.films.card(film)
    scores = await bot.scores.summary(film, guild_id)
    return render.card_embed(card, extra_fields=[Field("Scores", scores.line)]), card_view(film)


class Films(commands.Cog):
    def __init__(self, bot: FilmBot) -> None:
        self.bot = bot

    @app_commands.command(
        name="film", description="Show a film's fact card: credits, runtime, release, sources"
    )
    @app_commands.describe(title="The film: pick from the list, or type any spelling")
    async def film(self, interaction: discord.Interaction[FilmBot], title: FilmOption) -> None:
        embed, view = await card_message(self.bot, title, interaction.guild_id)
        await interaction.response.send_message(embed=embed, view=view)


async def setup(bot: FilmBot) -> None:
    bot.add_dynamic_items(CardButton)
    await bot.add_cog(Films(bot))
