"""``/poll``: create, movienight, close, results, list. Thin: parsing here, rules in ``bot.polls``."""

from __future__ import annotations

from datetime import datetime
from typing import Literal, cast

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import FilmBot
from bot.errors import BadInput
from bot.polls import render
from bot.polls.checks import check_question, max_choices_for, parse_options
from bot.polls.durations import parse_deadline
from bot.polls.models import Mode, NewPoll, PollOption
from bot.polls.views import DYNAMIC_ITEMS, MODALS, CommandReply, results_message
from bot.ui.modals import install
from bot.ui.options import FilmOption
from bot.watchlist.models import Draw, Pick

MODES = [
    app_commands.Choice(name="Single choice", value="single"),
    app_commands.Choice(name="Several choices (set max_choices)", value="multi"),
    app_commands.Choice(name="Ranked (instant-runoff)", value="ranked"),
    app_commands.Choice(name="Approval (any number)", value="approval"),
]
PICKS = [
    app_commands.Choice(name="The most wanted", value="wanted"),
    app_commands.Choice(name="A random draw", value="random"),
    app_commands.Choice(name="Half most wanted, half random", value="mixed"),
]
DURATION_HELP = "How long: 30m, 2h, 3d, 1d12h (up to 32 days), or an end time like 2026-03-01 20:00 (UTC)"


def _role_id(role: discord.Role | None) -> int | None:
    return None if role is None or role.is_default() else role.id


def _new_poll(
    interaction: discord.Interaction[FilmBot],
    *,
    question: str,
    mode: str,
    max_choices: int | None,
    options: tuple[PollOption, ...],
    closes_at: datetime,
    anonymous: bool,
    hide_results: bool,
    role: discord.Role | None,
    kind: Literal["plain", "movienight"] = "plain",
) -> NewPoll:
    """The poll a command asks for, checked: its question, mode and choices, in this channel, by this member."""
    assert interaction.guild_id is not None and interaction.channel_id is not None
    poll_mode = cast(Mode, mode)  # the option's choices are exactly the modes
    return NewPoll(
        guild_id=interaction.guild_id,
        channel_id=interaction.channel_id,
        author_id=interaction.user.id,
        question=check_question(question),
        mode=poll_mode,
        max_choices=max_choices_for(poll_mode, len(options), max_choices),
        anonymous=anonymous,
        hide_results=hide_results,
        role_id=_role_id(role),
        closes_at=closes_at,
        options=options,
        kind=kind,
    )


def _draw(from_watchlist: bool, count: int | None, pick: str | None) -> Draw | None:
    """How ``/poll movienight`` draws from the watchlist, or None when it does not."""
    if not from_watchlist:
        if count is not None or pick is not None:
            raise BadInput("count and pick choose films from the watchlist: add from_watchlist:True.")
        return None
    return Draw(cast(Pick, pick or "wanted"), count)


