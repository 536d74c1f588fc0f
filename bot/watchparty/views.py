"""Watch parties' Discord edge: the restart-proof RSVP button and the messages commands and timers send."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

import discord

from bot.errors import BadInput, NotFound
from bot.films.card import FilmCard
from bot.films.views import CardButton
from bot.ui.items import RestartProofItem
from bot.ui.options import client_of
from bot.watchparty import render
from bot.watchparty.models import ANSWERS, Answers, Details, Listed, Party, RsvpCounts, Scheduled

if TYPE_CHECKING:
    from bot.client import FilmBot

log = logging.getLogger(__name__)

_CHANNEL_MENTION = re.compile(r"^<#(\d+)>$|^(\d{15,20})$")
_STYLES = {
    "going": discord.ButtonStyle.success,
    "maybe": discord.ButtonStyle.primary,
    "cant": discord.ButtonStyle.secondary,
}


class RsvpButton(
    RestartProofItem[discord.ui.Button[Any]],
    custom_id="filmbot:wp:rsvp:{party}:{answer:going|maybe|cant}",
):
    """Going / Maybe / Can't on an announcement, with its count; the answers are in the database."""

    def __init__(self, party: int, answer: str, count: int = 0) -> None:
        super().__init__(
            discord.ui.Button(
                label=f"{render.ANSWER_LABELS[answer]} ({count})",
                emoji=render.ANSWER_EMOJI[answer],
                style=_STYLES[answer],
                custom_id=self.make_id(party=party, answer=answer),
            )
        )
        self.party_id = party
        self.answer = answer

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        bot = client_of(interaction)
        party, counts = await bot.watch_parties.rsvp(self.party_id, interaction.user.id, self.answer)
        embed, view = await announcement(bot, party, counts)
        await interaction.response.edit_message(embed=embed, view=view)
        await interaction.followup.send(render.rsvp_text(party, self.answer), ephemeral=True)


async def film_of(bot: FilmBot, party: Party) -> tuple[str, FilmCard | None]:
    """The film's label and card for a party (the label survives a film that left the catalog)."""
    try:
        summary = await bot.films.by_id(party.film_id)
        return summary.label, await bot.films.card(summary)
    except NotFound:  # the catalog changed under us: show what we can
        log.warning("film %s of party %s is not in the catalog", party.film_id, party.id)
        return f"film #{party.film_id}", None


def party_view(party: Party, counts: RsvpCounts) -> discord.ui.View | None:
    """Going / Maybe / Can't with live counts, and the film card; every button restart-proof."""
    if party.status in ("cancelled", "completed"):
        return None
    view = discord.ui.View(timeout=None)
    for answer in ANSWERS:
        view.add_item(RsvpButton(party.id, answer, getattr(counts, answer)))
    view.add_item(CardButton(party.film_id))
    return view


async def announcement(
    bot: FilmBot, party: Party, counts: RsvpCounts | None = None
) -> tuple[discord.Embed, discord.ui.View | None]:
    """A party's announcement: the embed and its buttons (none once it is over)."""
    label, card = await film_of(bot, party)
    if counts is None:
        counts = await bot.watch_parties.counts(party.id)
    return render.announcement_embed(party, label, card, counts), party_view(party, counts)


async def scheduled_message(
    bot: FilmBot, scheduled: Scheduled
) -> tuple[str, discord.Embed, discord.ui.View | None]:
    """The answer to ``/watchparty schedule``: what was scheduled (and any problem), and the announcement."""
    party = scheduled.party
    embed, view = await announcement(bot, party)
    text = render.scheduled_text(party, scheduled.skipped, scheduled.zone)
    if party.last_error:
        text += f"\n⚠️ {party.last_error}"
    return text, embed, view


async def list_embed(bot: FilmBot, listed: list[Listed]) -> discord.Embed:
    lines = []
    for item in listed:
        label, _ = await film_of(bot, item.party)
        lines.append(render.party_line(item.party, label, item.counts))
    return render.list_embed(lines, len(listed))


async def info_embed(bot: FilmBot, details: Details) -> discord.Embed:
    label, card = await film_of(bot, details.party)
    pending = [f"reminder {discord.utils.format_dt(at, 'R')}" for at in details.reminders_due]
    return render.info_embed(details.party, label, card, details.counts, pending)


async def rsvps_embed(bot: FilmBot, answers: Answers) -> discord.Embed:
    label, _ = await film_of(bot, answers.party)
    return render.rsvps_embed(answers.party, label, list(answers.rsvps))


def read_where(guild: discord.Guild | None, text: str | None) -> tuple[int | None, str | None]:
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


DYNAMIC_ITEMS = (RsvpButton,)
