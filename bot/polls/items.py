"""Poll buttons and menus: restart-proof ``DynamicItem``s whose state is the database and their custom_id.

custom_ids (all ≤ 100 characters):

- ``filmbot:poll:vote:<poll>:<option>``   a vote button (single: vote; multi/approval: toggle)
- ``filmbot:poll:select:<poll>``          the vote menu for polls of more than five options
- ``filmbot:poll:ballot:<poll>``          "My ballot"; for ranked polls, opens the ranking ballot
- ``filmbot:poll:retract:<poll>``         retract my ballot
- ``filmbot:poll:rank:<poll>:<ranking>``  ranked ballot: pick the next choice (ephemeral message)
- ``filmbot:poll:rankset:<poll>:<ranking>`` ranked ballot: undo / start over
- ``filmbot:poll:submit:<poll>:<ranking>`` ranked ballot: submit

A ranking is kept in the custom_id, one base-36 digit per option position (25 options at most), so an
ephemeral ranking in progress survives a restart without any table.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Sequence
from typing import Any, TypeVar, cast

import discord
from discord.ext import commands

from bot.errors import BadInput
from bot.polls import render
from bot.polls.models import Poll
from bot.polls.service import PollService
from bot.ui.answers import answers_errors

log = logging.getLogger(__name__)

T = TypeVar("T")
DIGITS = "0123456789abcdefghijklmno"
# Answer within Discord's 3 s: if a commit takes longer than this, defer first and answer after it.
DEFER_AFTER = 2.0
MAX_BUTTONS = 5


def encode_ranking(ranking: Sequence[int]) -> str:
    return "".join(DIGITS[c] for c in ranking)


def decode_ranking(text: str) -> tuple[int, ...]:
    ranking = tuple(DIGITS.index(ch) for ch in text)
    if len(set(ranking)) != len(ranking):
        raise BadInput("That ranking names an option twice; start over.")
    return ranking


def service_of(interaction: discord.Interaction[Any]) -> PollService:
    cog = interaction.client.get_cog("Polls") if isinstance(interaction.client, commands.Bot) else None
    if cog is None:
        raise RuntimeError("the Polls cog is not loaded")
    return cast(PollService, cog.service)  # type: ignore[attr-defined]


def role_ids(interaction: discord.Interaction[Any]) -> tuple[int, ...]:
    """The member's role ids, from the member the interaction carries (no members intent needed)."""
    user = interaction.user
    return tuple(role.id for role in user.roles) if isinstance(user, discord.Member) else ()


async def after_commit(
    interaction: discord.Interaction[Any], work: Awaitable[T], *, update: bool = False
) -> T:
    """Await ``work`` (a commit); if it outlasts ``DEFER_AFTER``, defer so Discord's deadline is kept."""
    task = asyncio.ensure_future(work)
    done, _ = await asyncio.wait({task}, timeout=DEFER_AFTER)
    if not done and not interaction.response.is_done():
        if update:
            await interaction.response.defer()
        else:
            await interaction.response.defer(ephemeral=True, thinking=True)
    return await task


async def answer(
    interaction: discord.Interaction[Any], embed: discord.Embed, view: discord.ui.View | None = None
) -> None:
    if interaction.response.is_done():
        if view is None:
            await interaction.followup.send(embed=embed, ephemeral=True)
        else:
            await interaction.followup.send(embed=embed, view=view, ephemeral=True)
    elif view is None:
        await interaction.response.send_message(embed=embed, ephemeral=True)
    else:
        await interaction.response.send_message(embed=embed, view=view, ephemeral=True)


async def update_message(
    interaction: discord.Interaction[Any], embed: discord.Embed, view: discord.ui.View | None
) -> None:
    if interaction.response.is_done():
        await interaction.edit_original_response(embed=embed, view=view)
    else:
        await interaction.response.edit_message(embed=embed, view=view)


# -- the poll message ------------------------------------------------------------------------------------


class VoteButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"filmbot:poll:vote:(?P<poll>\d+):(?P<option>\d+)",
):
    def __init__(self, poll_id: int, option: int, label: str) -> None:
        super().__init__(
            discord.ui.Button(
                label=label[:80] or str(option + 1),
                style=discord.ButtonStyle.primary,
                custom_id=f"filmbot:poll:vote:{poll_id}:{option}",
                row=0,
            )
        )
        self.poll_id = poll_id
        self.option = option

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> VoteButton:
        label = item.label if isinstance(item, discord.ui.Button) and item.label else ""
        return cls(int(match["poll"]), int(match["option"]), label)

    @answers_errors
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        service = service_of(interaction)
        poll = await service.get_definition(self.poll_id)
        if poll.mode == "single":
            op = service.vote(self.poll_id, interaction.user.id, role_ids(interaction), [self.option])
        else:
            op = service.toggle(self.poll_id, interaction.user.id, role_ids(interaction), self.option)
        result = await after_commit(interaction, op)
        await answer(interaction, render.ballot_embed(poll, result.status, result.choices))


class VoteSelect(
    discord.ui.DynamicItem[discord.ui.Select[Any]], template=r"filmbot:poll:select:(?P<poll>\d+)"
):
    def __init__(self, poll_id: int, options: list[discord.SelectOption], max_values: int) -> None:
        super().__init__(
            discord.ui.Select(
                custom_id=f"filmbot:poll:select:{poll_id}",
                placeholder="Vote: pick "
                + ("an option" if max_values == 1 else f"up to {max_values} options"),
                options=options,
                min_values=1,
                max_values=max_values,
                row=0,
            )
        )
        self.poll_id = poll_id

    @classmethod
    def for_poll(cls, poll: Poll) -> VoteSelect:
        options = [discord.SelectOption(label=o.label[:100], value=str(o.position)) for o in poll.options]
        return cls(poll.id, options, min(poll.max_choices, len(options)))

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> VoteSelect:
        assert isinstance(item, discord.ui.Select)
        return cls(int(match["poll"]), list(item.options), item.max_values)

    @answers_errors
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        service = service_of(interaction)
        poll = await service.get_definition(self.poll_id)
        picked = [int(v) for v in self.item.values]
        op = service.vote(self.poll_id, interaction.user.id, role_ids(interaction), picked)
        result = await after_commit(interaction, op)
        await answer(interaction, render.ballot_embed(poll, result.status, result.choices))


class BallotButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"filmbot:poll:ballot:(?P<poll>\d+)"
):
    def __init__(self, poll_id: int, *, ranked: bool = False) -> None:
        super().__init__(
            discord.ui.Button(
                label="Rank your choices" if ranked else "My ballot",
                style=discord.ButtonStyle.primary if ranked else discord.ButtonStyle.secondary,
                custom_id=f"filmbot:poll:ballot:{poll_id}",
                row=1,
            )
        )
        self.poll_id = poll_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> BallotButton:
        return cls(int(match["poll"]))

    @answers_errors
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        poll, current = await service_of(interaction).my_ballot(self.poll_id, interaction.user.id)
        if poll.mode == "ranked" and poll.accepts_votes(service_of(interaction).clock.now()):
            await answer(interaction, render.ranking_embed(poll, (), current), ranking_view(poll, ()))
        else:
            await answer(interaction, render.my_ballot_embed(poll, current))


class RetractButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"filmbot:poll:retract:(?P<poll>\d+)"
):
    def __init__(self, poll_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Retract my ballot",
                style=discord.ButtonStyle.danger,
                custom_id=f"filmbot:poll:retract:{poll_id}",
                row=1,
            )
        )
        self.poll_id = poll_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> RetractButton:
        return cls(int(match["poll"]))

    @answers_errors
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        service = service_of(interaction)
        poll = await service.get_definition(self.poll_id)
        result = await after_commit(
            interaction, service.retract(self.poll_id, interaction.user.id, role_ids(interaction))
        )
        await answer(interaction, render.ballot_embed(poll, result.status, None))


def poll_view(poll: Poll) -> discord.ui.View | None:
    """The components under an open poll; None once it is closed (the result is posted instead)."""
    if not poll.is_open:
        return None
    view = discord.ui.View(timeout=None)
    if poll.mode == "ranked":
        view.add_item(BallotButton(poll.id, ranked=True))
    elif len(poll.options) <= MAX_BUTTONS:
        for option in poll.options:
            view.add_item(VoteButton(poll.id, option.position, option.label))
        view.add_item(BallotButton(poll.id))
    else:
        view.add_item(VoteSelect.for_poll(poll))
        view.add_item(BallotButton(poll.id))
    view.add_item(RetractButton(poll.id))
    return view


