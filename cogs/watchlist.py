"""``/watchlist``: the server's list of films members want to watch together."""

from __future__ import annotations

from typing import cast

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import FilmBot
from bot.ui.options import FilmOption
from bot.watchlist import render, views
from bot.watchlist.models import Sort

SORTS = [
    app_commands.Choice(name="Most wanted first", value="wanted"),
    app_commands.Choice(name="Newest suggestions first", value="newest"),
    app_commands.Choice(name="Oldest suggestions first", value="oldest"),
    app_commands.Choice(name="Best score first", value="score"),
]


@app_commands.guild_only()
class Watchlist(
    commands.GroupCog, group_name="watchlist", group_description="Films this server wants to watch together"
):
    def __init__(self, bot: FilmBot) -> None:
        self.bot = bot
        self.service = bot.watchlist
        super().__init__()

    @app_commands.command(name="add", description="Suggest a film for the watchlist (or want to see it)")
    @app_commands.describe(film="The film: pick from the list, or type any spelling")
    async def add(self, interaction: discord.Interaction[FilmBot], film: FilmOption) -> None:
        assert interaction.guild_id is not None
        # Committed before the answer: a suggestion announced is a suggestion kept.
        suggested = await self.service.add(interaction.guild_id, film, interaction.user.id)
        embed, view = views.suggested_message(suggested)
        if view is None:
            await interaction.response.send_message(embed=embed, ephemeral=True)
        else:
            await interaction.response.send_message(embed=embed, view=view)

    @app_commands.command(name="list", description="The films waiting to be watched, ten a page")
    @app_commands.describe(
        sort="Order: most wanted (default), newest or oldest suggestions, or best score",
        member="Only the films this member suggested or wants to see",
    )
    @app_commands.choices(sort=SORTS)
    async def list_(
        self,
        interaction: discord.Interaction[FilmBot],
        sort: str = "wanted",
        member: discord.Member | None = None,
    ) -> None:
        assert interaction.guild_id is not None
        page = await self.service.page(
            interaction.guild_id, cast(Sort, sort), member.id if member else None, 0
        )
        embed, view = views.list_message(page)
        await interaction.response.send_message(embed=embed, view=view)

    @app_commands.command(
        name="remove", description="Take a film off the watchlist (yours, or as a moderator)"
    )
    @app_commands.describe(film="A film on the watchlist: pick from the list")
    async def remove(self, interaction: discord.Interaction[FilmBot], film: views.WatchlistFilm) -> None:
        assert interaction.guild_id is not None
        entry = await self.service.remove(
            interaction.guild_id,
            film,
            interaction.user.id,
            can_manage=interaction.permissions.manage_messages,
        )
        await interaction.response.send_message(
            embed=render.removed_embed(entry, interaction.user.id), ephemeral=True
        )


async def setup(bot: FilmBot) -> None:
    bot.add_dynamic_items(*views.DYNAMIC_ITEMS)
    await bot.add_cog(Watchlist(bot))
