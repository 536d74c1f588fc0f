"""Discord scheduled events for parties, through the REST routes (no cached guild needed).

Voice parties are voice-channel events: Discord never starts those by itself, so the bot starts them at
start time and completes them after the film's runtime. Other parties are external events (the place, or
the announcement channel's name, as the location), which need an end time and start and end on their own.

Also: the gateway's GUILD_SCHEDULED_EVENT_USER_ADD/REMOVE. discord.py dispatches those only for users it
has cached, which, without the privileged members intent, is almost never; ``install_interest_listener``
re-dispatches them raw (``raw_scheduled_event_interest``) so RSVPs can follow the event's Interested list.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import discord

from bot.watchparty.models import Party

log = logging.getLogger(__name__)

PRIVACY_GUILD_ONLY = 2
ENTITY_STAGE, ENTITY_VOICE, ENTITY_EXTERNAL = 1, 2, 3
STATUS_ACTIVE, STATUS_COMPLETED, STATUS_CANCELED = 2, 3, 4


@dataclass(frozen=True, slots=True)
class Interest:
    guild_id: int
    event_id: int
    user_id: int
    added: bool


def _times(party: Party) -> dict[str, str]:
    end = party.starts_at + timedelta(minutes=party.runtime_minutes)
    return {"scheduled_start_time": party.starts_at.isoformat(), "scheduled_end_time": end.isoformat()}


def _entity(bot: discord.Client, party: Party, channel_name: str | None) -> dict[str, Any]:
    if party.voice_channel_id:
        channel = bot.get_channel(party.voice_channel_id)
        kind = ENTITY_STAGE if isinstance(channel, discord.StageChannel) else ENTITY_VOICE
        return {"entity_type": kind, "channel_id": party.voice_channel_id}
    location = party.location or (f"#{channel_name}" if channel_name else "this server")
    return {
        "entity_type": ENTITY_EXTERNAL,
        "channel_id": None,
        "entity_metadata": {"location": location[:100]},
    }


async def create(bot: discord.Client, party: Party, name: str, description: str) -> int:
    """Create the party's event; returns its id. Raises ``discord.HTTPException`` when Discord refuses."""
    channel = bot.get_channel(party.channel_id)
    channel_name = getattr(channel, "name", None)
    payload = {
        "name": name[:100],
        "description": description[:1000],
        "privacy_level": PRIVACY_GUILD_ONLY,
        **_times(party),
        **_entity(bot, party, channel_name),
    }
    data = await bot.http.create_guild_scheduled_event(
        party.guild_id, reason=f"filmbot watch party #{party.id}", **payload
    )
    return int(data["id"])


async def move(bot: discord.Client, party: Party) -> None:
    if party.event_id is None:
        return
    await bot.http.edit_scheduled_event(
        party.guild_id, party.event_id, reason=f"watch party #{party.id} rescheduled", **_times(party)
    )


async def set_status(bot: discord.Client, party: Party, status: int) -> None:
    if party.event_id is None:
        return
    await bot.http.edit_scheduled_event(
        party.guild_id, party.event_id, reason=f"watch party #{party.id}", status=status
    )


async def finish(bot: discord.Client, party: Party) -> None:
    """End a voice event: complete it if it ran, cancel it if it never started (the bot was down)."""
    if party.event_id is None:
        return
    try:
        data = await bot.http.get_scheduled_event(party.guild_id, party.event_id, False)
    except discord.NotFound:
        return  # deleted by a moderator
    status = int(data.get("status", 0))
    if status == STATUS_ACTIVE:
        await set_status(bot, party, STATUS_COMPLETED)
    elif status == 1:  # still scheduled: Discord only allows cancelling it
        await set_status(bot, party, STATUS_CANCELED)


def install_interest_listener(bot: discord.Client) -> None:
    """Dispatch ``raw_scheduled_event_interest`` (an ``Interest``) for every event user add/remove."""
    parsers: dict[str, Any] = bot._connection.parsers
    for name, added in (
        ("GUILD_SCHEDULED_EVENT_USER_ADD", True),
        ("GUILD_SCHEDULED_EVENT_USER_REMOVE", False),
    ):
        original = parsers.get(name)
        if original is None or getattr(original, "__filmbot_interest__", False):
            continue

        def parser(data: dict[str, Any], _original: Any = original, _added: bool = added) -> None:
            try:
                interest = Interest(
                    guild_id=int(data["guild_id"]),
                    event_id=int(data["guild_scheduled_event_id"]),
                    user_id=int(data["user_id"]),
                    added=_added,
                )
            except (KeyError, TypeError, ValueError):
                log.warning("unreadable scheduled event user payload: %r", data)
            else:
                bot.dispatch("raw_scheduled_event_interest", interest)
            _original(data)

        parser.__filmbot_interest__ = True  # type: ignore[attr-defined]
        parsers[name] = parser
