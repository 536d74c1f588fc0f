"""``/timezone`` (each member's own zone) and ``/settings`` (server-wide settings, Manage Server)."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import FilmBot
from bot.errors import BadInput
from bot.letterboxd.render import channel_set_text
from bot.preferences import views
from bot.preferences.service import WATCHLIST_CAP_MAX
from bot.preferences.views import region_autocomplete, zone_autocomplete


class Timezone(
    commands.GroupCog, group_name="timezone", group_description="Your time zone, for times you type"
):
    def __init__(self, bot: FilmBot) -> None:
        self.bot = bot
        self.preferences = bot.preferences
        super().__init__()

    @app_commands.command(name="set", description="Set your time zone: the times you type are read in it")
    @app_commands.describe(zone="Your IANA time zone, e.g. Europe/Paris or America/New_York (type a city)")
    @app_commands.autocomplete(zone=zone_autocomplete)
    async def set_(self, interaction: discord.Interaction[FilmBot], zone: str) -> None:
        name = await self.preferences.set_member_timezone(interaction.user.id, zone)
        await interaction.response.send_message(
            views.member_zone_set_text(name, self.bot.clock.now()), ephemeral=True
        )

    @app_commands.command(name="show", description="Show the time zone your times are read in")
    async def show(self, interaction: discord.Interaction[FilmBot]) -> None:
        reading = await self.preferences.reading_zone(interaction.guild_id, interaction.user.id)
        await interaction.response.send_message(
            views.reading_zone_text(reading, self.bot.clock.now()), ephemeral=True
        )


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class ServerSettings(
    commands.GroupCog, group_name="settings", group_description="Server settings for filmbot"
):
    def __init__(self, bot: FilmBot) -> None:
        self.bot = bot
        self.preferences = bot.preferences
        super().__init__()

    @app_commands.command(name="timezone", description="The server's time zone, for members who set none")
    @app_commands.describe(zone="An IANA time zone, e.g. Europe/Paris (type a city)")
    @app_commands.autocomplete(zone=zone_autocomplete)
    @app_commands.checks.has_permissions(manage_guild=True)
    async def timezone(self, interaction: discord.Interaction[FilmBot], zone: str) -> None:
        assert interaction.guild_id is not None
        name = await self.preferences.set_guild_timezone(interaction.guild_id, zone)
        await interaction.response.send_message(
            views.guild_zone_set_text(name, self.bot.clock.now()), ephemeral=True
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
        await self.preferences.set_modlog_channel(interaction.guild_id, channel.id if channel else None)
        await interaction.response.send_message(views.modlog_set_text(channel), ephemeral=True)

    @app_commands.command(name="letterboxd", description="Where members' Letterboxd diary entries are posted")
    @app_commands.describe(channel="A text channel; leave out to stop posting Letterboxd diaries")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def letterboxd(
        self, interaction: discord.Interaction[FilmBot], channel: discord.TextChannel | None = None
    ) -> None:
        assert interaction.guild is not None
        if channel is not None:
            can = channel.permissions_for(interaction.guild.me)
            if not (can.view_channel and can.send_messages and can.embed_links):
                raise BadInput(
                    f"I cannot post in {channel.mention}: I need View Channel, Send Messages and Embed Links "
                    "there. Give me those, or pick another channel."
                )
        await self.preferences.set_letterboxd_channel(interaction.guild.id, channel.id if channel else None)
        await interaction.response.send_message(channel_set_text(channel), ephemeral=True)

    @app_commands.command(name="region", description="The country whose where-to-watch film cards show")
    @app_commands.describe(
        country="A country (type its name) or ISO code such as US, GB, FR; leave out to see the current one",
        clear="True: remove the region (cards then show no where-to-watch)",
    )
    @app_commands.autocomplete(country=region_autocomplete)
    @app_commands.checks.has_permissions(manage_guild=True)
    async def region(
        self, interaction: discord.Interaction[FilmBot], country: str | None = None, clear: bool = False
    ) -> None:
        assert interaction.guild_id is not None
        region, changed = await self.preferences.region(interaction.guild_id, country, clear=clear)
        text = views.region_text(region, changed=changed, tmdb=self.bot.settings.online.tmdb)
        await interaction.response.send_message(text, ephemeral=True)

    watchlist = app_commands.Group(
        name="watchlist", description="Watchlist rules: a cap on suggestions, members who may not suggest"
    )

    @watchlist.command(name="cap", description="How many films one member may have suggested on the list")
    @app_commands.describe(limit="Suggestions per member on the list at once; leave out for no cap")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def watchlist_cap(
        self,
        interaction: discord.Interaction[FilmBot],
        limit: app_commands.Range[int, 1, WATCHLIST_CAP_MAX] | None = None,
    ) -> None:
        assert interaction.guild_id is not None
        await self.preferences.set_watchlist_cap(interaction.guild_id, limit)
        await interaction.response.send_message(views.watchlist_cap_text(limit), ephemeral=True)

    @watchlist.command(name="block", description="Stop a member from suggesting films to the watchlist")
    @app_commands.describe(member="The member (they can still want to see films on the list)")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def watchlist_block(
        self, interaction: discord.Interaction[FilmBot], member: discord.Member
    ) -> None:
        assert interaction.guild_id is not None
        changed = await self.preferences.block_from_watchlist(
            interaction.guild_id, member.id, interaction.user.id
        )
        text = views.watchlist_block_text(member, blocked=True, changed=changed)
        await interaction.response.send_message(text, ephemeral=True)

    @watchlist.command(name="unblock", description="Let a member suggest films to the watchlist again")
    @app_commands.describe(member="The member")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def watchlist_unblock(
        self, interaction: discord.Interaction[FilmBot], member: discord.Member
    ) -> None:
        assert interaction.guild_id is not None
        changed = await self.preferences.unblock_from_watchlist(interaction.guild_id, member.id)
        text = views.watchlist_block_text(member, blocked=False, changed=changed)
        await interaction.response.send_message(text, ephemeral=True)

    @watchlist.command(name="show", description="The watchlist's cap and the members who may not suggest")
    async def watchlist_show(self, interaction: discord.Interaction[FilmBot]) -> None:
        assert interaction.guild_id is not None
        rules = await self.preferences.watchlist_rules(interaction.guild_id)
        await interaction.response.send_message(embed=views.watchlist_rules_embed(rules), ephemeral=True)


async def setup(bot: FilmBot) -> None:
    bot.add_dynamic_items(*views.DYNAMIC_ITEMS)
    await bot.add_cog(Timezone(bot))
    await bot.add_cog(ServerSettings(bot))
