"""The scores feature's Discord edge: its restart-proof buttons and the messages they and the commands send.

Buttons: open a film's scores, page through ratings and the top list. Each is a ``RestartProofItem``: its
custom_id carries all it needs (film id, page, minimum ratings), and ``handle`` rebuilds the state from the
database, so buttons keep working after a restart. Embeds come from ``bot/scores/render.py``.
"""

from __future__ import annotations

import io
from typing import Any

import discord

from bot.enrich.views import add_status
from bot.errors import UserError
from bot.films.models import FilmSummary
from bot.scores import render
from bot.ui.items import RestartProofItem
from bot.ui.options import client_of


async def send_scores(interaction: discord.Interaction[Any], film: FilmSummary, *, ephemeral: bool) -> None:
    """Answer with the scores embed and its chart; deferred first, since the chart takes a moment."""
    await interaction.response.defer(thinking=True, ephemeral=ephemeral)
    bot = client_of(interaction)
    enriched = await bot.enrich.ensure(film)  # scores from Wikidata (and TMDB) fetched first when due
    scores = bot.scores
    summary = await scores.summary(film, interaction.guild_id)
    png = await scores.chart(summary)
    name = render.chart_filename(summary)
    await interaction.followup.send(
        embed=add_status(render.scores_embed(summary, chart=name), enriched.state),
        file=discord.File(io.BytesIO(png), filename=name, description=f"Score chart for {film.label}"[:1024]),
        ephemeral=ephemeral,
    )


class ScoresButton(RestartProofItem[discord.ui.Button[Any]], custom_id="filmbot:scores:open:{film}"):
    """Under a film card: opens that film's scores and chart for whoever clicks, ephemerally."""

    def __init__(self, film: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Scores", style=discord.ButtonStyle.secondary, custom_id=self.make_id(film=film)
            )
        )
        self.film_id = film

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        film = await client_of(interaction).films.by_id(self.film_id)
        await send_scores(interaction, film, ephemeral=True)


def _pager_button(custom_id: str, direction: str, disabled: bool) -> discord.ui.Button[Any]:
    return discord.ui.Button(
        label="◀ Previous" if direction == "prev" else "Next ▶",
        style=discord.ButtonStyle.secondary,
        custom_id=custom_id,
        disabled=disabled,
    )


class RatingsPager(
    RestartProofItem[discord.ui.Button[Any]],
    custom_id="filmbot:scores:ratings:{film}:{page}:{dir:prev|next}",
):
    """Turns a /ratings message to another page (``page`` is the page it leads to; ``dir`` prev or next)."""

    def __init__(self, film: int, page: int, dir: str, *, disabled: bool = False) -> None:
        super().__init__(_pager_button(self.make_id(film=film, page=page, dir=dir), dir, disabled))
        self.film_id, self.page = film, page

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        film = await client_of(interaction).films.by_id(self.film_id)
        embed, view = await ratings_message(interaction, film, self.page)
        await interaction.response.edit_message(embed=embed, view=view)


class TopPager(
    RestartProofItem[discord.ui.Button[Any]],
    custom_id="filmbot:scores:top:{min}:{page}:{dir:prev|next}",
):
    """Turns a /top message to another page, keeping its minimum number of ratings (``min``)."""

    def __init__(self, min: int, page: int, dir: str, *, disabled: bool = False) -> None:
        super().__init__(_pager_button(self.make_id(min=min, page=page, dir=dir), dir, disabled))
        self.min_ratings, self.page = min, page

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        embed, view = await top_message(interaction, self.min_ratings, self.page)
        await interaction.response.edit_message(embed=embed, view=view)


def _guild(interaction: discord.Interaction[Any]) -> int:
    if interaction.guild_id is None:
        raise UserError("Member ratings belong to a server; use this in one.")
    return interaction.guild_id


async def ratings_message(
    interaction: discord.Interaction[Any], film: FilmSummary, page: int
) -> tuple[discord.Embed, discord.ui.View | None]:
    bot = client_of(interaction)
    guild_id = _guild(interaction)
    listing = await bot.scores.ratings_page(guild_id, film, page)
    summary = await bot.scores.summary(film, guild_id)
    embed = render.ratings_embed(listing, summary)
    if listing.pages <= 1:
        return embed, None
    view = discord.ui.View(timeout=None)
    view.add_item(RatingsPager(film.id, max(listing.page - 1, 0), "prev", disabled=listing.page == 0))
    view.add_item(RatingsPager(film.id, listing.page + 1, "next", disabled=listing.page >= listing.pages - 1))
    return embed, view


async def top_message(
    interaction: discord.Interaction[Any], min_ratings: int, page: int
) -> tuple[discord.Embed, discord.ui.View | None]:
    bot = client_of(interaction)
    top = await bot.scores.top(_guild(interaction), min_ratings, page)
    embed = render.top_embed(top)
    if top.pages <= 1:
        return embed, None
    view = discord.ui.View(timeout=None)
    view.add_item(TopPager(min_ratings, max(top.page - 1, 0), "prev", disabled=top.page == 0))
    view.add_item(TopPager(min_ratings, top.page + 1, "next", disabled=top.page >= top.pages - 1))
    return embed, view


DYNAMIC_ITEMS = (ScoresButton, RatingsPager, TopPager)
