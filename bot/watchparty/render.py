"""How watch parties look: the announcement embed, reminder and answer texts. The one place they're built.

Pure formatting from records; the buttons and the messages they sit on are ``views.py``'s.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import discord

from bot.films.card import FilmCard
from bot.ui import limits
from bot.ui.embeds import Field, build_embed
from bot.ui.text import join_limited, plain, truncate
from bot.watchparty.models import Cancelled, Party, Rescheduled, Rsvp, RsvpCounts
from bot.watchparty.timeparse import describe_offset

PARTY_COLOUR = 0x5865F2
CANCELLED_COLOUR = 0x99AAB5
ANSWER_LABELS = {"going": "Going", "maybe": "Maybe", "cant": "Can't"}
ANSWER_EMOJI = {"going": "✅", "maybe": "🤔", "cant": "❌"}
# Discord accepts at most 100 user ids in allowed_mentions.users.
MENTIONS_PER_MESSAGE = 100
# Press play together this long after the "starting now" message, so everyone has time to get ready.
PLAY_COUNTDOWN = timedelta(seconds=60)


def when(at: datetime) -> str:
    return f"{discord.utils.format_dt(at, 'F')} ({discord.utils.format_dt(at, 'R')})"


def where(party: Party) -> str:
    if party.voice_channel_id:
        return f"<#{party.voice_channel_id}>"
    if party.location:
        return plain(party.location)
    return f"<#{party.channel_id}>"


def reminder_list(party: Party) -> str:
    if not party.reminders:
        return "none"
    return ", ".join(describe_offset(o) for o in party.reminders) + " before"


def counts_line(counts: RsvpCounts) -> str:
    return " · ".join(
        f"{ANSWER_EMOJI[a]} {ANSWER_LABELS[a]} **{getattr(counts, a)}**" for a in ("going", "maybe", "cant")
    )


def event_name(film_label: str) -> str:
    """The Discord scheduled event's name (at most 100 characters)."""
    return truncate(f"Watch party: {film_label}", 100)


def event_description(card: FilmCard | None, party: Party) -> str:
    """The Discord scheduled event's description (at most 1,000 characters): premise, then the note."""
    parts = []
    if party.note:
        parts.append(party.note)
    if card and card.premise:
        parts.append(card.premise)
    parts.append(f"filmbot watch party #{party.id}: RSVP on the announcement or mark yourself Interested.")
    return truncate("\n\n".join(parts), 1000)


def announcement_embed(
    party: Party, film_label: str, card: FilmCard | None, counts: RsvpCounts
) -> discord.Embed:
    cancelled = party.status == "cancelled"
    title = f"{'Cancelled: ' if cancelled else ''}Watch party: {film_label}"
    description = truncate(plain(card.premise), 700) if card and card.premise else None
    fields = [
        Field("When", when(party.starts_at) if not cancelled else f"~~{when(party.starts_at)}~~"),
        Field("Where", where(party), inline=True),
        Field("Runtime", f"{party.runtime_minutes} min", inline=True),
    ]
    if party.repeat:
        fields.append(Field("Repeats", party.repeat, inline=True))
    if party.note:
        fields.append(Field("Note", plain(party.note, limits.EMBED_FIELD_VALUE)))
    fields.append(Field("Reminders", reminder_list(party), inline=True))
    fields.append(Field("Answers", counts_line(counts)))
    footer = f"Watch party #{party.id} · times show in your own time zone"
    if not cancelled:
        footer += " · /watchparty remind-me for DMs"
    return build_embed(
        title=title,
        description=description,
        fields=fields,
        footer=footer,
        colour=CANCELLED_COLOUR if cancelled else PARTY_COLOUR,
    )


def party_line(party: Party, film_label: str, counts: RsvpCounts) -> str:
    line = (
        f"**#{party.id}** {plain(film_label)} · {when(party.starts_at)} · {where(party)} · "
        f"{counts.going} going, {counts.maybe} maybe"
    )
    if party.status == "started":
        line += " · **on now**"
    if party.last_error:
        line += " · ⚠️ problem: see info"
    return line


def list_embed(lines: list[str], total: int) -> discord.Embed:
    if not lines:
        return build_embed(
            title="Upcoming watch parties",
            description=(
                "None scheduled. A member with Manage Events can start one with `/watchparty schedule`."
            ),
            colour=PARTY_COLOUR,
        )
    return build_embed(
        title=f"Upcoming watch parties ({total})",
        description=join_limited(lines, limits.EMBED_DESCRIPTION),
        colour=PARTY_COLOUR,
    )


def info_embed(
    party: Party, film_label: str, card: FilmCard | None, counts: RsvpCounts, pending: list[str]
) -> discord.Embed:
    embed = announcement_embed(party, film_label, card, counts)
    embed.add_field(name="Status", value=party.status, inline=True)
    if party.event_id:
        embed.add_field(
            name="Discord event",
            value=f"[open](https://discord.com/events/{party.guild_id}/{party.event_id})",
            inline=True,
        )
    if pending:
        embed.add_field(name="Coming up", value=join_limited(pending, limits.EMBED_FIELD_VALUE), inline=False)
    if party.last_error:
        at = f" ({discord.utils.format_dt(party.last_error_at, 'R')})" if party.last_error_at else ""
        embed.add_field(name="Last problem", value=truncate(plain(party.last_error), 900) + at, inline=False)
    return embed


