"""``/watchparty``: schedule a film night with a Discord event, RSVP buttons and on-time reminders."""

from __future__ import annotations

from typing import Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import FilmBot
from bot.preferences.views import zone_autocomplete
from bot.ui.options import FilmOption, client_of
from bot.watchparty import events, render, views
from bot.watchparty.delivery import CommandReply
from bot.watchparty.models import ScheduleRequest


async def _party_autocomplete(
    interaction: discord.Interaction[Any], current: str
) -> list[app_commands.Choice[int]]:
    if interaction.guild_id is None:
        return []
    bot = client_of(interaction)
    choices = []
    for party in await bot.watch_parties.upcoming(interaction.guild_id):
        label, _ = await views.film_of(bot, party)
        name = f"#{party.id} {label} · {party.starts_at:%Y-%m-%d %H:%M} UTC"
        if current.strip().lower().lstrip("#") in name.lower():
            choices.append(app_commands.Choice(name=name[:100], value=party.id))
    return choices[:25]


async def _where_autocomplete(
    interaction: discord.Interaction[Any], current: str
) -> list[app_commands.Choice[str]]:
    guild = interaction.guild
    if guild is None:
        return []
    typed = current.strip().lower().lstrip("#")
    voices = [c for c in guild.channels if isinstance(c, discord.VoiceChannel | discord.StageChannel)]
    choices = [
        app_commands.Choice(name=f"🔊 {c.name}"[:100], value=f"<#{c.id}>")
        for c in voices
        if typed in c.name.lower()
    ][:24]
    if current.strip() and not choices:
        choices.append(
            app_commands.Choice(name=f"Elsewhere: {current.strip()}"[:100], value=current.strip()[:100])
        )
    return choices


