"""The watchlist's Discord edge: the list with its page buttons and card menu, and the command answers.

The list's page buttons carry everything they need in their custom_id (page, sort, member), so a list
posted before a restart keeps paging. The menu is the catalog's ``OpenSelect``: it opens the picked
film's card, which carries the **Want to see** toggle (``bot.watchlist.want``).
"""

from __future__ import annotations

from typing import Any, cast

import discord
from discord import app_commands

from bot.catalog.views import OpenSelect
from bot.films.models import FilmSummary
from bot.films.views import CardButton
from bot.ui import limits
from bot.ui.items import RestartProofItem
from bot.ui.options import FilmTransformer, client_of
from bot.ui.replies import after_commit, update_message
from bot.ui.text import truncate
from bot.watchlist import render
from bot.watchlist.models import Sort, Suggested, WatchlistPage
from bot.watchlist.want import WantButton

EVERYONE = 0  # the member field of a page button's custom_id when the list is not filtered


class PageButton(
    RestartProofItem[discord.ui.Button[Any]],
    custom_id="filmbot:watchlist:page:{page:\\d{1,6}}:{sort:wanted|newest|oldest|score}:{member}:{dir:prev|next}",
):
    """Turns a /watchlist list message to another page (``page``, 0-based, is the page it leads to)."""

    def __init__(self, page: int, sort: str, member: int, dir: str, *, disabled: bool = False) -> None:
        super().__init__(
            discord.ui.Button(
                label="◀ Previous" if dir == "prev" else "Next ▶",
                style=discord.ButtonStyle.secondary,
                disabled=disabled,
                custom_id=self.make_id(page=max(page, 0), sort=sort, member=member, dir=dir),
            )
        )
        self.page = max(page, 0)
        self.sort = cast(Sort, sort)  # the format admits only the four sorts
        self.member_id = member or None

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        if interaction.guild_id is None:
            raise app_commands.NoPrivateMessage()
        work = client_of(interaction).watchlist.page(
            interaction.guild_id, self.sort, self.member_id, self.page
        )
        # Ranking 10,000 films by score takes a moment: defer (keeping the message) if it runs long.
        page = await after_commit(interaction, work, update=True)
        await update_message(interaction, *list_message(page))


def list_message(page: WatchlistPage) -> tuple[discord.Embed, discord.ui.View]:
    """A page of the list, with previous / next buttons and a menu opening a film's card."""
    member = page.member_id or EVERYONE
    view = discord.ui.View(timeout=None)
    if page.pages > 1:
        view.add_item(PageButton(page.page - 1, page.sort, member, "prev", disabled=page.page == 0))
        view.add_item(
            PageButton(page.page + 1, page.sort, member, "next", disabled=page.page >= page.pages - 1)
        )
    options = [
        discord.SelectOption(
            label=truncate(listed.entry.film.label, limits.SELECT_OPTION_TEXT),
            value=str(listed.entry.film.id),
            description=truncate(render.wants(listed.entry.wants), limits.SELECT_OPTION_TEXT),
        )
        for listed in page.films[: limits.SELECT_OPTIONS]
    ]
    view.add_item(OpenSelect(options))
    return render.list_embed(page), view


def suggested_message(suggested: Suggested) -> tuple[discord.Embed, discord.ui.View | None]:
    """A new suggestion: for everyone, with the toggle and the card; a want added: just the text."""
    embed = render.suggested_embed(suggested)
    if suggested.status != "added":
        return embed, None
    view = discord.ui.View(timeout=None)
    view.add_item(WantButton(suggested.entry.film.id))
    view.add_item(CardButton(suggested.entry.film.id))
    return embed, view


class WatchlistFilmTransformer(FilmTransformer):
    """A film option autocompleted from this server's watchlist (most wanted first); read like any film."""

    async def autocomplete(  # type: ignore[override]
        self, interaction: discord.Interaction[Any], value: str
    ) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None:
            return []
        choices = await client_of(interaction).watchlist.choices(interaction.guild_id, value)
        return [app_commands.Choice(name=c.name, value=c.value) for c in choices]


WatchlistFilm = app_commands.Transform[FilmSummary, WatchlistFilmTransformer]

DYNAMIC_ITEMS = (PageButton, WantButton)
