"""Clicks on restart-proof items build only the clicked component; other items go through discord.py."""

from __future__ import annotations

import logging
import re
from typing import Any

import discord
import pytest
from discord.ui.view import ViewStore

from bot.ui import dispatch
from bot.ui.dispatch import LeanViewStore

emulator_package = pytest.importorskip("tests.discord_emulator")

from tests.discord_emulator import Driver, Emulator  # noqa: E402
from tests.discord_emulator.botrunner import InProcessBot  # noqa: E402


class Counted:
    """Counts the calls of ``discord.ui.View.from_message`` (discord.py's whole-view rebuild); the real
    method still runs."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls = 0
        real = discord.ui.View.from_message

        def from_message(message: discord.Message, /, *, timeout: float | None = 180.0) -> Any:
            self.calls += 1
            return real(message, timeout=timeout)

        monkeypatch.setattr(discord.ui.View, "from_message", from_message)


async def test_a_vote_builds_only_the_clicked_button(
    filmbot: InProcessBot, driver: Driver, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert isinstance(filmbot.bot._connection._view_store, LeanViewStore)
    created = await driver.slash(
        "poll", "create", question="Tonight?", options="A; B; C; D; E", duration="1h"
    )
    poll = int(created.message.buttons[0]["custom_id"].split(":")[3])
    rebuilt = Counted(monkeypatch)
    vote = await driver.click(created.message, f"filmbot:poll:vote:{poll}:3")
    assert "Vote recorded" in vote.text and "**D**" in vote.text
    assert rebuilt.calls == 0


async def test_a_menu_vote_carries_the_picked_values(
    filmbot: InProcessBot, driver: Driver, monkeypatch: pytest.MonkeyPatch
) -> None:
    created = await driver.slash(
        "poll", "create", question="Which?", options="A; B; C; D; E; F; G", mode="multi", duration="1h"
    )
    poll = int(created.message.components[0]["components"][0]["custom_id"].split(":")[3])
    rebuilt = Counted(monkeypatch)
    vote = await driver.select(created.message, f"filmbot:poll:select:{poll}", ["1", "6"])
    assert "Your vote: **B**, **G**" in vote.text
    assert rebuilt.calls == 0


class PlainItem(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"test:plain:(?P<n>\d+)"):
    """A dynamic item that is not a RestartProofItem (a library's, say)."""

    def __init__(self, n: int) -> None:
        super().__init__(discord.ui.Button(label=f"Plain {n}", custom_id=f"test:plain:{n}"))
        self.n = n

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> PlainItem:
        return cls(int(match["n"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await interaction.response.send_message(f"plain {self.n} clicked", ephemeral=True)


async def test_other_dynamic_items_go_through_discord_py(
    filmbot: InProcessBot, driver: Driver, emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot = filmbot.bot
    bot.add_dynamic_items(PlainItem)
    view = discord.ui.View(timeout=None)
    view.add_item(PlainItem(7))
    sent = await bot.get_partial_messageable(driver.channel.id).send("a plain item", view=view)
    rebuilt = Counted(monkeypatch)
    result = await driver.click(sent.id, "test:plain:7")
    assert "plain 7 clicked" in result.text
    assert rebuilt.calls == 1


def test_a_changed_discord_py_keeps_its_own_dispatch(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def changed(self: ViewStore, component_type: int, factory: Any, interaction: Any) -> None:
        return None

    monkeypatch.setattr(ViewStore, "schedule_dynamic_item_call", changed)
    client = discord.Client(intents=discord.Intents.none())
    with caplog.at_level(logging.WARNING, logger="bot.ui.dispatch"):
        dispatch.install(client)
    assert type(client._connection._view_store) is ViewStore
    assert "view store changed" in caplog.text