# -- the ranked ballot (ephemeral) -----------------------------------------------------------------------


class RankSelect(
    discord.ui.DynamicItem[discord.ui.Select[Any]],
    template=r"filmbot:poll:rank:(?P<poll>\d+):(?P<ranking>[0-9a-o]*)",
):
    def __init__(self, poll_id: int, ranking: tuple[int, ...], options: list[discord.SelectOption]) -> None:
        super().__init__(
            discord.ui.Select(
                custom_id=f"filmbot:poll:rank:{poll_id}:{encode_ranking(ranking)}",
                placeholder=f"Choice #{len(ranking) + 1}: pick your next favourite",
                options=options,
                row=0,
            )
        )
        self.poll_id = poll_id
        self.ranking = ranking

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> RankSelect:
        assert isinstance(item, discord.ui.Select)
        return cls(int(match["poll"]), decode_ranking(match["ranking"]), list(item.options))

    @answers_errors
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        poll, current = await service_of(interaction).my_ballot(self.poll_id, interaction.user.id)
        choice = int(self.item.values[0])
        ranking = self.ranking if choice in self.ranking else (*self.ranking, choice)
        await update_message(
            interaction, render.ranking_embed(poll, ranking, current), ranking_view(poll, ranking)
        )


class RankSet(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"filmbot:poll:rankset:(?P<poll>\d+):(?P<ranking>[0-9a-o]*)",
):
    def __init__(self, poll_id: int, ranking: tuple[int, ...], label: str) -> None:
        super().__init__(
            discord.ui.Button(
                label=label,
                style=discord.ButtonStyle.secondary,
                custom_id=f"filmbot:poll:rankset:{poll_id}:{encode_ranking(ranking)}",
                row=1,
            )
        )
        self.poll_id = poll_id
        self.ranking = ranking

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> RankSet:
        label = item.label if isinstance(item, discord.ui.Button) and item.label else "Undo"
        return cls(int(match["poll"]), decode_ranking(match["ranking"]), label)

    @answers_errors
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        poll, current = await service_of(interaction).my_ballot(self.poll_id, interaction.user.id)
        await update_message(
            interaction,
            render.ranking_embed(poll, self.ranking, current),
            ranking_view(poll, self.ranking),
        )


class RankSubmit(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"filmbot:poll:submit:(?P<poll>\d+):(?P<ranking>[0-9a-o]+)",
):
    def __init__(self, poll_id: int, ranking: tuple[int, ...]) -> None:
        super().__init__(
            discord.ui.Button(
                label="Submit",
                style=discord.ButtonStyle.success,
                custom_id=f"filmbot:poll:submit:{poll_id}:{encode_ranking(ranking)}",
                row=1,
            )
        )
        self.poll_id = poll_id
        self.ranking = ranking

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> RankSubmit:
        return cls(int(match["poll"]), decode_ranking(match["ranking"]))

    @answers_errors
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        service = service_of(interaction)
        poll = await service.get_definition(self.poll_id)
        op = service.vote(self.poll_id, interaction.user.id, role_ids(interaction), self.ranking)
        result = await after_commit(interaction, op, update=True)
        await update_message(interaction, render.ballot_embed(poll, result.status, result.choices), None)


def ranking_view(poll: Poll, ranking: tuple[int, ...]) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    remaining = [o for o in poll.options if o.position not in ranking]
    if remaining:
        options = [discord.SelectOption(label=o.label[:100], value=str(o.position)) for o in remaining]
        view.add_item(RankSelect(poll.id, ranking, options))
    if ranking:
        view.add_item(RankSubmit(poll.id, ranking))
        view.add_item(RankSet(poll.id, ranking[:-1], "Undo last"))
        if len(ranking) > 1:
            view.add_item(RankSet(poll.id, (), "Start over"))
    return view


DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (
    VoteButton,
    VoteSelect,
    BallotButton,
    RetractButton,
    RankSelect,
    RankSet,
    RankSubmit,
)
