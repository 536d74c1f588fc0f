"""The catalog's Discord edge: browse pages with their buttons and menu, and the random pick's button.

``browse_message`` is what ``/films browse`` and the page buttons send; ``random_message`` is what
``/films random`` and "Another one" send. Each item's ``custom_id`` format is written once, below.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any

import discord

from bot.catalog.models import BrowsePage
from bot.catalog.render import browse_embed
from bot.errors import NotFound
from bot.films.models import FilmSummary
from bot.films.views import card_message
from bot.ui import limits
from bot.ui.items import RestartProofItem
from bot.ui.options import client_of
from bot.ui.text import truncate

if TYPE_CHECKING:
    from bot.client import FilmBot


class PageButton(
    RestartProofItem[discord.ui.Button[Any]],
    custom_id="filmbot:films:browse:{page:\\d{1,6}}:{key:[0-9a-f]{16}}",
):
    """Turns a browse listing to another page; the filters are kept in the store under ``key``."""

    def __init__(self, page: int, key: str, *, label: str = "Page", disabled: bool = False) -> None:
        super().__init__(
            discord.ui.Button(
                label=label,
                style=discord.ButtonStyle.secondary,
                disabled=disabled,
                custom_id=self.make_id(page=max(page, 0), key=key),
            )
        )
        self.page = page
        self.key = key

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        page = await client_of(interaction).catalog.browse_saved(self.key, self.page)
        embed, view = browse_message(page)
        await interaction.response.edit_message(embed=embed, view=view)


class PageCounter(
    RestartProofItem[discord.ui.Button[Any]], custom_id="filmbot:films:noop:{key:[0-9a-f]{16}}"
):
    """The disabled "page / pages" label between the page buttons; it does nothing if ever used."""

    def __init__(self, key: str, *, label: str = "…") -> None:
        super().__init__(discord.ui.Button(label=label, disabled=True, custom_id=self.make_id(key=key)))

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        await interaction.response.defer()


class OpenSelect(RestartProofItem[discord.ui.Select[Any]], custom_id="filmbot:films:open"):
    """Shows the picked film's card to whoever picked it."""

    def __init__(self, options: list[discord.SelectOption] | None = None) -> None:
        super().__init__(
            discord.ui.Select(
                custom_id=self.make_id(),
                placeholder="Open a film's card…",
                options=options or [discord.SelectOption(label="(none)", value="0")],
            )
        )

    @classmethod
    async def from_fields(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], /, **fields: Any
    ) -> OpenSelect:
        return cls(item.options if isinstance(item, discord.ui.Select) else None)

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        values = self.item.values
        if not values or not values[0].isdigit():
            raise NotFound("Pick a film from the menu.")
        bot = client_of(interaction)
        film = await bot.films.by_id(int(values[0]))
        embed, view = await card_message(bot, film, interaction.guild_id)
        await interaction.response.send_message(embed=embed, view=view, ephemeral=True)


class AnotherButton(RestartProofItem[discord.ui.Button[Any]], custom_id="filmbot:films:random:{genre:.*}"):
    """Another random film (of the same genre), for whoever clicks, ephemerally."""

    def __init__(self, genre: str | None) -> None:
        super().__init__(
            discord.ui.Button(
                label="Another one",
                emoji="🎲",
                style=discord.ButtonStyle.secondary,
                custom_id=self.make_id(genre=genre or ""),
            )
        )
        self.genre = genre or None

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        bot = client_of(interaction)
        film = await bot.catalog.random(self.genre)
        embed, view = await random_message(bot, film, self.genre, interaction.guild_id)
        await interaction.response.send_message(embed=embed, view=view, ephemeral=True)


def browse_message(page: BrowsePage) -> tuple[discord.Embed, discord.ui.View]:
    """A listing page, with previous / page / next buttons and a menu opening a film's card."""
    key = page.filters.key
    view = discord.ui.View(timeout=None)
    view.add_item(PageButton(page.page - 1, key, label="◀ Previous", disabled=page.page <= 1))
    view.add_item(PageCounter(key, label=f"{page.page} / {page.pages}"))
    view.add_item(PageButton(page.page + 1, key, label="Next ▶", disabled=page.page >= page.pages))
    options = [
        discord.SelectOption(label=truncate(film.label, limits.SELECT_OPTION_TEXT), value=str(film.id))
        for film in page.films[: limits.SELECT_OPTIONS]
    ]
    view.add_item(OpenSelect(options))
    return browse_embed(page), view


async def random_message(
    bot: FilmBot, film: FilmSummary, genre: str | None, guild_id: int | None
) -> tuple[discord.Embed, discord.ui.View]:
    """A random pick's card, with an "Another one" button when the genre fits in a custom_id."""
    embed, view = await card_message(bot, film, guild_id)
    with contextlib.suppress(ValueError):  # a genre too long for a custom_id: no button
        view.add_item(AnotherButton(genre))
    return embed, view


DYNAMIC_ITEMS = (PageButton, PageCounter, OpenSelect, AnotherButton)