class Polls(commands.Cog):
    poll = app_commands.Group(
        name="poll", description="Polls: single, multi, ranked or approval votes", guild_only=True
    )

    def __init__(self, bot: FilmBot) -> None:
        self.bot = bot
        self.service = bot.polls

    # -- commands ------------------------------------------------------------------------------------

    @poll.command(name="create", description="Start a poll with 2–25 options")
    @app_commands.describe(
        question="What are members voting on?",
        options="The options, separated by semicolons: Heat; Ronin; Collateral",
        duration=DURATION_HELP,
        mode="How members vote (default: single choice)",
        max_choices="For several-choice polls: how many options a member may pick",
        anonymous="Never show who voted for what, not even to moderators",
        hide_results="Show the tally only once the poll closes",
        role="Only members with this role may vote",
    )
    @app_commands.choices(mode=MODES)
    async def create(
        self,
        interaction: discord.Interaction[FilmBot],
        question: app_commands.Range[str, 1, 200],
        options: app_commands.Range[str, 3, 4000],
        duration: app_commands.Range[str, 1, 60],
        mode: str = "single",
        max_choices: app_commands.Range[int, 1, 25] | None = None,
        anonymous: bool = False,
        hide_results: bool = False,
        role: discord.Role | None = None,
    ) -> None:
        labels = parse_options(options)
        new = _new_poll(
            interaction,
            question=question,
            mode=mode,
            max_choices=max_choices,
            options=tuple(PollOption(i, label) for i, label in enumerate(labels)),
            closes_at=parse_deadline(duration, self.bot.clock.now()),
            anonymous=anonymous,
            hide_results=hide_results,
            role=role,
        )
        await self.service.open(new, CommandReply(interaction))

    @poll.command(
        name="movienight", description="Vote on what to watch: 2–10 films, named or drawn from the watchlist"
    )
    @app_commands.describe(
        duration=DURATION_HELP,
        film1="A film: pick from the list",
        film2="Another film",
        from_watchlist="Draw films from the server's watchlist (besides any you name)",
        count="With from_watchlist: how many films the poll offers in all, 2–10 (default 5)",
        pick="With from_watchlist: the most wanted (default), a random draw, or half and half",
        mode="How members vote (default: single choice)",
        question="The question (default: What are we watching?)",
        anonymous="Never show who voted for what, not even to moderators",
        hide_results="Show the tally only once the poll closes",
        role="Only members with this role may vote",
    )
    @app_commands.choices(mode=[c for c in MODES if c.value != "multi"], pick=PICKS)
    async def movienight(
        self,
        interaction: discord.Interaction[FilmBot],
        duration: app_commands.Range[str, 1, 60],
        film1: FilmOption | None = None,
        film2: FilmOption | None = None,
        film3: FilmOption | None = None,
        film4: FilmOption | None = None,
        film5: FilmOption | None = None,
        film6: FilmOption | None = None,
        film7: FilmOption | None = None,
        film8: FilmOption | None = None,
        film9: FilmOption | None = None,
        film10: FilmOption | None = None,
        from_watchlist: bool = False,
        count: app_commands.Range[int, 2, 10] | None = None,
        pick: str | None = None,
        mode: str = "single",
        question: app_commands.Range[str, 1, 200] = "What are we watching?",
        anonymous: bool = False,
        hide_results: bool = False,
        role: discord.Role | None = None,
    ) -> None:
        assert interaction.guild_id is not None  # the /poll group is guild-only
        films = [f for f in (film1, film2, film3, film4, film5, film6, film7, film8, film9, film10) if f]
        closes_at = parse_deadline(duration, self.bot.clock.now())
        draw = _draw(from_watchlist, count, pick)
        new = _new_poll(
            interaction,
            question=question,
            mode=mode,
            max_choices=None,
            options=await self.service.movie_night_options(films, interaction.guild_id, draw),
            closes_at=closes_at,
            anonymous=anonymous,
            hide_results=hide_results,
            role=role,
            kind="movienight",
        )
        await self.service.open(new, CommandReply(interaction))

    @poll.command(
        name="close", description="Close a poll now and post its result (author or Manage Messages)"
    )
    @app_commands.describe(id="The poll: pick from the list")
    async def close(self, interaction: discord.Interaction[FilmBot], id: int) -> None:
        await self.service.close_and_announce(
            id,
            interaction.guild_id,
            by=interaction.user.id,
            can_manage=interaction.permissions.manage_messages,
            reply=CommandReply(interaction),
        )

    @poll.command(name="results", description="Show a poll's result, or its tally so far")
    @app_commands.describe(id="The poll: pick from the list")
    async def results(self, interaction: discord.Interaction[FilmBot], id: int) -> None:
        view = await self.service.results(id, interaction.guild_id)
        await interaction.response.defer(ephemeral=True, thinking=True)
        embed, files, components = await results_message(view)
        await interaction.followup.send(
            embed=embed,
            files=files or discord.utils.MISSING,
            view=components or discord.utils.MISSING,
            ephemeral=True,
        )

    @poll.command(name="list", description="The open polls in this server and when they close")
    async def list_(self, interaction: discord.Interaction[FilmBot]) -> None:
        assert interaction.guild_id is not None
        polls = await self.service.open_polls(interaction.guild_id)
        await interaction.response.send_message(
            embed=render.open_polls_embed(polls, self.bot.clock.now()), ephemeral=True
        )

    @close.autocomplete("id")
    async def _open_ids(
        self, interaction: discord.Interaction[FilmBot], value: str
    ) -> list[app_commands.Choice[int]]:
        return await self._id_choices(interaction, value, only_open=True)

    @results.autocomplete("id")
    async def _any_ids(
        self, interaction: discord.Interaction[FilmBot], value: str
    ) -> list[app_commands.Choice[int]]:
        return await self._id_choices(interaction, value, only_open=False)

    async def _id_choices(
        self, interaction: discord.Interaction[FilmBot], value: str, *, only_open: bool
    ) -> list[app_commands.Choice[int]]:
        if interaction.guild_id is None:
            return []
        text = value.strip().lstrip("#").casefold()
        choices = []
        for poll_id, question, is_open in await self.service.recent(interaction.guild_id):
            if only_open and not is_open:
                continue
            if text and text not in str(poll_id) and text not in question.casefold():
                continue
            name = f"#{poll_id} · {question}" + ("" if is_open else " (closed)")
            choices.append(app_commands.Choice(name=name[:100], value=poll_id))
        return choices[:25]


async def setup(bot: FilmBot) -> None:
    bot.add_dynamic_items(*DYNAMIC_ITEMS)
    install(bot, *MODALS)
    await bot.add_cog(Polls(bot))
