"""The polls' Discord edge: restart-proof buttons and menus, and the poll and result messages.

An item's state is the database and its custom_id (each format is its class keyword). The vote buttons,
the vote menu (more than five options), "My ballot" (for ranked polls, it opens the ranking ballot) and
"Retract" sit under the poll message; the ranked ballot is an ephemeral message whose ranking in progress
is kept in its custom_ids, one base-36 digit per option position (25 options at most), so it survives a
restart without any table.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import discord

from bot.errors import BadInput
from bot.films.views import CardButton
from bot.polls import party, render
from bot.polls.chart import result_chart
from bot.polls.models import Poll
from bot.polls.service import PollView
from bot.ui.items import RestartProofItem
from bot.ui.options import client_of
from bot.ui.replies import after_commit, answer, update_message

DIGITS = "0123456789abcdefghijklmno"
MAX_BUTTONS = 5
CHART_NAME = "poll-result.png"


def encode_ranking(ranking: Sequence[int]) -> str:
    return "".join(DIGITS[c] for c in ranking)


def decode_ranking(text: str) -> tuple[int, ...]:
    ranking = tuple(DIGITS.index(ch) for ch in text)
    if len(set(ranking)) != len(ranking):
        raise BadInput("That ranking names an option twice; start over.")
    return ranking


def role_ids(interaction: discord.Interaction[Any]) -> tuple[int, ...]:
    """The member's role ids, from the member the interaction carries (no members intent needed)."""
    user = interaction.user
    return tuple(role.id for role in user.roles) if isinstance(user, discord.Member) else ()


def _label_of(item: discord.ui.Item[Any], default: str) -> str:
    return item.label if isinstance(item, discord.ui.Button) and item.label else default


# -- the poll message ------------------------------------------------------------------------------------


class VoteButton(RestartProofItem[discord.ui.Button[Any]], custom_id="filmbot:poll:vote:{poll}:{option}"):
    def __init__(self, poll: int, option: int, label: str = "") -> None:
        super().__init__(
            discord.ui.Button(
                label=label[:80] or str(option + 1),
                style=discord.ButtonStyle.primary,
                custom_id=self.make_id(poll=poll, option=option),
                row=0,
            )
        )
        self.poll_id = poll
        self.option = option

    @classmethod
    async def from_fields(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], /, **fields: Any
    ) -> VoteButton:
        return cls(fields["poll"], fields["option"], _label_of(item, ""))

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        service = client_of(interaction).polls
        poll = await service.get_definition(self.poll_id)
        if poll.mode == "single":
            op = service.vote(self.poll_id, interaction.user.id, role_ids(interaction), [self.option])
        else:
            op = service.toggle(self.poll_id, interaction.user.id, role_ids(interaction), self.option)
        result = await after_commit(interaction, op)
        await answer(interaction, render.ballot_embed(poll, result.status, result.choices))


class VoteSelect(RestartProofItem[discord.ui.Select[Any]], custom_id="filmbot:poll:select:{poll}"):
    def __init__(self, poll: int, options: list[discord.SelectOption], max_values: int) -> None:
        super().__init__(
            discord.ui.Select(
                custom_id=self.make_id(poll=poll),
                placeholder="Vote: pick "
                + ("an option" if max_values == 1 else f"up to {max_values} options"),
                options=options,
                min_values=1,
                max_values=max_values,
                row=0,
            )
        )
        self.poll_id = poll

    @classmethod
    def for_poll(cls, poll: Poll) -> VoteSelect:
        options = [discord.SelectOption(label=o.label[:100], value=str(o.position)) for o in poll.options]
        return cls(poll.id, options, min(poll.max_choices, len(options)))

    @classmethod
    async def from_fields(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], /, **fields: Any
    ) -> VoteSelect:
        assert isinstance(item, discord.ui.Select)
        return cls(fields["poll"], list(item.options), item.max_values)

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        service = client_of(interaction).polls
        poll = await service.get_definition(self.poll_id)
        picked = [int(v) for v in self.item.values]
        op = service.vote(self.poll_id, interaction.user.id, role_ids(interaction), picked)
        result = await after_commit(interaction, op)
        await answer(interaction, render.ballot_embed(poll, result.status, result.choices))


