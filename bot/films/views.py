"""The film card's Discord edge: the restart-proof button that opens a card anywhere, and the card message.

Every feature that shows a film (polls, watch parties, lists) shows it the same way: ``card_message``
for the card itself, ``CardButton`` for a button that opens it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord

from bot.enrich.views import fetch_first, status_field
from bot.films import render
from bot.films.models import FilmSummary
from bot.scores.views import ScoresButton
from bot.spoilers.views import OpenPlotButton
from bot.ui.embeds import Field
from bot.ui.items import RestartProofItem
from bot.ui.options import client_of
from bot.ui.replies import answer
from bot.watchlist.want import WantButton
from bot.where_to_watch.render import tmdb_notice, where_field, with_premise

if TYPE_CHECKING:
    from bot.client import FilmBot

DEFAULT_LABEL = "Film card"


class CardButton(RestartProofItem[discord.ui.Button[Any]], custom_id="filmbot:film:card:{film}"):
    """Opens a film's fact card for whoever clicks, ephemerally (used by polls, watch parties, lists)."""

    def __init__(self, film: int, *, label: str = DEFAULT_LABEL) -> None:
        super().__init__(
            discord.ui.Button(
                label=label[:80], style=discord.ButtonStyle.secondary, custom_id=self.make_id(film=film)
            )
        )
        self.film_id = film

    @classmethod
    async def from_fields(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], /, **fields: Any
    ) -> CardButton:
        label = item.label if isinstance(item, discord.ui.Button) and item.label else DEFAULT_LABEL
        return cls(fields["film"], label=label)

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        bot = client_of(interaction)
        film = await bot.films.by_id(self.film_id)
        await fetch_first(interaction, film, ephemeral=True)  # online first when due (deferred)
        embed, view = await card_message(bot, film, interaction.guild_id)
        await answer(interaction, embed, view)


def card_view(film: FilmSummary, *, has_plot: bool, in_guild: bool = False) -> discord.ui.View:
    """The buttons under a fact card: scores, the plot when the film has one, and in a server **Want to
    see** (the server's watchlist); each restart-proof."""
    view = discord.ui.View(timeout=None)
    view.add_item(ScoresButton(film.id))
    if has_plot:
        view.add_item(OpenPlotButton(film.id))
    if in_guild:
        view.add_item(WantButton(film.id))
    return view


async def card_message(
    bot: FilmBot, film: FilmSummary, guild_id: int | None
) -> tuple[discord.Embed, discord.ui.View]:
    """The fact card with this server's score line, and its buttons: the same wherever a card is shown."""
    card = await bot.films.card(film)
    scores = await bot.scores.summary(film, guild_id)
    tmdb = await bot.where_to_watch.for_card(film.id, guild_id)
    where = where_field(tmdb.where)
    # What was fetched online and when, and what could not be: beside the scores, never crowded out.
    online = status_field(await bot.enrich.state(film.id))
    embed = render.card_embed(
        with_premise(card, tmdb.premise),
        extra_fields=[Field("Scores", scores.line), *(f for f in (where, online) if f)],
        thumbnail=tmdb.poster_url,
        notice=tmdb_notice(card, tmdb),
    )
    return embed, card_view(film, has_plot=card.has_plot, in_guild=guild_id is not None)


DYNAMIC_ITEMS = (CardButton,)
