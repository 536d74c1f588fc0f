"""``/film``: a film's fact card."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import FilmBot
from bot.enrich.views import OnlineFilmOption, resolve_online, send
from bot.films.views import DYNAMIC_ITEMS, card_message


class Films(commands.Cog):
    def __init__(self, bot: FilmBot) -> None:
        self.bot = bot

    @app_commands.command(
        name="film", description="Show a film's fact card: credits, runtime, release, sources"
    )
    @app_commands.describe(title="The film: pick from the list, or type any spelling")
    async def film(self, interaction: discord.Interaction[FilmBot], title: OnlineFilmOption) -> None:
        film = await resolve_online(interaction, title)  # fetched online first when it needs it
        embed, view = await card_message(self.bot, film, interaction.guild_id)
        await send(interaction, embed, view)


async def setup(bot: FilmBot) -> None:
    bot.add_dynamic_items(*DYNAMIC_ITEMS)
    await bot.add_cog(Films(bot))
