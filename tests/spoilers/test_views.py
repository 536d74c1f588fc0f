"""The plot buttons' custom_ids: the formats messages posted by earlier versions carry keep matching."""

from __future__ import annotations

import re
from typing import Any, TypeVar, cast

import discord
import pytest

from bot.spoilers.views import DYNAMIC_ITEMS, NextPhaseButton, OpenPlotButton
from bot.ui.items import RestartProofItem

ItemT = TypeVar("ItemT", bound=RestartProofItem[Any])

# The templates the plot buttons were registered with before RestartProofItem (bot/spoilers/buttons.py).
OLD_NEXT = r"filmbot:plot:next:(?P<film>\d+):(?P<level>\d+)"
OLD_OPEN = r"filmbot:plot:open:(?P<film>\d+)"


async def rebuilt(cls: type[ItemT], custom_id: str, label: str | None = None) -> ItemT:
    """What discord.py does on a click: match the id against the template, rebuild the item from it."""
    match = cls.__discord_ui_compiled_template__.fullmatch(custom_id)
    assert match is not None
    clicked: discord.ui.Button[Any] = discord.ui.Button(label=label, custom_id=custom_id)
    # Rebuilding reads only the id and the clicked component, never the interaction.
    interaction = cast("discord.Interaction[Any]", None)
    return await cls.from_custom_id(interaction, clicked, match)


def test_templates_are_the_old_ones() -> None:
    assert NextPhaseButton.__discord_ui_compiled_template__.pattern == OLD_NEXT
    assert OpenPlotButton.__discord_ui_compiled_template__.pattern == OLD_OPEN
    assert set(DYNAMIC_ITEMS) == {NextPhaseButton, OpenPlotButton}


async def test_next_phase_id_rebuilds_the_button() -> None:
    button = await rebuilt(NextPhaseButton, "filmbot:plot:next:5:2", label="Next phase: Adulthood")
    assert isinstance(button, NextPhaseButton)
    assert (button.film_id, button.level) == (5, 2)
    assert button.item.custom_id == "filmbot:plot:next:5:2"


async def test_open_plot_id_rebuilds_the_button() -> None:
    button = await rebuilt(OpenPlotButton, "filmbot:plot:open:5")
    assert isinstance(button, OpenPlotButton)
    assert button.film_id == 5
    assert button.item.custom_id == "filmbot:plot:open:5"
    assert button.item.label == "Plot (spoilers)"


@pytest.mark.parametrize(
    "custom_id",
    ["filmbot:plot:next:5:x", "filmbot:plot:next:5", "filmbot:plot:next:5:2:1", "filmbot:plot:open:x",
     "filmbot:plot:open:5:2", "filmbot:plot:next:-5:2"],
)  # fmt: skip
def test_other_ids_do_not_match(custom_id: str) -> None:
    for cls in DYNAMIC_ITEMS:
        assert cls.__discord_ui_compiled_template__.fullmatch(custom_id) is None
        old = OLD_NEXT if cls is NextPhaseButton else OLD_OPEN
        assert re.fullmatch(old, custom_id) is None


def test_new_ids_are_the_old_format() -> None:
    assert NextPhaseButton(5, 2).item.custom_id == "filmbot:plot:next:5:2"
    assert OpenPlotButton(5).item.custom_id == "filmbot:plot:open:5"