class BallotButton(RestartProofItem[discord.ui.Button[Any]], custom_id="filmbot:poll:ballot:{poll}"):
    def __init__(self, poll: int, *, ranked: bool = False) -> None:
        super().__init__(
            discord.ui.Button(
                label="Rank your choices" if ranked else "My ballot",
                style=discord.ButtonStyle.primary if ranked else discord.ButtonStyle.secondary,
                custom_id=self.make_id(poll=poll),
                row=1,
            )
        )
        self.poll_id = poll

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        service = client_of(interaction).polls
        poll, current = await service.my_ballot(self.poll_id, interaction.user.id)
        if poll.mode == "ranked" and poll.accepts_votes(service.clock.now()):
            await answer(interaction, render.ranking_embed(poll, (), current), ranking_view(poll, ()))
        else:
            await answer(interaction, render.my_ballot_embed(poll, current))


class RetractButton(RestartProofItem[discord.ui.Button[Any]], custom_id="filmbot:poll:retract:{poll}"):
    def __init__(self, poll: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Retract my ballot",
                style=discord.ButtonStyle.danger,
                custom_id=self.make_id(poll=poll),
                row=1,
            )
        )
        self.poll_id = poll

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        service = client_of(interaction).polls
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
    RestartProofItem[discord.ui.Select[Any]], custom_id="filmbot:poll:rank:{poll}:{ranking:[0-9a-o]*}"
):
    def __init__(self, poll: int, ranking: tuple[int, ...], options: list[discord.SelectOption]) -> None:
        super().__init__(
            discord.ui.Select(
                custom_id=self.make_id(poll=poll, ranking=encode_ranking(ranking)),
                placeholder=f"Choice #{len(ranking) + 1}: pick your next favourite",
                options=options,
                row=0,
            )
        )
        self.poll_id = poll
        self.ranking = ranking

    @classmethod
    async def from_fields(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], /, **fields: Any
    ) -> RankSelect:
        assert isinstance(item, discord.ui.Select)
        return cls(fields["poll"], decode_ranking(fields["ranking"]), list(item.options))

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        poll, current = await client_of(interaction).polls.my_ballot(self.poll_id, interaction.user.id)
        choice = int(self.item.values[0])
        ranking = self.ranking if choice in self.ranking else (*self.ranking, choice)
        await update_message(
            interaction, render.ranking_embed(poll, ranking, current), ranking_view(poll, ranking)
        )


class _RankingButton(RestartProofItem[discord.ui.Button[Any]]):
    """A button under the ranked ballot: its custom_id carries the poll and a ranking."""

    def __init__(self, poll: int, ranking: tuple[int, ...], label: str, style: discord.ButtonStyle) -> None:
        custom_id = self.make_id(poll=poll, ranking=encode_ranking(ranking))
        super().__init__(discord.ui.Button(label=label, style=style, custom_id=custom_id, row=1))
        self.poll_id = poll
        self.ranking = ranking


class RankSet(_RankingButton, custom_id="filmbot:poll:rankset:{poll}:{ranking:[0-9a-o]*}"):
    """Undo the last choice, or start over: the ballot with this ranking."""

    def __init__(self, poll: int, ranking: tuple[int, ...], label: str) -> None:
        super().__init__(poll, ranking, label, discord.ButtonStyle.secondary)

    @classmethod
    async def from_fields(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], /, **fields: Any
    ) -> RankSet:
        return cls(fields["poll"], decode_ranking(fields["ranking"]), _label_of(item, "Undo"))

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        poll, current = await client_of(interaction).polls.my_ballot(self.poll_id, interaction.user.id)
        await update_message(
            interaction,
            render.ranking_embed(poll, self.ranking, current),
            ranking_view(poll, self.ranking),
        )


