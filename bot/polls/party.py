"""A movie night's last step: the result's **Schedule watch party** button and its form.

The button is for moderators (Manage Events, like ``/watchparty schedule``). It opens a form with the
winning film filled in (its title heads the form; the film travels in the form's id), and the form
schedules through the watch-party service's one ``schedule`` method, so the party gets its Discord event,
announcement and reminders like any other. The button is a ``RestartProofItem`` and the form a
``RestartProofModal``: a result posted, or a form opened, before a restart keeps working after it.
"""

from __future__ import annotations

from typing import Any

import discord

from bot.errors import Conflict, NotAllowed, UserError
from bot.ui.items import RestartProofItem
from bot.ui.modals import RestartProofModal
from bot.ui.options import client_of
from bot.ui.text import truncate
from bot.watchparty.delivery import CommandReply
from bot.watchparty.models import ScheduleRequest
from bot.watchparty.service import DEFAULT_REMINDERS, NOTE_LIMIT
from bot.watchparty.views import read_where

LABEL = "Schedule watch party"
FORM_TITLE_LIMIT = 45  # Discord's limit on a modal's title
# The form's inputs: custom_id, label, placeholder, required, longest, paragraph.
INPUTS = (
    ("when", "When", "friday 8pm · tomorrow 21:00 · 2026-12-05 20:00 · in 2 hours", True, 100, False),
    ("where", "Where (optional)", "A voice channel's name (Screening Room), or any place", False, 100, False),
    ("timezone", "Time zone (optional)", "Europe/Paris; default: yours (/timezone set), else the server's", False, 64, False),
    ("reminders", "Reminders before the start", "1d,1h,10m (default), or none", False, 60, False),
    ("note", "Note for the announcement (optional)", "What to bring, where to stream", False, NOTE_LIMIT, True),
)  # fmt: skip


def _moderator(interaction: discord.Interaction[Any]) -> int:
    """The server's id, once the member may schedule watch parties there."""
    if interaction.guild_id is None:
        raise NotAllowed("Watch parties belong to a server.")
    if not interaction.permissions.manage_events:
        raise NotAllowed(
            "You need the Manage Events permission to schedule a watch party (as for /watchparty schedule)."
        )
    return interaction.guild_id


class ScheduleButton(RestartProofItem[discord.ui.Button[Any]], custom_id="filmbot:poll:party:{poll}:{film}"):
    """Under a movie night's result: opens the schedule form for the winning ``film``."""

    def __init__(self, poll: int, film: int, label: str = LABEL) -> None:
        super().__init__(
            discord.ui.Button(
                label=truncate(label, 80),
                emoji="📅",
                style=discord.ButtonStyle.success,
                custom_id=self.make_id(poll=poll, film=film),
            )
        )
        self.poll_id, self.film_id = poll, film

    @classmethod
    async def from_fields(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], /, **fields: Any
    ) -> ScheduleButton:
        label = item.label if isinstance(item, discord.ui.Button) and item.label else LABEL
        return cls(fields["poll"], fields["film"], label)

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        guild_id = _moderator(interaction)
        bot = client_of(interaction)
        await bot.polls.in_guild(self.poll_id, guild_id)
        film = await bot.films.by_id(self.film_id)
        for party in await bot.watch_parties.upcoming(guild_id):
            if party.film_id == film.id:
                raise Conflict(
                    f"{film.label} already has a watch party coming: #{party.id}, "
                    f"{discord.utils.format_dt(party.starts_at, 'F')}.",
                    hints=[f"/watchparty info party:{party.id}", "/watchparty schedule adds another one"],
                )
        await ScheduleForm(self.poll_id, film.id, film.label).show(interaction)


class ScheduleForm(RestartProofModal, custom_id="filmbot:poll:partyform:{poll}:{film}"):
    """The schedule form for a movie night's winner: when, where, zone, reminders, a note."""

    def __init__(self, poll: int, film: int, label: str = "") -> None:
        title = f"Watch party: {label}" if label else "Schedule the watch party"
        super().__init__(
            title=truncate(title, FORM_TITLE_LIMIT),
            custom_id=self.make_id(poll=poll, film=film),
            timeout=None,
        )
        self.poll_id, self.film_id = poll, film
        for key, name, placeholder, required, longest, paragraph in INPUTS:
            self.add_item(
                discord.ui.TextInput(
                    custom_id=key,
                    label=name,
                    placeholder=truncate(placeholder, 100),
                    required=required,
                    max_length=longest,
                    default=DEFAULT_REMINDERS if key == "reminders" else None,
                    style=discord.TextStyle.paragraph if paragraph else discord.TextStyle.short,
                )
            )

    async def submitted(self, interaction: discord.Interaction[Any], values: dict[str, str]) -> None:
        guild_id = _moderator(interaction)
        assert interaction.channel_id is not None
        bot = client_of(interaction)
        film = await bot.films.by_id(self.film_id)
        try:
            voice_id, location = read_where(interaction.guild, values.get("where"))
            request = ScheduleRequest(
                guild_id=guild_id,
                channel_id=interaction.channel_id,
                user_id=interaction.user.id,
                film=film,
                when=values.get("when", ""),
                zone=values.get("timezone", "").strip() or None,
                reminders=values.get("reminders", "").strip() or None,
                voice_channel_id=voice_id,
                location=location,
                note=values.get("note", "").strip() or None,
            )
            await bot.watch_parties.schedule(request, CommandReply(interaction))
        except UserError as error:
            # The form closes with the answer: show what was typed, so nothing is lost on a second try.
            error.hints = (*error.hints, *_typed(values), f"Press “{LABEL}” again to try once more.")
            raise


def _typed(values: dict[str, str]) -> list[str]:
    names = {key: name.removesuffix(" (optional)") for key, name, *_ in INPUTS}
    return [
        f"{names[key]}: {truncate(' '.join(text.split()), 120)}"
        for key, text in values.items()
        if key in names and text.strip()
    ]


MODALS = (ScheduleForm,)
