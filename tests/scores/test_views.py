"""The scores buttons' custom_ids: ids posted by earlier versions still match and rebuild the same items."""

from __future__ import annotations

from typing import Any
from unittest.mock import Mock

import discord
import pytest

from bot.scores.views import DYNAMIC_ITEMS, RatingsPager, ScoresButton, TopPager
from bot.ui.items import RestartProofItem

# The templates the items had before they moved onto RestartProofItem: messages already posted carry ids
# made from them, so the derived templates must stay exactly these.
OLD_TEMPLATES: dict[type[RestartProofItem[Any]], str] = {
    ScoresButton: r"filmbot:scores:open:(?P<film>\d+)",
    RatingsPager: r"filmbot:scores:ratings:(?P<film>\d+):(?P<page>\d+):(?P<dir>prev|next)",
    TopPager: r"filmbot:scores:top:(?P<min>\d+):(?P<page>\d+):(?P<dir>prev|next)",
}


async def rebuild(cls: type[RestartProofItem[Any]], custom_id: str) -> RestartProofItem[Any]:
    """What discord.py does with a click: match the id against the template, then ``from_custom_id``."""
    match = cls.__discord_ui_compiled_template__.fullmatch(custom_id)
    assert match is not None, f"{custom_id!r} is not matched by {cls.__name__}"
    clicked = discord.ui.Button[Any](custom_id=custom_id)
    item = await cls.from_custom_id(Mock(spec=discord.Interaction), clicked, match)
    assert isinstance(item, cls)
    assert item.custom_id == custom_id
    return item


def test_templates_are_the_old_ones() -> None:
    assert set(DYNAMIC_ITEMS) == set(OLD_TEMPLATES)
    for cls, old in OLD_TEMPLATES.items():
        assert cls.__discord_ui_compiled_template__.pattern == old


async def test_scores_button_id() -> None:
    item = await rebuild(ScoresButton, "filmbot:scores:open:7")
    assert isinstance(item, ScoresButton) and item.film_id == 7
    assert ScoresButton(7).custom_id == "filmbot:scores:open:7"


async def test_ratings_pager_id() -> None:
    item = await rebuild(RatingsPager, "filmbot:scores:ratings:7:2:next")
    assert isinstance(item, RatingsPager) and (item.film_id, item.page) == (7, 2)
    assert RatingsPager(7, 2, "next").custom_id == "filmbot:scores:ratings:7:2:next"


async def test_top_pager_id() -> None:
    item = await rebuild(TopPager, "filmbot:scores:top:3:0:prev")
    assert isinstance(item, TopPager) and (item.min_ratings, item.page) == (3, 0)
    assert TopPager(3, 0, "prev").custom_id == "filmbot:scores:top:3:0:prev"


@pytest.mark.parametrize(
    "custom_id",
    [
        "filmbot:scores:top:3:0:up",
        "filmbot:scores:top:x:0:prev",
        "filmbot:scores:ratings:7:2",
        "filmbot:scores:open:7:extra",
    ],
)
def test_other_ids_are_not_matched(custom_id: str) -> None:
    assert not any(cls.__discord_ui_compiled_template__.fullmatch(custom_id) for cls in DYNAMIC_ITEMS)


def test_a_pager_only_goes_prev_or_next() -> None:
    with pytest.raises(ValueError, match="does not match"):
        TopPager(3, 0, "up")
