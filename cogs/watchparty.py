"""``/watchparty``: schedule a film night with a Discord event, RSVP buttons and on-time reminders."""

from __future__ import annotations

import logging
import re
from typing import Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import FilmBot
from bot.errors import BadInput
from bot.store.watch_parties import Party, RsvpCounts
from bot.ui.answers import answers_errors
from bot.ui.options import FilmOption, client_of
from bot.watchparty import delivery, events, render, zones
from bot.watchparty.reminders import PartyTimers
from bot.watchparty.service import ScheduleRequest, WatchPartyService

log = logging.getLogger(__name__)

_CHANNEL_MENTION = re.compile(r"^<#(\d+)>$|^(\d{15,20})$")


def service_of(interaction: discord.Interaction[Any]) -> WatchPartyService:
    cog = client_of(interaction).get_cog("WatchParties")
    if not isinstance(cog, WatchParties):
        raise RuntimeError("the watch party cog is not loaded")
    return cog.service


class RsvpButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"filmbot:wp:rsvp:(?P<party>\d+):(?P<answer>going|maybe|cant)",
):
    """Going / Maybe / Can't on an announcement; works after restarts (state is in the database)."""

    def __init__(self, party_id: int, answer: str, count: int = 0) -> None:
        super().__init__(render.rsvp_button(party_id, answer, count))
        self.party_id = party_id
        self.answer = answer

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> RsvpButton:
        return cls(int(match["party"]), match["answer"])

    @answers_errors
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        bot = client_of(interaction)
        party, _ = await service_of(interaction).rsvp(self.party_id, interaction.user.id, self.answer)
        embed, view = await delivery.announcement(bot, party)
        await interaction.response.edit_message(embed=embed, view=view)
        await interaction.followup.send(
            f"Got it: **{render.ANSWER_LABELS[self.answer]}** for watch party #{party.id}."
            + (" You'll be pinged for its reminders." if self.answer != "cant" else ""),
            ephemeral=True,
        )


async def _party_autocomplete(
    interaction: discord.Interaction[Any], current: str
) -> list[app_commands.Choice[int]]:
    if interaction.guild_id is None:
        return []
    bot = client_of(interaction)
    choices = []
    for party in await service_of(interaction).upcoming(interaction.guild_id):
        label, _ = await delivery.film_of(bot, party)
        name = f"#{party.id} {label} · {party.starts_at:%Y-%m-%d %H:%M} UTC"
        if current.strip().lower().lstrip("#") in name.lower():
            choices.append(app_commands.Choice(name=name[:100], value=party.id))
    return choices[:25]


async def _zone_autocomplete(
    interaction: discord.Interaction[Any], current: str
) -> list[app_commands.Choice[str]]:
    now = client_of(interaction).clock.now()
    return [app_commands.Choice(name=label, value=zone) for label, zone in zones.suggest(current, now)]


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


def _read_where(guild: discord.Guild | None, text: str | None) -> tuple[int | None, str | None]:
    """A voice or stage channel (picked, mentioned, or named) -> its id; anything else is a place."""
    if not text or not text.strip():
        return None, None
    text = text.strip()
    match = _CHANNEL_MENTION.match(text)
    if match and guild is not None:
        channel = guild.get_channel(int(match[1] or match[2]))
        if isinstance(channel, discord.VoiceChannel | discord.StageChannel):
            return channel.id, None
        raise BadInput(
            "That channel is not a voice or stage channel.",
            hints=("Pick a voice channel from the list, or type a place (a link, “Kosmos cinema”).",),
        )
    if guild is not None:
        for channel in guild.channels:
            if (
                isinstance(channel, discord.VoiceChannel | discord.StageChannel)
                and channel.name.lower() == text.lower()
            ):
                return channel.id, None
    return None, text