@app_commands.guild_only()
class WatchParties(
    commands.GroupCog, group_name="watchparty", group_description="Film nights with reminders"
):
    def __init__(self, bot: FilmBot) -> None:
        self.bot = bot
        self.service = bot.watch_parties
        super().__init__()

    async def cog_load(self) -> None:
        events.install_interest_listener(self.bot)

    # -- moderators ----------------------------------------------------------------------------------

    @app_commands.command(
        name="schedule", description="Schedule a watch party with a Discord event and reminders"
    )
    @app_commands.describe(
        film="The film: pick from the list, or type any spelling",
        when="When: 2026-12-05 20:00, Dec 5 8pm, tomorrow 21:00, friday 8pm, in 2 hours",
        where="A voice channel to watch in, or any place (a link, a cinema)",
        reminders="When to remind before the start, e.g. 1d,1h,10m (default) or none",
        repeat="Schedule the next one automatically when this one starts",
        note="A line for the announcement (what to bring, where to stream)",
        timezone="The time zone of “when” (default: yours from /timezone set, else the server's)",
    )
    @app_commands.autocomplete(where=_where_autocomplete, timezone=zone_autocomplete)
    @app_commands.checks.has_permissions(manage_events=True)
    @app_commands.checks.bot_has_permissions(send_messages=True, embed_links=True, manage_events=True)
    async def schedule(
        self,
        interaction: discord.Interaction[FilmBot],
        film: FilmOption,
        when: str,
        where: str | None = None,
        reminders: str | None = None,
        repeat: Literal["weekly", "biweekly"] | None = None,
        note: str | None = None,
        timezone: str | None = None,
    ) -> None:
        assert interaction.guild_id is not None and interaction.channel_id is not None
        voice_id, location = views.read_where(interaction.guild, where)
        request = ScheduleRequest(
            guild_id=interaction.guild_id,
            channel_id=interaction.channel_id,
            user_id=interaction.user.id,
            film=film,
            when=when,
            zone=timezone,
            reminders=reminders,
            voice_channel_id=voice_id,
            location=location,
            repeat=repeat,
            note=note,
        )
        # Parsing and the commit take milliseconds: a typo gets its ephemeral answer without a public
        # "thinking...", and the party is durable before anything is shown. The event's REST call may be slow.
        await self.service.schedule(request, CommandReply(interaction))

    @app_commands.command(
        name="reschedule", description="Move a watch party, its event and every pending reminder"
    )
    @app_commands.describe(
        party="The party (see /watchparty list)", when="The new time", timezone="Zone of “when”"
    )
    @app_commands.autocomplete(party=_party_autocomplete)
    @app_commands.autocomplete(timezone=zone_autocomplete)
    @app_commands.checks.has_permissions(manage_events=True)
    async def reschedule(
        self, interaction: discord.Interaction[FilmBot], party: int, when: str, timezone: str | None = None
    ) -> None:
        assert interaction.guild_id is not None
        moved = await self.service.reschedule(
            party,
            interaction.guild_id,
            interaction.user.id,
            when,
            timezone,
            reply=CommandReply(interaction, ephemeral=True),
        )
        await interaction.followup.send(render.moved_text(moved), ephemeral=True)

    @app_commands.command(name="cancel", description="Cancel a watch party, its event and its reminders")
    @app_commands.describe(party="The party (see /watchparty list)")
    @app_commands.autocomplete(party=_party_autocomplete)
    @app_commands.checks.has_permissions(manage_events=True)
    async def cancel(self, interaction: discord.Interaction[FilmBot], party: int) -> None:
        assert interaction.guild_id is not None
        cancelled = await self.service.cancel(
            party, interaction.guild_id, reply=CommandReply(interaction, ephemeral=True)
        )
        await interaction.followup.send(render.cancelled_text(cancelled), ephemeral=True)

    # -- everyone ------------------------------------------------------------------------------------

    @app_commands.command(name="list", description="Upcoming watch parties in this server")
    async def list_(self, interaction: discord.Interaction[FilmBot]) -> None:
        assert interaction.guild_id is not None
        listed = await self.service.listing(interaction.guild_id)
        await interaction.response.send_message(
            embed=await views.list_embed(self.bot, listed), ephemeral=True
        )

    @app_commands.command(
        name="info", description="A watch party's details, reminders still to come and problems"
    )
    @app_commands.describe(party="The party (see /watchparty list)")
    @app_commands.autocomplete(party=_party_autocomplete)
    async def info(self, interaction: discord.Interaction[FilmBot], party: int) -> None:
        details = await self.service.details(party, interaction.guild_id)
        await interaction.response.send_message(
            embed=await views.info_embed(self.bot, details), ephemeral=True
        )

    @app_commands.command(name="rsvps", description="Who answered Going, Maybe or Can't")
    @app_commands.describe(party="The party (see /watchparty list)")
    @app_commands.autocomplete(party=_party_autocomplete)
    async def rsvps(self, interaction: discord.Interaction[FilmBot], party: int) -> None:
        answers = await self.service.answers(party, interaction.guild_id)
        await interaction.response.send_message(
            embed=await views.rsvps_embed(self.bot, answers), ephemeral=True
        )

    @app_commands.command(name="remind-me", description="Get watch party reminders by DM instead of a ping")
    @app_commands.describe(dm="True: reminders come by DM; False: a ping in the party's channel")
    async def remind_me(self, interaction: discord.Interaction[FilmBot], dm: bool) -> None:
        await self.bot.preferences.set_dm_reminders(interaction.user.id, dm)
        await interaction.response.send_message(render.remind_me_text(dm), ephemeral=True)

    # -- the Discord event's Interested list ---------------------------------------------------------

    @commands.Cog.listener()
    async def on_raw_scheduled_event_interest(self, interest: events.Interest) -> None:
        if self.bot.user is not None and interest.user_id == self.bot.user.id:
            return
        await self.service.interest(interest.event_id, interest.user_id, added=interest.added)


async def setup(bot: FilmBot) -> None:
    bot.add_dynamic_items(*views.DYNAMIC_ITEMS)
    await bot.add_cog(WatchParties(bot))
