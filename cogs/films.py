"""``/film``: a film's fact card."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import FilmBot
from bot.films.views import DYNAMIC_ITEMS, card_message
from bot.ui.options import FilmOption


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
    bot.add_dynamic_items(*DYNAMIC_ITEMS)
    await bot.add_cog(Films(bot))
