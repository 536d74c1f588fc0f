"""``/timezone`` (each member's own zone) and ``/settings`` (server-wide settings, Manage Server)."""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import FilmBot
from bot.ui.options import client_of
from bot.watchparty import zones

log = logging.getLogger(__name__)


async def _zone_autocomplete(
    interaction: discord.Interaction[Any], current: str
) -> list[app_commands.Choice[str]]:
    now = client_of(interaction).clock.now()
    return [app_commands.Choice(name=label, value=zone) for label, zone in zones.suggest(current, now)]


class Timezone(
    commands.GroupCog, group_name="timezone", group_description="Your time zone, for times you type"
):
    def __init__(self, bot: FilmBot) -> None:
        self.bot = bot
        self.service = bot.watch_parties
        super().__init__()

    @app_commands.command(name="set", description="Set your time zone: the times you type are read in it")
    @app_commands.describe(zone="Your IANA time zone, e.g. Europe/Paris or America/New_York (type a city)")
    @app_commands.autocomplete(zone=_zone_autocomplete)
    async def set_(self, interaction: discord.Interaction[FilmBot], zone: str) -> None:
        name = await self.service.set_member_zone(interaction.user.id, zone)
        label = zones.offset_label(name, self.bot.clock.now())
        await interaction.response.send_message(
            f"Your time zone is now **{label}**. Times you type (like `friday 8pm`) are read in it.",
            ephemeral=True,
        )

    @app_commands.command(name="show", description="Show the time zone your times are read in")
    async def show(self, interaction: discord.Interaction[FilmBot]) -> None:
        member = await self.bot.store.watch_parties.member(interaction.user.id)
        zone = await self.service.zone_for(interaction.guild_id, interaction.user.id)
        label = zones.offset_label(zone, self.bot.clock.now())
        source = "yours" if member.timezone else ("this server's" if zone != "UTC" else "the default")
        await interaction.response.send_message(
            f"Times you type are read in **{label}** ({source}). Change it with `/timezone set`.",
            ephemeral=True,
        )


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class ServerSettings(
    commands.GroupCog, group_name="settings", group_description="Server settings for filmbot"
):
    def __init__(self, bot: FilmBot) -> None:
        self.bot = bot
        self.service = bot.watch_parties
        super().__init__()

    @app_commands.command(name="timezone", description="The server's time zone, for members who set none")
    @app_commands.describe(zone="An IANA time zone, e.g. Europe/Paris (type a city)")
    @app_commands.autocomplete(zone=_zone_autocomplete)
    @app_commands.checks.has_permissions(manage_guild=True)
    async def timezone(self, interaction: discord.Interaction[FilmBot], zone: str) -> None:
        assert interaction.guild_id is not None
        name = await self.service.set_guild_zone(interaction.guild_id, zone)
        label = zones.offset_label(name, self.bot.clock.now())
        await interaction.response.send_message(
            f"This server's time zone is now **{label}**; members can set their own with `/timezone set`.",
            ephemeral=True,
        )

    @app_commands.command(name="modlog", description="Where filmbot reports problems (missed reminders)")
    @app_commands.describe(
        channel="A text channel moderators read; leave out to report in each party's channel"
    )
    @app_commands.checks.has_permissions(manage_guild=True)
    async def modlog(
        self, interaction: discord.Interaction[FilmBot], channel: discord.TextChannel | None = None
    ) -> None:
        assert interaction.guild_id is not None
        await self.bot.store.guild_settings.set(
            interaction.guild_id, "modlog_channel", str(channel.id) if channel else None
        )
        where = channel.mention if channel else "each party's own channel"
        await interaction.response.send_message(f"filmbot will report problems in {where}.", ephemeral=True)


async def setup(bot: FilmBot) -> None:
    await bot.add_cog(Timezone(bot))
    await bot.add_cog(ServerSettings(bot))
