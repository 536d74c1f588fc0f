"""``/watched``, ``/history`` and ``/stats``: what the server watched, when, and how it rated it."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import FilmBot
from bot.history import render, views
from bot.history.dates import EARLIEST
from bot.ui.options import FilmOption

_YEAR = app_commands.Range[int, EARLIEST.year, 2200]


class History(commands.Cog):
    def __init__(self, bot: FilmBot) -> None:
        self.bot = bot
        self.service = bot.history

    @app_commands.command(
        name="watched", description="Record that this server watched a film, or take it out"
    )
    @app_commands.describe(
        film="The film: pick from the list, or type any spelling",
        date="The day, in the server's time zone: today (default), yesterday, friday, 2026-03-14, Mar 14",
        remove="Take the viewing on that day (without a date: the latest) out of the history",
    )
    @app_commands.guild_only()
    @app_commands.checks.has_permissions(manage_events=True)
    async def watched(
        self,
        interaction: discord.Interaction[FilmBot],
        film: FilmOption,
        date: app_commands.Range[str, 1, 40] | None = None,
        remove: bool = False,
    ) -> None:
        assert interaction.guild_id is not None
        if remove:
            gone = await self.service.unrecord(interaction.guild_id, film, date)
            text = render.unrecorded_text(gone)
        else:
            # Committed before the answer.
            recorded = await self.service.record(interaction.guild_id, film, interaction.user.id, date)
            text = render.recorded_text(recorded)
        await interaction.response.send_message(text, ephemeral=True)

    @app_commands.command(
        name="history", description="What this server watched, newest first, with member scores"
    )
    @app_commands.describe(year="Only this year (in the server's time zone); leave out for every year")
    @app_commands.guild_only()
    async def history(self, interaction: discord.Interaction[FilmBot], year: _YEAR | None = None) -> None:
        assert interaction.guild_id is not None
        embed, view = views.history_message(await self.service.page(interaction.guild_id, year, 0))
        await interaction.response.send_message(embed=embed, view=view)

    @app_commands.command(name="stats", description="A chart of what this server watched and how it rated")
    @app_commands.describe(year="Only this year; leave out for all time (with the last twelve months)")
    @app_commands.guild_only()
    async def stats(self, interaction: discord.Interaction[FilmBot], year: _YEAR | None = None) -> None:
        assert interaction.guild_id is not None
        # The figures are a few indexed reads: an empty server is told so ephemerally, before the public
        # "thinking…" that the chart (drawn in the worker process) needs.
        stats = await self.service.stats(interaction.guild_id, year)
        await interaction.response.defer(thinking=True)
        await views.send_stats(interaction, stats)


async def setup(bot: FilmBot) -> None:
    bot.add_dynamic_items(*views.DYNAMIC_ITEMS)
    await bot.add_cog(History(bot))
