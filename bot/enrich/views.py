"""Enrichment's Discord edge: fetching a film before answering (deferred, so Discord's 3-second deadline
holds), the card's line saying what was fetched and when, and ``/film``'s online search option."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import discord
from discord import app_commands

from bot.enrich.models import EnrichState
from bot.errors import NotFound
from bot.films.models import FilmSummary
from bot.ui import limits
from bot.ui.embeds import Field
from bot.ui.options import client_of
from bot.ui.text import plain, truncate

# An autocomplete choice whose value starts with this searches Wikidata for the rest.
ONLINE_PREFIX = "online:"
FIELD_NAME = "Fetched online"


@dataclass(frozen=True, slots=True)
class OnlineQuery:
    """What a member typed for ``/film`` that the catalog does not have: searched online."""

    text: str


def _when(at: datetime) -> str:
    return f"<t:{int(at.timestamp())}:R>"  # "3 days ago", in the member's own language and zone


def status_field(state: EnrichState) -> Field | None:
    """ "Wikidata <t:…:R> · TMDB <t:…:R>", then a line saying what could not be fetched; None for a film
    never enriched (a card with nothing online says nothing of it)."""
    # A provider's values and their age: from its last answer, or kept from an earlier one when it failed.
    answered = [
        f
        for f in state.fetches
        if f.succeeded_at is not None and (f.status == "ok" or (f.status == "failed" and f.ids.as_dict()))
    ]
    if not answered and not state.problems:
        return None
    parts = [f"{plain(f.provider)} {_when(f.succeeded_at)}" for f in answered if f.succeeded_at]
    lines = [" · ".join(parts)] if parts else []
    if state.problems:
        lines.append(f"Could not fetch: {plain(' '.join(state.problems))}")
    return Field(FIELD_NAME, truncate("\n".join(lines), limits.EMBED_FIELD_VALUE))


def add_status(embed: discord.Embed, state: EnrichState) -> discord.Embed:
    """The status field at the end of ``embed``, if it fits Discord's limits."""
    field = status_field(state)
    if field is None or len(embed.fields) >= limits.EMBED_FIELDS:
        return embed
    if len(embed) + len(field.name) + len(field.value) <= limits.EMBED_TOTAL:
        embed.add_field(name=field.name, value=field.value, inline=False)
    return embed


async def fetch_first(
    interaction: discord.Interaction[Any], film: FilmSummary, *, ephemeral: bool = False
) -> None:
    """Fetch the film online first when it needs it, deferring the interaction so Discord waits."""
    enrich = client_of(interaction).enrich
    if await enrich.needs_fetch(film):
        if not interaction.response.is_done():
            await interaction.response.defer(thinking=True, ephemeral=ephemeral)
        await enrich.ensure(film)


async def resolve_online(
    interaction: discord.Interaction[Any], wanted: FilmSummary | OnlineQuery
) -> FilmSummary:
    """The film asked for: from the catalog, or found online (deferred first) and added to it."""
    if isinstance(wanted, FilmSummary):
        await fetch_first(interaction, wanted)
        return wanted
    await interaction.response.defer(thinking=True)
    try:
        return await client_of(interaction).enrich.find_online(wanted.text)
    except NotFound:
        # The public "thinking…" message goes, so the answer (the one error path's) is the member's alone.
        with contextlib.suppress(discord.HTTPException):
            await interaction.delete_original_response()
        raise


async def send(interaction: discord.Interaction[Any], embed: discord.Embed, view: discord.ui.View) -> None:
    """A public answer, as the response or (after a deferral) as the follow-up."""
    if interaction.response.is_done():
        await interaction.followup.send(embed=embed, view=view)
    else:
        await interaction.response.send_message(embed=embed, view=view)


class OnlineFilmTransformer(app_commands.Transformer):
    """``/film``'s title: the catalog's films as you type, and last "Search Wikidata for “…”" when the bot
    is online; free text the catalog does not know is searched online too."""

    async def autocomplete(  # type: ignore[override]
        self, interaction: discord.Interaction[Any], value: str
    ) -> list[app_commands.Choice[str]]:
        bot = client_of(interaction)
        choices = [
            app_commands.Choice(name=c.name, value=c.value) for c in await bot.films.autocomplete(value)
        ]
        typed = " ".join(value.split())
        if bot.enrich.finds_online and len(typed) >= 2:
            name = truncate(f"Search Wikidata for “{typed}”", limits.CHOICE_NAME)
            online = app_commands.Choice(name=name, value=(ONLINE_PREFIX + typed)[: limits.CHOICE_VALUE])
            choices = [*choices[: limits.AUTOCOMPLETE_CHOICES - 1], online]
        return choices

    async def transform(self, interaction: discord.Interaction[Any], value: str) -> FilmSummary | OnlineQuery:
        bot = client_of(interaction)
        if value.startswith(ONLINE_PREFIX) and value[len(ONLINE_PREFIX) :].strip():
            return OnlineQuery(value[len(ONLINE_PREFIX) :].strip())
        try:
            return await bot.films.resolve(value)
        except NotFound:
            if not bot.enrich.finds_online or not value.strip():
                raise
            return OnlineQuery(value.strip())


OnlineFilmOption = app_commands.Transform[FilmSummary | OnlineQuery, OnlineFilmTransformer]
