"""``filmbot ask``: /plot through discord.py's real command tree, offline (until the emulator e2e tests)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.offline import _guild
from bot.offline.runner import ask
from bot.settings import Settings
from bot.store import Store
from tests.conftest import FILMS_DIR
from tests.spoilers.checks import assert_no_spoiler_leak, runs, visible

PHASES = ["Childhood", "High school", "Adulthood", "The final race"]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings.from_env(
        {
            "FILMBOT_DATABASE": str(tmp_path / "ask.sqlite3"),
            "FILMBOT_FILMS_DIR": str(FILMS_DIR),
            "FILMBOT_ONLINE": "off",  # no test reaches the internet
        },
        env_file=None,
    )


async def plot_texts(settings: Settings) -> tuple[list[str], list[str]]:
    store = await Store.open(settings.database)
    try:
        sections = await store.spoilers.plot(1)
    finally:
        await store.close()
    return [s.text for s in sections if s.spoiler_level == 0], [
        s.text for s in sections if s.spoiler_level > 0
    ]


async def test_plot_is_ephemeral_premise_clear_phases_tagged(settings: Settings) -> None:
    result = await ask(settings, "/plot 100-meters")
    (message,) = result.transcript.messages.values()
    assert message.ephemeral
    (embed,) = message.payload["embeds"]
    assert "Sprinting has always come easily to Togashi" in embed["description"]
    assert [f["name"] for f in embed["fields"] if "continued" not in f["name"]] == PHASES
    premise, secrets = await plot_texts(settings)
    assert_no_spoiler_leak(message.payload, secrets, allowed=premise)
    assert not message.payload.get("components")  # everything is shown: no Next phase


async def test_upto_shows_up_to_that_phase_with_a_next_button(settings: Settings) -> None:
    for index, phase in enumerate(PHASES):
        result = await ask(settings, f"/plot 100-meters upto:{phase}")
        (message,) = result.transcript.messages.values()
        (embed,) = message.payload["embeds"]
        names = [f["name"] for f in embed["fields"] if "continued" not in f["name"]]
        assert names == PHASES[: index + 1]
        components = message.payload.get("components") or []
        if index + 1 < len(PHASES):
            assert components[0]["components"][0]["label"] == f"Next phase: {PHASES[index + 1]}"
            assert components[0]["components"][0]["custom_id"] == f"filmbot:plot:next:1:{index + 1}"
        else:
            assert not components


async def test_public_outside_a_spoiler_channel_is_refused(settings: Settings) -> None:
    result = await ask(settings, "/plot 100-meters public:True")
    (message,) = result.transcript.messages.values()
    assert message.ephemeral
    assert message.payload["embeds"][0]["title"] == "Not allowed"
    assert "only works in spoiler channels" in message.payload["embeds"][0]["description"]


async def test_public_in_a_spoiler_channel_posts_without_content(settings: Settings) -> None:
    store = await Store.open(settings.database)
    try:
        await store.spoilers.add(int(_guild.GUILD_ID), int(_guild.CHANNEL_ID), 1, _now())
    finally:
        await store.close()
    result = await ask(settings, "/plot 100-meters upto:High school public:True")
    (message,) = result.transcript.messages.values()
    assert not message.ephemeral
    assert not message.payload.get("content")
    premise, secrets = await plot_texts(settings)
    assert_no_spoiler_leak(message.payload, secrets, allowed=premise)
    (row,) = message.payload["components"]
    assert row["components"][0]["label"] == "Next phase: Adulthood"


async def test_film_card_has_a_plot_button(settings: Settings) -> None:
    result = await ask(settings, "/film 100-meters")
    (message,) = result.transcript.messages.values()
    (row,) = message.payload["components"]
    (button,) = [b for b in row["components"] if b["custom_id"].startswith("filmbot:plot:open:")]
    assert button["label"] == "Plot (spoilers)"


async def test_no_plot_text_in_logs_at_info(settings: Settings, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    for line in ("/plot 100-meters", "/plot 100-meters upto:adult", "/plot 100-meters upto:nope"):
        await ask(settings, line)
    premise, secrets = await plot_texts(settings)
    secret_runs = set().union(*(runs(s) for s in secrets)) - set().union(*(runs(p) for p in premise))
    checked = [r for r in caplog.records if r.levelno >= logging.INFO]
    assert checked  # the catalog load and the refused phase do log at INFO or above
    for record in checked:
        assert not (runs(visible(record.getMessage())) & secret_runs), record.getMessage()


def _now() -> datetime:
    return datetime(2026, 1, 2, tzinfo=UTC)