def rsvps_embed(party: Party, film_label: str, rsvps: list[Rsvp]) -> discord.Embed:
    fields = []
    for answer in ("going", "maybe", "cant"):
        members = [
            f"<@{r.user_id}>" + (" (event)" if r.via == "event" else "") for r in rsvps if r.answer == answer
        ]
        fields.append(
            Field(
                f"{ANSWER_EMOJI[answer]} {ANSWER_LABELS[answer]} ({len(members)})",
                join_limited(members, limits.EMBED_FIELD_VALUE, ", ") if members else "nobody yet",
            )
        )
    return build_embed(
        title=f"Answers for watch party #{party.id}: {film_label}",
        description=when(party.starts_at),
        fields=fields,
        footer="(event) = marked Interested on the Discord event",
        colour=PARTY_COLOUR,
    )


def scheduled_text(party: Party, skipped: tuple[int, ...], zone: str) -> str:
    text = f"Scheduled for {when(party.starts_at)} (read in {zone})."
    if skipped:
        text += " Skipped reminders already past: " + ", ".join(describe_offset(s) for s in skipped) + "."
    return text


def moved_text(moved: Rescheduled) -> str:
    return (
        f"Moved watch party #{moved.party.id}. "
        + scheduled_text(moved.party, moved.skipped, moved.zone)
        + f" {moved.told} member(s) told."
    )


def cancelled_text(cancelled: Cancelled) -> str:
    return f"Cancelled watch party #{cancelled.party.id}; {cancelled.told} member(s) told."


def rsvp_text(party: Party, answer: str) -> str:
    return f"Got it: **{ANSWER_LABELS[answer]}** for watch party #{party.id}." + (
        " You'll be pinged for its reminders." if answer != "cant" else ""
    )


def remind_me_text(dm: bool) -> str:
    if dm:
        return (
            "Reminders for parties you answer Going or Maybe will come by DM (if your DMs are closed, "
            "you'll be pinged in the channel instead)."
        )
    return "Reminders will ping you in the party's channel."


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One message to send: text and exactly whom it may ping."""

    content: str
    mention_ids: tuple[int, ...]

    @property
    def allowed_mentions(self) -> discord.AllowedMentions:
        return discord.AllowedMentions(
            everyone=False,
            roles=False,
            replied_user=False,
            users=[discord.Object(id=i) for i in self.mention_ids],
        )


def with_mentions(header: str, user_ids: list[int], footer: str = "") -> list[Outgoing]:
    """Split a ping over as many messages as needed (≤100 ids and ≤2,000 characters each)."""
    if not user_ids:
        return [Outgoing(truncate(header + (f"\n{footer}" if footer else ""), limits.MESSAGE_CONTENT), ())]
    messages: list[Outgoing] = []
    current: list[int] = []
    first = True

    def flush() -> None:
        nonlocal first
        body = " ".join(f"<@{i}>" for i in current)
        messages.append(Outgoing(f"{header}\n{body}" if first else body, tuple(current)))
        first = False

    budget = limits.MESSAGE_CONTENT - len(footer) - 2
    for user_id in user_ids:
        mention = f"<@{user_id}>"
        head = len(header) + 1 if first else 0
        used = head + sum(len(f"<@{i}>") + 1 for i in current)
        if current and (len(current) >= MENTIONS_PER_MESSAGE or used + len(mention) > budget):
            flush()
            current = []
        current.append(user_id)
    flush()
    if footer:
        last = messages[-1]
        messages[-1] = Outgoing(f"{last.content}\n{footer}", last.mention_ids)
    return messages


def reminder_header(party: Party, film_label: str, offset: int) -> str:
    return (
        f"⏰ **{plain(film_label)}** watch party starts {discord.utils.format_dt(party.starts_at, 'R')} "
        f"({discord.utils.format_dt(party.starts_at, 'F')}) in {where(party)}. "
        f"[{describe_offset(offset)} reminder, party #{party.id}]"
    )


def late_note(late_by: timedelta) -> str:
    minutes = max(1, round(late_by.total_seconds() / 60))
    return f"-# Sent {minutes} min late: I was offline when it was due."


def starting_header(party: Party, film_label: str, play_at: datetime) -> str:
    return (
        f"🎬 **{plain(film_label)}** watch party is starting now in {where(party)}! "
        f"Press play together {discord.utils.format_dt(play_at, 'R')} "
        f"(at {discord.utils.format_dt(play_at, 'T')}). [party #{party.id}]"
    )


def dm_text(header: str, guild_name: str | None) -> str:
    server = f" in **{plain(guild_name)}**" if guild_name else ""
    return truncate(
        f"{header}{server}\n-# You asked for DM reminders; `/watchparty remind-me dm:False` stops them.", 2000
    )


def missed_text(party: Party, film_label: str, what: str, due_at: datetime, grace_minutes: int) -> str:
    return (
        f"⚠️ I missed the {what} for watch party #{party.id} (**{plain(film_label)}**), due "
        f"{discord.utils.format_dt(due_at, 'F')}: I was offline for more than {grace_minutes} minutes "
        "past it, so I didn't send it late."
    )


def change_text(party: Party, film_label: str, previous: datetime | None) -> str:
    if party.status == "cancelled":
        return (
            f"❌ The **{plain(film_label)}** watch party (#{party.id}) on {when(party.starts_at)} "
            "is cancelled."
        )
    moved_from = f" from {discord.utils.format_dt(previous, 'F')}" if previous else ""
    return (
        f"📅 The **{plain(film_label)}** watch party (#{party.id}) moved{moved_from} "
        f"to {when(party.starts_at)}."
    )
