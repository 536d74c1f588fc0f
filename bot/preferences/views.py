"""Preferences' Discord edge: the time zone autocomplete, the answers to ``/timezone`` and ``/settings``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import discord
from discord import app_commands

from bot.preferences.models import ReadingZone
from bot.preferences.zones import offset_label, suggest
from bot.ui.options import client_of


async def zone_autocomplete(
    interaction: discord.Interaction[Any], current: str
) -> list[app_commands.Choice[str]]:
    """IANA zones for a typed city or abbreviation (every command with a time zone option uses it)."""
    now = client_of(interaction).clock.now()
    return [app_commands.Choice(name=label, value=zone) for label, zone in suggest(current, now)]


def member_zone_set_text(zone: str, now: datetime) -> str:
    return (
        f"Your time zone is now **{offset_label(zone, now)}**. "
        "Times you type (like `friday 8pm`) are read in it."
    )


def reading_zone_text(reading: ReadingZone, now: datetime) -> str:
    label = offset_label(reading.zone, now)
    if reading.source == "member":
        source = "yours"
    else:
        source = "this server's" if reading.zone != "UTC" else "the default"
    return f"Times you type are read in **{label}** ({source}). Change it with `/timezone set`."


def guild_zone_set_text(zone: str, now: datetime) -> str:
    return (
        f"This server's time zone is now **{offset_label(zone, now)}**; "
        "members can set their own with `/timezone set`."
    )


def modlog_set_text(channel: discord.abc.GuildChannel | None) -> str:
    where = channel.mention if channel else "each party's own channel"
    return f"filmbot will report problems in {where}."


# Preferences have no buttons or menus (yet); the tuple keeps the shape every feature's views module has.
DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = ()
