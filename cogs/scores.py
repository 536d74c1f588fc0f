"""``/rate``, ``/ratings``, ``/scores`` and ``/top``: member ratings and every score on its own scale."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import FilmBot
from bot.errors import BadInput
from bot.scores import render, views
from bot.scores.aggregate import RATING_MAX, RATING_MIN
from bot.scores.service import REVIEW_MAX, TOP_MIN_RATINGS_DEFAULT, TOP_MIN_RATINGS_MAX
from bot.ui.options import FilmOption


async def _send(
    interaction: discord.Interaction[FilmBot], embed: discord.Embed, view: discord.ui.View | None
) -> None:
    if view is None:
        await interaction.response.send_message(embed=embed)
    else:
        await interaction.response.send_message(embed=embed, view=view)


class Scores(commands.Cog):
    def __init__(self, bot: FilmBot) -> None:
        self.bot = bot

    @app_commands.command(
        name="rate", description="Rate a film from 0.5 to 10 for this server, with a short review"
    )
    @app_commands.describe(
        film="The film: pick from the list, or type any spelling",
        score="0.5 to 10 in steps of 0.5 (rate again to change it)",
        review=f"Optional: a short review, up to {REVIEW_MAX} characters",
        spoiler="Does your review give away the plot? Then it is only ever shown hidden",
        remove="Remove your rating (and review) of this film",
    )
    @app_commands.guild_only()
    async def rate(
        self,
        interaction: discord.Interaction[FilmBot],
        film: FilmOption,
        score: app_commands.Range[float, RATING_MIN, RATING_MAX] | None = None,
        review: app_commands.Range[str, 1, REVIEW_MAX] | None = None,
        spoiler: bool | None = None,
        remove: bool = False,
    ) -> None:
        assert interaction.guild_id is not None
        if remove:
            if score is not None or review is not None:
                raise BadInput("Either rate or remove: leave out score and review when you set remove:True.")
            removed = await self.bot.scores.remove(interaction.guild_id, film, interaction.user.id)
            embed = render.removed_embed(removed)
        elif score is None:
            raise BadInput(
                "Give a score from 0.5 to 10 (steps of 0.5), or remove:True to take your rating back.",
                hints=["/rate film:… score:8", "/rate film:… score:7.5 review:…", "/rate film:… remove:True"],
            )
        else:
            # Committed (fsynced) before we answer: the confirmation never announces a rating a crash
            # could lose.
            saved = await self.bot.scores.rate(
                interaction.guild_id, film, interaction.user.id, score, review=review, spoiler=spoiler
            )
            embed = render.rated_embed(saved)
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @app_commands.command(name="ratings", description="This server's ratings and reviews of a film")
    @app_commands.describe(film="The film: pick from the list, or type any spelling")
    @app_commands.guild_only()
    async def ratings(self, interaction: discord.Interaction[FilmBot], film: FilmOption) -> None:
        await _send(interaction, *await views.ratings_message(interaction, film, 0))

    @app_commands.command(
        name="scores",
        description="Every score for a film on its own scale, this server's ratings, and a chart",
    )
    @app_commands.describe(film="The film: pick from the list, or type any spelling")
    async def scores(self, interaction: discord.Interaction[FilmBot], film: FilmOption) -> None:
        await views.send_scores(interaction, film, ephemeral=False)

    @app_commands.command(name="top", description="This server's best-rated films, by its members")
    @app_commands.describe(
        min_ratings=f"Only films with at least this many ratings (default {TOP_MIN_RATINGS_DEFAULT})"
    )
    @app_commands.guild_only()
    async def top(
        self,
        interaction: discord.Interaction[FilmBot],
        min_ratings: app_commands.Range[int, 1, TOP_MIN_RATINGS_MAX] = TOP_MIN_RATINGS_DEFAULT,
    ) -> None:
        await _send(interaction, *await views.top_message(interaction, min_ratings, 0))


async def setup(bot: FilmBot) -> None:
    bot.add_dynamic_items(*views.DYNAMIC_ITEMS)
    await bot.add_cog(Scores(bot))
