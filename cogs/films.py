"""``/film``: a film's fact card."""

from __future__ import annotations

import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import FilmBot
from bot.films import render
from bot.ui.options import FilmOption

log = logging.getLogger(__name__)


class Films(commands.Cog):
    def __init__(self, bot: FilmBot) -> None:
        self.bot = bot

    @app_commands.command(
        name="film", description="Show a film's fact card: credits, runtime, release, sources"
    )
    @app_commands.describe(title="The film: pick from the list, or type any spelling")
    async def film(self, interaction: discord.Interaction[FilmBot], title: FilmOption) -> None:
        card = await self.bot.films.card(title)
        await interaction.response.send_message(embed=render.card_embed(card))


async def setup(bot: FilmBot) -> None:
    await bot.add_cog(Films(bot))
