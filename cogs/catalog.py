"""``/films browse`` and ``/films random``: finding something to watch in a large catalog."""

from __future__ import annotations

import logging
import re
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.catalog import render
from bot.catalog.browse import BrowseFilters, CatalogService, check_year
from bot.client import FilmBot
from bot.errors import NotFound
from bot.films.views import card_message
from bot.ui.answers import answers_errors
from bot.ui.options import client_of

log = logging.getLogger(__name__)


def _service(interaction: discord.Interaction[Any]) -> CatalogService:
    return client_of(interaction).catalog


class PageButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"filmbot:films:browse:(?P<page>\d{1,6}):(?P<key>[0-9a-f]{16})",
):
    """Turns a browse listing to another page; the filters are kept in the store under ``key``."""

    def __init__(self, page: int, key: str, *, label: str = "Page", disabled: bool = False) -> None:
        super().__init__(
            discord.ui.Button(
                label=label,
                style=discord.ButtonStyle.secondary,
                disabled=disabled,
                custom_id=render.BROWSE_ID.format(page=max(page, 0), key=key),
            )
        )
        self.page = page
        self.key = key

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> PageButton:
        return cls(int(match["page"]), match["key"])

    @answers_errors
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        page = await _service(interaction).browse_saved(self.key, self.page)
        await interaction.response.edit_message(
            embed=render.browse_embed(page), view=render.browse_view(page, ITEMS)
        )


class OpenSelect(discord.ui.DynamicItem[discord.ui.Select[Any]], template=r"filmbot:films:open"):
    """Shows the picked film's card to whoever picked it."""

    def __init__(self, options: list[discord.SelectOption] | None = None) -> None:
        super().__init__(
            discord.ui.Select(
                custom_id=render.OPEN_ID,
                placeholder="Open a film's card…",
                options=options or [discord.SelectOption(label="(none)", value="0")],
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> OpenSelect:
        options = item.options if isinstance(item, discord.ui.Select) else None
        return cls(options)

    @answers_errors
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        values = self.item.values
        if not values or not values[0].isdigit():
            raise NotFound("Pick a film from the menu.")
        bot = client_of(interaction)
        film = await bot.films.by_id(int(values[0]))
        embed, view = await card_message(bot, film, interaction.guild_id)
        await interaction.response.send_message(embed=embed, view=view, ephemeral=True)


class AnotherButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"filmbot:films:random:(?P<genre>.*)"
):
    """Another random film (of the same genre), for whoever clicks, ephemerally."""

    def __init__(self, genre: str | None) -> None:
        super().__init__(
            discord.ui.Button(
                label="Another one",
                emoji="🎲",
                style=discord.ButtonStyle.secondary,
                custom_id=render.RANDOM_ID.format(genre=genre or ""),
            )
        )
        self.genre = genre or None

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> AnotherButton:
        return cls(match["genre"])

    @answers_errors
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        bot = client_of(interaction)
        film = await _service(interaction).random(self.genre)
        embed, view = await card_message(bot, film, interaction.guild_id)
        render.add_another(view, self.genre, AnotherButton)
        await interaction.response.send_message(embed=embed, view=view, ephemeral=True)


ITEMS: dict[str, Any] = {"page": PageButton, "open": OpenSelect}


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
        page = await self.service.browse(filters)
        await interaction.response.send_message(
            embed=render.browse_embed(page), view=render.browse_view(page, ITEMS)
        )

    @films.command(name="random", description="A random film from the catalog, for movie-night indecision")
    @app_commands.describe(genre="Only films of this genre")
    async def random(self, interaction: discord.Interaction[FilmBot], genre: str | None = None) -> None:
        film = await self.service.random(genre or None)
        embed, view = await card_message(self.bot, film, interaction.guild_id)
        render.add_another(view, genre, AnotherButton)
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
    bot.add_dynamic_items(PageButton, OpenSelect, AnotherButton)
    await bot.add_cog(Catalog(bot))
