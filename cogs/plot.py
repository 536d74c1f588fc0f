"""``/plot`` (a film's plot by story phase, spoilers tagged) and ``/spoilers channel add|remove|list``."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import FilmBot
from bot.errors import NotFound
from bot.spoilers import render
from bot.spoilers.views import DYNAMIC_ITEMS, send_reveal
from bot.ui.options import FilmOption

ChannelOption = discord.TextChannel | discord.ForumChannel | discord.VoiceChannel | discord.StageChannel


class Plot(commands.Cog):
    spoilers = app_commands.Group(
        name="spoilers",
        description="Spoiler channels: where /plot public:True may post a plot",
        guild_only=True,
        default_permissions=discord.Permissions(manage_channels=True),
    )
    channel = app_commands.Group(
        name="channel", description="Mark or unmark spoiler channels", parent=spoilers
    )

    def __init__(self, bot: FilmBot) -> None:
        self.bot = bot
        self.service = bot.plots

    @app_commands.command(
        name="plot", description="A film's plot by story phase; spoilers stay hidden until you open them"
    )
    @app_commands.describe(
        film="The film: pick from the list, or type any spelling",
        upto="Show the plot up to this phase (default: every phase, each hidden behind a spoiler tag)",
        public="Post it for the channel (only in spoiler channels; later phases stay hidden)",
    )
    async def plot(
        self,
        interaction: discord.Interaction[FilmBot],
        film: FilmOption,
        upto: str | None = None,
        public: bool = False,
    ) -> None:
        if await self.service.would_fetch(film):  # fetched online first: keep Discord's 3-second deadline
            if public:
                await self.service.check_public(interaction.guild_id, _where(interaction))
            await interaction.response.defer(ephemeral=not public, thinking=True)
        reveal = await self.service.plot(
            film, upto, public=public, guild_id=interaction.guild_id, channel_ids=_where(interaction)
        )
        await send_reveal(interaction, reveal, ephemeral=not public)

    @plot.autocomplete("upto")
    async def upto_autocomplete(
        self, interaction: discord.Interaction[FilmBot], current: str
    ) -> list[app_commands.Choice[str]]:
        typed = getattr(interaction.namespace, "film", None)
        if not isinstance(typed, str) or not typed.strip():
            return []
        try:
            film = await self.bot.films.resolve(typed)
        except NotFound:
            return []
        return [
            app_commands.Choice(name=name, value=name)
            for name in await self.service.phase_names(film, current)
        ]

    @channel.command(name="add", description="Mark a channel where /plot public:True may post plots")
    @app_commands.describe(channel="The channel (default: this one)")
    @app_commands.checks.has_permissions(manage_channels=True)
    async def channel_add(
        self, interaction: discord.Interaction[FilmBot], channel: ChannelOption | None = None
    ) -> None:
        assert interaction.guild_id is not None
        channel_id = channel.id if channel is not None else interaction.channel_id
        assert channel_id is not None
        added = await self.service.add_channel(
            interaction.guild_id, channel_id, interaction.user.id, self.bot.clock.now()
        )
        await interaction.response.send_message(
            embed=render.channel_changed(channel_id, added=True, changed=added), ephemeral=True
        )

    @channel.command(name="remove", description="Unmark a spoiler channel")
    @app_commands.describe(channel="The channel (default: this one)")
    @app_commands.checks.has_permissions(manage_channels=True)
    async def channel_remove(
        self, interaction: discord.Interaction[FilmBot], channel: ChannelOption | None = None
    ) -> None:
        assert interaction.guild_id is not None
        channel_id = channel.id if channel is not None else interaction.channel_id
        assert channel_id is not None
        removed = await self.service.remove_channel(interaction.guild_id, channel_id)
        await interaction.response.send_message(
            embed=render.channel_changed(channel_id, added=False, changed=removed), ephemeral=True
        )

    @channel.command(name="list", description="List this server's spoiler channels")
    @app_commands.checks.has_permissions(manage_channels=True)
    async def channel_list(self, interaction: discord.Interaction[FilmBot]) -> None:
        assert interaction.guild_id is not None
        channels = await self.service.spoiler_channels(interaction.guild_id)
        await interaction.response.send_message(embed=render.channel_list(channels), ephemeral=True)


def _where(interaction: discord.Interaction[FilmBot]) -> list[int]:
    """The channel a command was used in, and its parent channel when it is a thread."""
    ids = [interaction.channel_id] if interaction.channel_id else []
    parent = getattr(interaction.channel, "parent_id", None)
    if isinstance(parent, int):
        ids.append(parent)
    return ids


async def setup(bot: FilmBot) -> None:
    bot.add_dynamic_items(*DYNAMIC_ITEMS)
    await bot.add_cog(Plot(bot))
