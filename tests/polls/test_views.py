"""Poll ids posted by earlier versions still reach exactly one item, rebuilt with the right fields."""

from __future__ import annotations

from typing import Any, cast

import discord
import pytest

from bot.polls.views import (
    DYNAMIC_ITEMS,
    BallotButton,
    RankSelect,
    RankSet,
    RankSubmit,
    RetractButton,
    VoteButton,
    VoteSelect,
)
from bot.ui.items import RestartProofItem

NO_INTERACTION = cast("discord.Interaction[Any]", None)  # rebuilding an item never reads it


def clicked(custom_id: str) -> discord.ui.Item[Any]:
    """The component a member used, as discord.py hands it to ``from_custom_id``."""
    if ":select:" in custom_id or ":rank:" in custom_id:
        options = [discord.SelectOption(label=f"Option {i}", value=str(i)) for i in range(3)]
        return discord.ui.Select(custom_id=custom_id, options=options, max_values=2)
    return discord.ui.Button(label="Clicked label", custom_id=custom_id)


def matching(custom_id: str) -> list[type[RestartProofItem[Any]]]:
    return [cls for cls in DYNAMIC_ITEMS if cls.__discord_ui_compiled_template__.fullmatch(custom_id)]


async def rebuild(custom_id: str) -> RestartProofItem[Any]:
    [cls] = matching(custom_id)
    match = cls.__discord_ui_compiled_template__.fullmatch(custom_id)
    assert match is not None
    item = await cls.from_custom_id(NO_INTERACTION, clicked(custom_id), match)
    assert item.custom_id == custom_id  # the rebuilt item makes the very id it came from
    return item


async def test_vote_button() -> None:
    item = await rebuild("filmbot:poll:vote:1:0")
    assert isinstance(item, VoteButton)
    assert (item.poll_id, item.option, item.item.label) == (1, 0, "Clicked label")


async def test_vote_select() -> None:
    item = await rebuild("filmbot:poll:select:1")
    assert isinstance(item, VoteSelect)
    assert item.poll_id == 1 and len(item.item.options) == 3 and item.item.max_values == 2


@pytest.mark.parametrize(
    ("custom_id", "cls"), [("filmbot:poll:ballot:1", BallotButton), ("filmbot:poll:retract:1", RetractButton)]
)
async def test_ballot_and_retract(custom_id: str, cls: type[BallotButton | RetractButton]) -> None:
    item = await rebuild(custom_id)
    assert isinstance(item, cls) and item.poll_id == 1


@pytest.mark.parametrize(
    ("custom_id", "ranking"), [("filmbot:poll:rank:1:", ()), ("filmbot:poll:rank:1:0a", (0, 10))]
)
async def test_rank_select(custom_id: str, ranking: tuple[int, ...]) -> None:
    item = await rebuild(custom_id)
    assert isinstance(item, RankSelect)
    assert (item.poll_id, item.ranking) == (1, ranking) and len(item.item.options) == 3


async def test_rank_set() -> None:
    item = await rebuild("filmbot:poll:rankset:1:b")
    assert isinstance(item, RankSet)
    assert (item.poll_id, item.ranking, item.item.label) == (1, (11,), "Clicked label")


async def test_rank_submit() -> None:
    item = await rebuild("filmbot:poll:submit:1:01")
    assert isinstance(item, RankSubmit)
    assert (item.poll_id, item.ranking) == (1, (0, 1))


@pytest.mark.parametrize("custom_id", ["filmbot:poll:submit:1:", "filmbot:poll:rank:1:z"])
def test_ids_no_version_made_match_nothing(custom_id: str) -> None:
    assert matching(custom_id) == []
