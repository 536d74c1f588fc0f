"""Option types shared by many commands: a film picked by any spelling, with autocomplete."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import discord
from discord import app_commands

from bot.films.models import FilmSummary

if TYPE_CHECKING:
    from bot.client import FilmBot


def client_of(interaction: discord.Interaction[Any]) -> FilmBot:
    return cast("FilmBot", interaction.client)


class FilmTransformer(app_commands.Transformer):
    """Autocompletes titles (at most 25, best first) and turns a pick or free text into a film."""

    async def autocomplete(  # type: ignore[override]
        self, interaction: discord.Interaction[Any], value: str
    ) -> list[app_commands.Choice[str]]:
        choices = await client_of(interaction).films.autocomplete(value)
        return [app_commands.Choice(name=c.name, value=c.value) for c in choices]

    async def transform(self, interaction: discord.Interaction[Any], value: str) -> FilmSummary:
        return await client_of(interaction).films.resolve(value)


FilmOption = app_commands.Transform[FilmSummary, FilmTransformer]