@app_commands.guild_only()
class WatchParties(
    commands.GroupCog, group_name="watchparty", group_description="Film nights with reminders"
):
    def __init__(self, bot: FilmBot) -> None:
        self.bot = bot
        self.service = bot.watch_parties
        self.timers = PartyTimers(bot, self.service)
        super().__init__()

    async def cog_load(self) -> None:
        self.timers.register()
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
    @app_commands.autocomplete(where=_where_autocomplete, timezone=_zone_autocomplete)
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
        voice_id, location = _read_where(interaction.guild, where)
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
        zone = await self.service.zone_for(interaction.guild_id, interaction.user.id, timezone)
        scheduled = await self.service.schedule(request)
        await interaction.response.defer(thinking=True)
        party = await self._create_event(scheduled.party)
        embed, view = await delivery.announcement(self.bot, party)
        text = render.scheduled_text(party, scheduled.skipped, zone)
        if party.last_error:
            text += f"\n⚠️ {party.last_error}"
        message = await (
            interaction.followup.send(text, embed=embed, view=view, wait=True)
            if view
            else interaction.followup.send(text, embed=embed, wait=True)
        )
        await self.bot.store.watch_parties.set_message(party.id, message.id)
        # Interest on the Discord event can arrive before the announcement's id is stored: catch it up.
        if await self.bot.store.watch_parties.counts(party.id) != RsvpCounts():
            fresh = await self.bot.store.watch_parties.get(party.id)
            if fresh is not None:
                await delivery.refresh_announcement(self.bot, fresh)

    async def _create_event(self, party: Party) -> Party:
        label, card = await delivery.film_of(self.bot, party)
        try:
            event_id = await events.create(
                self.bot, party, render.event_name(label), render.event_description(card, party)
            )
        except discord.HTTPException as error:
            await delivery.record_problem(self.bot, party, "creating the Discord event", error)
        else:
            await self.bot.store.watch_parties.set_event(party.id, event_id)
        fresh = await self.bot.store.watch_parties.get(party.id)
        assert fresh is not None
        return fresh

    @app_commands.command(
        name="reschedule", description="Move a watch party, its event and every pending reminder"
    )
    @app_commands.describe(
        party="The party (see /watchparty list)", when="The new time", timezone="Zone of “when”"
    )
    @app_commands.autocomplete(party=_party_autocomplete)
    @app_commands.autocomplete(timezone=_zone_autocomplete)
    @app_commands.checks.has_permissions(manage_events=True)
    async def reschedule(
        self, interaction: discord.Interaction[FilmBot], party: int, when: str, timezone: str | None = None
    ) -> None:
        assert interaction.guild_id is not None
        moved = await self.service.reschedule(
            party, interaction.guild_id, interaction.user.id, when, timezone
        )
        await interaction.response.defer(thinking=True, ephemeral=True)
        try:
            await events.move(self.bot, moved.party)
        except discord.HTTPException as error:
            await delivery.record_problem(self.bot, moved.party, "moving the Discord event", error)
        await delivery.refresh_announcement(self.bot, moved.party)
        label, _ = await delivery.film_of(self.bot, moved.party)
        attendees = await self.bot.store.watch_parties.attendees(moved.party.id)
        await delivery.tell(
            self.bot, moved.party, render.change_text(moved.party, label, moved.previous_start), attendees
        )
        zone = await self.service.zone_for(interaction.guild_id, interaction.user.id, timezone)
        await interaction.followup.send(
            f"Moved watch party #{moved.party.id}. "
            + render.scheduled_text(moved.party, moved.skipped, zone)
            + f" {len(attendees)} member(s) told.",
            ephemeral=True,
        )

    @app_commands.command(name="cancel", description="Cancel a watch party, its event and its reminders")
    @app_commands.describe(party="The party (see /watchparty list)")
    @app_commands.autocomplete(party=_party_autocomplete)
    @app_commands.checks.has_permissions(manage_events=True)
    async def cancel(self, interaction: discord.Interaction[FilmBot], party: int) -> None:
        assert interaction.guild_id is not None
        cancelled = await self.service.cancel(party, interaction.guild_id)
        await interaction.response.defer(thinking=True, ephemeral=True)
        if cancelled.event_id:
            try:
                await events.set_status(self.bot, cancelled, events.STATUS_CANCELED)
            except discord.NotFound:
                pass
            except discord.HTTPException as error:
                await delivery.record_problem(self.bot, cancelled, "cancelling the Discord event", error)
        await delivery.refresh_announcement(self.bot, cancelled)
        label, _ = await delivery.film_of(self.bot, cancelled)
        attendees = await self.bot.store.watch_parties.attendees(cancelled.id)
        await delivery.tell(self.bot, cancelled, render.change_text(cancelled, label, None), attendees)
        await interaction.followup.send(
            f"Cancelled watch party #{cancelled.id}; {len(attendees)} member(s) told.", ephemeral=True
        )

    # -- everyone ------------------------------------------------------------------------------------

    @app_commands.command(name="list", description="Upcoming watch parties in this server")
    async def list_(self, interaction: discord.Interaction[FilmBot]) -> None:
        assert interaction.guild_id is not None
        parties = await self.service.upcoming(interaction.guild_id)
        lines = []
        for party in parties:
            label, _ = await delivery.film_of(self.bot, party)
            lines.append(render.party_line(party, label, await self.service.counts(party.id)))
        await interaction.response.send_message(embed=render.list_embed(lines, len(parties)), ephemeral=True)

    @app_commands.command(
        name="info", description="A watch party's details, reminders still to come and problems"
    )
    @app_commands.describe(party="The party (see /watchparty list)")
    @app_commands.autocomplete(party=_party_autocomplete)
    async def info(self, interaction: discord.Interaction[FilmBot], party: int) -> None:
        found = await self.service.get(party, interaction.guild_id)
        label, card = await delivery.film_of(self.bot, found)
        pending = [
            f"{timer.kind.removeprefix('watchparty-')} {discord.utils.format_dt(timer.due_at, 'R')}"
            for timer in await self.bot.store.timers.for_ref("watchparty-reminder", str(found.id))
            if timer.state == "pending"
        ]
        embed = render.info_embed(found, label, card, await self.service.counts(found.id), pending)
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @app_commands.command(name="rsvps", description="Who answered Going, Maybe or Can't")
    @app_commands.describe(party="The party (see /watchparty list)")
    @app_commands.autocomplete(party=_party_autocomplete)
    async def rsvps(self, interaction: discord.Interaction[FilmBot], party: int) -> None:
        found = await self.service.get(party, interaction.guild_id)
        label, _ = await delivery.film_of(self.bot, found)
        answers = await self.bot.store.watch_parties.rsvps(found.id)
        await interaction.response.send_message(
            embed=render.rsvps_embed(found, label, answers), ephemeral=True
        )

    @app_commands.command(name="remind-me", description="Get watch party reminders by DM instead of a ping")
    @app_commands.describe(dm="True: reminders come by DM; False: a ping in the party's channel")
    async def remind_me(self, interaction: discord.Interaction[FilmBot], dm: bool) -> None:
        await self.service.set_dm_reminders(interaction.user.id, dm)
        text = (
            "Reminders for parties you answer Going or Maybe will come by DM (if your DMs are closed, "
            "you'll be pinged in the channel instead)."
            if dm
            else "Reminders will ping you in the party's channel."
        )
        await interaction.response.send_message(text, ephemeral=True)

    # -- the Discord event's Interested list ---------------------------------------------------------

    @commands.Cog.listener()
    async def on_raw_scheduled_event_interest(self, interest: events.Interest) -> None:
        if self.bot.user is not None and interest.user_id == self.bot.user.id:
            return
        party = await self.service.interest(interest.event_id, interest.user_id, added=interest.added)
        if party is not None:
            # Read the party again after the commit: if the announcement's id was stored meanwhile, this
            # sees it; if not, ``schedule`` sees this RSVP when it stores the id (see there).
            fresh = await self.bot.store.watch_parties.get(party.id)
            if fresh is not None:
                await delivery.refresh_announcement(self.bot, fresh)


async def setup(bot: FilmBot) -> None:
    bot.add_dynamic_items(RsvpButton)
    await bot.add_cog(WatchParties(bot))