class RankSubmit(_RankingButton, custom_id="filmbot:poll:submit:{poll}:{ranking:[0-9a-o]+}"):
    def __init__(self, poll: int, ranking: tuple[int, ...]) -> None:
        super().__init__(poll, ranking, "Submit", discord.ButtonStyle.success)

    @classmethod
    async def from_fields(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], /, **fields: Any
    ) -> RankSubmit:
        return cls(fields["poll"], decode_ranking(fields["ranking"]))

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        service = client_of(interaction).polls
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


# -- results and command answers -------------------------------------------------------------------------

Message = tuple[discord.Embed, list[discord.File], discord.ui.View | None]


async def result_message(view: PollView) -> Message:
    """The result embed, its chart, and (movie nights) buttons opening the winner's film card and
    scheduling its watch party."""
    assert view.tally is not None
    png = await result_chart(view.poll, view.tally)
    embed = render.result_embed(view, chart_name=CHART_NAME)
    components: discord.ui.View | None = None
    films = [view.poll.options[w] for w in view.tally.winners if view.poll.options[w].film_id is not None]
    if films:
        components = discord.ui.View(timeout=None)
        for option in films[:5]:
            assert option.film_id is not None
            components.add_item(CardButton(option.film_id, label=f"Film card: {option.label}"))
        # Moderators schedule the winner's watch party from here (a tie: one button per film).
        for option in films[:5]:
            assert option.film_id is not None
            label = f"Schedule: {option.label}" if len(films) > 1 else party.LABEL
            components.add_item(party.ScheduleButton(view.poll.id, option.film_id, label))
    return embed, [discord.File(io.BytesIO(png), filename=CHART_NAME)], components


async def results_message(view: PollView) -> Message:
    """``/poll results``: the result once closed, the tally so far while open, or that it is hidden."""
    if view.tally is None:
        return render.hidden_results_embed(view), [], None
    if view.poll.is_open:
        return render.poll_embed(view), [], None
    return await result_message(view)


class CommandReply:
    """A ``/poll`` command's answer: implements ``bot.polls.service.PollPost`` and ``CloseReply``."""

    def __init__(self, interaction: discord.Interaction[Any]) -> None:
        self._interaction = interaction

    async def post_poll(self, view: PollView) -> tuple[int, int]:
        components = poll_view(view.poll)
        assert components is not None
        response = self._interaction.response
        callback = await response.send_message(embed=render.poll_embed(view), view=components)
        message = callback.resource
        if not isinstance(message, discord.InteractionMessage):
            message = await self._interaction.original_response()
        return message.channel.id, message.id

    async def closing(self) -> None:
        await self._interaction.response.defer(ephemeral=True, thinking=True)

    async def result_posted(self, poll: Poll, message_id: int) -> None:
        text = f"Poll #{poll.id} is closed. Result: {poll.link(message_id)}"
        await self._interaction.followup.send(text, ephemeral=True)

    async def already_closed(self, poll: Poll, message_id: int) -> None:
        assert poll.closed_at is not None
        how = "at its deadline" if poll.closed_by is None else "by another member"
        when = discord.utils.format_dt(poll.closed_at, "R")
        text = f"Poll #{poll.id} was already closed {how} {when}. Result: {poll.link(message_id)}"
        await self._interaction.followup.send(text, ephemeral=True)

    async def show_result(self, view: PollView) -> None:
        embed, files, components = await result_message(view)
        text = (
            f"Poll #{view.poll.id} is closed, but I could not post its result in <#{view.poll.channel_id}> "
            "(check my permission to send messages and attach files there). Here it is:"
        )
        await self._interaction.followup.send(
            text, embed=embed, files=files, view=components or discord.utils.MISSING, ephemeral=True
        )


DYNAMIC_ITEMS = (
    VoteButton,
    VoteSelect,
    BallotButton,
    RetractButton,
    RankSelect,
    RankSet,
    RankSubmit,
    party.ScheduleButton,
)
MODALS = party.MODALS
