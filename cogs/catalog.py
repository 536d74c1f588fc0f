"""``/films browse`` and ``/films random``: finding something to watch in a large catalog."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.catalog.models import BrowseFilters
from bot.catalog.service import check_year
from bot.catalog.views import DYNAMIC_ITEMS, browse_message, random_message
from bot.client import FilmBot


class Catalog(commands.Cog):
    films = app_commands.Group(name="films", description="Browse the film catalog")

    def __init__(self, bot: FilmBot) -> None:
        self.bot = bot
        self.service = bot.catalog

    @films.command(name="browse", description="List films by genre, year or director, most-rated first")
    @app_commands.describe(
        genre="Only films of this genre",
        year="Only films from this year",
        director="Only films by this director",
    )
    async def browse(
        self,
        interaction: discord.Interaction[FilmBot],
        genre: str | None = None,
        year: app_commands.Range[int, 1870, 2100] | None = None,
        director: str | None = None,
    ) -> None:
        filters = BrowseFilters(genre=genre or None, year=check_year(year), director=director or None)
        embed, view = browse_message(await self.service.browse(filters))
        await interaction.response.send_message(embed=embed, view=view)

    @films.command(name="random", description="A random film from the catalog, for movie-night indecision")
    @app_commands.describe(genre="Only films of this genre")
    async def random(self, interaction: discord.Interaction[FilmBot], genre: str | None = None) -> None:
        film = await self.service.random(genre or None)
        embed, view = await random_message(self.bot, film, genre, interaction.guild_id)
        await interaction.response.send_message(embed=embed, view=view)

    @browse.autocomplete("genre")
    @random.autocomplete("genre")
    async def _genres(
        self, interaction: discord.Interaction[FilmBot], value: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=g[:100], value=g[:100]) for g in await self.service.genres(value)]

    @browse.autocomplete("director")
    async def _directors(
        self, interaction: discord.Interaction[FilmBot], value: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=d[:100], value=d[:100]) for d in await self.service.directors(value)]


async def setup(bot: FilmBot) -> None:
    bot.add_dynamic_items(*DYNAMIC_ITEMS)
    await bot.add_cog(Catalog(bot))
