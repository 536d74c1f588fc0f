"""The watched history's Discord edge: the rating menu a party's end posts, the ``/history`` page buttons,
and the messages ``/history`` and ``/stats`` send.

Each item is a ``RestartProofItem``: its custom_id carries what it needs (the rating menu's number; the
year and page), and ``handle`` reads the rest from the database, so both keep working after a restart.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Sequence
from typing import Any

import discord

from bot.catalog.views import OpenSelect
from bot.errors import BadInput, UserError
from bot.films.models import FilmSummary
from bot.films.views import CardButton
from bot.history import render
from bot.history.models import RATING_STEPS, Count, HistoryPage, RatingPrompt, ServerStats, StatsFigure
from bot.scores.render import rated_embed
from bot.ui import limits
from bot.ui.items import RestartProofItem
from bot.ui.options import client_of
from bot.ui.text import truncate

log = logging.getLogger(__name__)

# The rating menu lists 10 down to 0.5; its values are half-points (20 = 10/10), exact as stored.
_RATING_OPTIONS = [
    discord.SelectOption(label=render.rating_option(step), value=str(int(step * 2)))
    for step in reversed(RATING_STEPS)
]
assert len(_RATING_OPTIONS) <= limits.SELECT_OPTIONS
ALL_YEARS = 0  # the year in a page button's custom_id when /history lists every year


class RateSelect(RestartProofItem[discord.ui.Select[Any]], custom_id="filmbot:history:rate:{prompt}"):
    """The "How was it?" menu: whoever picks has rated the film (an ordinary /rate), until it closes."""

    def __init__(self, prompt: int, *, closed: bool = False) -> None:
        super().__init__(
            discord.ui.Select(
                custom_id=self.make_id(prompt=prompt),
                placeholder="Ratings are closed" if closed else "Your rating, 0.5 to 10…",
                options=list(_RATING_OPTIONS),
                disabled=closed,
            )
        )
        self.prompt_id = prompt

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        values = self.item.values
        if not values or not values[0].isdigit() or not 1 <= int(values[0]) <= len(RATING_STEPS):
            raise BadInput("Pick a rating from the menu: 0.5 to 10 in steps of 0.5.")
        # Committed (group commit, fsynced) before the confirmation is sent.
        saved = await client_of(interaction).history.rate(
            self.prompt_id, interaction.user.id, int(values[0]) / 2
        )
        await interaction.response.send_message(embed=rated_embed(saved), ephemeral=True)


def prompt_view(prompt: RatingPrompt) -> discord.ui.View:
    """The rating menu (disabled once closed) and the film's card."""
    view = discord.ui.View(timeout=None)
    view.add_item(RateSelect(prompt.id, closed=prompt.state == "closed"))
    view.add_item(CardButton(prompt.film_id))
    return view


class HistoryPager(
    RestartProofItem[discord.ui.Button[Any]],
    custom_id="filmbot:history:page:{year}:{page}:{dir:prev|next}",
):
    """Turns a /history message to another page (``year`` 0: every year; ``page`` the page it leads to)."""

    def __init__(self, year: int, page: int, dir: str, *, disabled: bool = False) -> None:
        super().__init__(
            discord.ui.Button(
                label="◀ Previous" if dir == "prev" else "Next ▶",
                style=discord.ButtonStyle.secondary,
                custom_id=self.make_id(year=year, page=page, dir=dir),
                disabled=disabled,
            )
        )
        self.year = year or None
        self.page = page

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        page = await client_of(interaction).history.page(guild_of(interaction), self.year, self.page)
        embed, view = history_message(page)
        await interaction.response.edit_message(embed=embed, view=view)


def guild_of(interaction: discord.Interaction[Any]) -> int:
    if interaction.guild_id is None:
        raise UserError("The watched history belongs to a server; use this in one.")
    return interaction.guild_id


def history_message(page: HistoryPage) -> tuple[discord.Embed, discord.ui.View]:
    """A /history page: the buttons (when there is more than one page) and a menu opening a film's card."""
    view = discord.ui.View(timeout=None)
    if page.pages > 1:
        year = page.year or ALL_YEARS
        view.add_item(HistoryPager(year, max(page.page - 1, 0), "prev", disabled=page.page == 0))
        view.add_item(HistoryPager(year, page.page + 1, "next", disabled=page.page >= page.pages - 1))
    films: dict[int, FilmSummary] = {line.film.id: line.film for line in page.lines if line.film is not None}
    if films:
        options = [
            discord.SelectOption(label=truncate(film.label, limits.SELECT_OPTION_TEXT), value=str(film.id))
            for film in list(films.values())[: limits.SELECT_OPTIONS]
        ]
        view.add_item(OpenSelect(options))
    return render.history_embed(page), view


async def member_names(guild: discord.Guild | None, rows: Sequence[Count]) -> tuple[str, ...]:
    """The display names of the members in ``rows`` (keys are user ids), for the chart, where a mention
    cannot show. Without the members intent few are cached: the rest are fetched, a few at most."""
    names = []
    for row in rows:
        user_id = int(row.key)
        member = guild.get_member(user_id) if guild is not None else None
        if member is None and guild is not None:
            try:
                member = await guild.fetch_member(user_id)
            except discord.NotFound:
                member = None
            except discord.HTTPException:
                log.info("could not fetch member %s for the stats chart", user_id)
        names.append(member.display_name if member is not None else "a former member")
    return tuple(names)


async def send_stats(interaction: discord.Interaction[Any], stats: ServerStats) -> None:
    """Answer /stats (already deferred) with the chart and the summary beside it."""
    names = await member_names(interaction.guild, stats.raters)
    suggesters = await member_names(interaction.guild, stats.suggesters)
    title = render.stats_title(interaction.guild.name if interaction.guild else None, stats.year)
    png = await client_of(interaction).history.chart(StatsFigure(stats, title, names, suggesters))
    name = render.stats_filename(stats)
    raters = [f"<@{row.key}> ({row.count})" for row in stats.raters[:5]]
    suggested = [f"<@{row.key}> ({row.count})" for row in stats.suggesters[:5]]
    await interaction.followup.send(
        embed=render.stats_embed(stats, title, name, raters, suggested),
        file=discord.File(
            io.BytesIO(png), filename=name, description=truncate(f"Stats chart: {title}", 1024)
        ),
    )


DYNAMIC_ITEMS = (RateSelect, HistoryPager)
