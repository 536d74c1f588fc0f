"""The **Want to see** toggle every film card shown in a server carries (``bot.films.views.card_view``).

It sits apart from ``views.py`` because the film card imports it, and ``views.py`` opens film cards: one
module each way keeps the imports one-directional.
"""

from __future__ import annotations

from typing import Any

import discord

from bot.errors import UserError
from bot.ui.items import RestartProofItem
from bot.ui.options import client_of
from bot.ui.replies import after_commit, answer
from bot.watchlist import render


class WantButton(RestartProofItem[discord.ui.Button[Any]], custom_id="filmbot:watchlist:want:{film}"):
    """Want to see the film (suggesting it if it is not on the list), or take that back: a toggle.

    The message is shared, so the button shows no per-member state; the ephemeral answer, sent after the
    commit, says what the click did.
    """

    def __init__(self, film: int) -> None:
        super().__init__(
            discord.ui.Button(
                label=render.WANT_LABEL,
                emoji=render.WANT_EMOJI,
                style=discord.ButtonStyle.secondary,
                custom_id=self.make_id(film=film),
            )
        )
        self.film_id = film

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        if interaction.guild_id is None:
            raise UserError("The watchlist belongs to a server: use Want to see on a card shown in one.")
        watchlist = client_of(interaction).watchlist
        toggled = await after_commit(
            interaction, watchlist.toggle_want(interaction.guild_id, self.film_id, interaction.user.id)
        )
        await answer(interaction, render.toggled_embed(toggled))
