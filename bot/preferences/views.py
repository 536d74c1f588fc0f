"""Preferences' Discord edge: the time zone autocomplete, the answers to ``/timezone`` and ``/settings``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import discord
from discord import app_commands

from bot.preferences.models import ReadingZone, WatchlistRules
from bot.preferences.regions import country_label, suggest_countries
from bot.preferences.zones import offset_label, suggest
from bot.ui.embeds import build_embed
from bot.ui.options import client_of
from bot.ui.text import join_limited


async def zone_autocomplete(
    interaction: discord.Interaction[Any], current: str
) -> list[app_commands.Choice[str]]:
    """IANA zones for a typed city or abbreviation (every command with a time zone option uses it)."""
    now = client_of(interaction).clock.now()
    return [app_commands.Choice(name=label, value=zone) for label, zone in suggest(current, now)]


async def region_autocomplete(
    interaction: discord.Interaction[Any], current: str
) -> list[app_commands.Choice[str]]:
    """Countries by name or code, at most 25; the value is the ISO 3166-1 alpha-2 code."""
    return [app_commands.Choice(name=label, value=code) for label, code in suggest_countries(current)]


def region_text(region: str | None, *, changed: bool, tmdb: bool) -> str:
    """The answer to ``/settings region``: the region now, what it does, and what would change it.
    ``tmdb``: whether this bot has TMDB set up (where-to-watch comes from TMDB, data by JustWatch)."""
    if region is None:
        head = "This server's region is cleared." if changed else "This server has no region set."
        text = f"{head} Film cards show no where-to-watch; set one with `/settings region country:`."
    else:
        head = "This server's region is now" if changed else "This server's region is"
        text = (
            f"{head} **{country_label(region)}**: film cards show where to watch there "
            "(streaming, rent, buy; data by JustWatch, through TMDB). Remove it with `/settings region clear:True`."
        )
    if not tmdb:
        text += (
            "\n-# Where-to-watch comes from TMDB, which this bot is not set up for: whoever runs it can set "
            "`TMDB_API_KEY`."
        )
    return text


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


def watchlist_cap_text(cap: int | None) -> str:
    if cap is None:
        return "Members may now suggest any number of films to the watchlist."
    return (
        f"Each member may now have at most **{cap}** suggestion{'s' if cap != 1 else ''} on the watchlist "
        "at once (suggestions already there stay; wanting films is never capped)."
    )


def watchlist_block_text(member: discord.abc.User, *, blocked: bool, changed: bool) -> str:
    if blocked:
        done = "can no longer suggest" if changed else "already could not suggest"
        return f"{member.mention} {done} films to the watchlist (they can still want to see films on it)."
    done = "can suggest films to the watchlist again" if changed else "was not blocked from the watchlist"
    return f"{member.mention} {done}."


def watchlist_rules_embed(rules: WatchlistRules) -> discord.Embed:
    cap = f"at most **{rules.cap}** per member" if rules.cap is not None else "no cap"
    blocked = join_limited([f"<@{user_id}>" for user_id in rules.blocked], 1000, " ") or "nobody"
    return build_embed(
        title="Watchlist rules",
        description=f"Suggestions on the list at once: {cap}.\nMembers who may not suggest: {blocked}.",
        footer="/settings watchlist cap · block · unblock",
    )


# Preferences have no buttons or menus (yet); the tuple keeps the shape every feature's views module has.
DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = ()
