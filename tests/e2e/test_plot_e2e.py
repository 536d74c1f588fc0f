"""End-to-end /plot and /spoilers through the loopback Discord emulator and the real bot.

Skipped until the emulator (tests/discord_emulator) is in the tree.
"""

from __future__ import annotations

from typing import Any

import pytest

pytest.importorskip("tests.discord_emulator")

from bot.films.models import FilmData, PlotSection
from bot.spoilers import render
from tests.discord_emulator import Driver, Emulator
from tests.spoilers.checks import assert_no_spoiler_leak

PHASES = ["Childhood", "High school", "Adulthood", "The final race"]


async def plot_texts(filmbot: Any) -> tuple[list[str], list[str]]:
    sections = (await filmbot.bot.store.spoilers.plot(1)).sections
    return [s.text for s in sections if s.spoiler_level == 0], [
        s.text for s in sections if s.spoiler_level > 0
    ]


def phase_names(embed: dict[str, Any]) -> list[str]:
    return [f["name"] for f in embed.get("fields", []) if not f["name"].endswith("(continued)")]


def assert_safe(raw: dict[str, Any], premise: list[str], secrets: list[str]) -> None:
    assert_no_spoiler_leak(raw, secrets, allowed=premise)


async def test_plot_is_ephemeral_by_default(emulator: Emulator, filmbot: Any, driver: Driver) -> None:
    result = await driver.slash("plot", film="100-meters")
    assert result.ephemeral
    assert "Sprinting has always come easily to Togashi" in result.embed["description"]
    assert phase_names(result.embed) == PHASES
    for field in result.embed["fields"]:
        assert field["value"].startswith("||") and field["value"].endswith("||")
    premise, secrets = await plot_texts(filmbot)
    assert_safe(result.message.raw, premise, secrets)
    assert not driver.messages()  # nothing posted for the channel


@pytest.mark.parametrize("index", range(len(PHASES)))
async def test_upto_each_phase(emulator: Emulator, filmbot: Any, driver: Driver, index: int) -> None:
    result = await driver.slash("plot", film="100-meters", upto=PHASES[index])
    assert result.ephemeral
    assert phase_names(result.embed) == PHASES[: index + 1]
    labels = [b.get("label") for b in result.buttons]
    assert labels == ([f"Next phase: {PHASES[index + 1]}"] if index + 1 < len(PHASES) else [])


async def test_upto_autocomplete_shows_phase_names_only(
    emulator: Emulator, filmbot: Any, driver: Driver
) -> None:
    choices = await driver.autocomplete("plot", "upto", "", film="100-meters")
    assert choices.names == ["Premise", *PHASES]
    choices = await driver.autocomplete("plot", "upto", "fin", film="100-meters")
    assert choices.names == ["The final race"]


async def test_bad_phase_lists_the_phases(emulator: Emulator, filmbot: Any, driver: Driver) -> None:
    result = await driver.slash("plot", film="100-meters", upto="the sequel")
    assert result.ephemeral
    assert "is not a phase" in result.text and "The final race" in result.text


async def click_next_until_the_end(driver: Driver, message: Any, start: int) -> Any:
    for index in range(start, len(PHASES)):
        clicked = await driver.click(message, label=f"Next phase: {PHASES[index]}")
        assert clicked.ephemeral
        assert phase_names(clicked.embed) == PHASES[: index + 1]
        message = clicked
    return message


async def test_next_phase_until_the_end(emulator: Emulator, filmbot: Any, driver: Driver) -> None:
    premise, secrets = await plot_texts(filmbot)
    result = await driver.slash("plot", film="100-meters", upto="Premise")
    assert phase_names(result.embed) == []
    last = await click_next_until_the_end(driver, result, 0)
    assert not last.buttons  # the last phase is shown: no more Next phase
    assert_safe(last.message.raw, premise, secrets)


async def test_next_phase_after_a_restart(emulator: Emulator, filmbot: Any, driver: Driver) -> None:
    result = await driver.slash("plot", film="100-meters", upto="Childhood")
    await filmbot.restart()
    last = await click_next_until_the_end(driver, result, 1)
    assert not last.buttons


async def test_public_refused_outside_a_spoiler_channel(
    emulator: Emulator, filmbot: Any, driver: Driver
) -> None:
    await driver.as_member("moderator").in_channel("spoilers").slash("spoilers", "channel", "add")
    result = await driver.slash("plot", film="100-meters", public=True)
    assert result.ephemeral
    assert "only works in spoiler channels" in result.text
    spoilers = emulator.world.channel("spoilers").id
    assert f"<#{spoilers}>" in result.embed["description"]
    assert not driver.messages()


async def test_public_in_a_spoiler_channel(emulator: Emulator, filmbot: Any, driver: Driver) -> None:
    premise, secrets = await plot_texts(filmbot)
    added = await driver.as_member("moderator").slash("spoilers", "channel", "add", channel="spoilers")
    assert added.ephemeral and "is now a spoiler channel" in added.text
    here = driver.in_channel("spoilers")
    result = await here.slash("plot", film="100-meters", upto="High school", public=True)
    assert not result.ephemeral
    assert not result.content  # what push notifications preview: nothing
    assert phase_names(result.embed) == PHASES[:2]
    assert_safe(result.message.raw, premise, secrets)
    # Another member's Next phase goes to them alone; the public message stays as it was.
    clicked = await here.as_member("member2").click(result, label="Next phase: Adulthood")
    assert clicked.ephemeral and phase_names(clicked.embed) == ["Adulthood"]
    assert phase_names(result.message.embed) == PHASES[:2]
    listed = await driver.as_member("moderator").slash("spoilers", "channel", "list")
    assert f"<#{emulator.world.channel('spoilers').id}>" in listed.embed["description"]
    removed = await driver.as_member("moderator").slash("spoilers", "channel", "remove", channel="spoilers")
    assert "no longer a spoiler channel" in removed.text
    again = await here.slash("plot", film="100-meters", public=True)
    assert again.ephemeral and "only works in spoiler channels" in again.text


async def test_member_without_manage_channels_is_refused(
    emulator: Emulator, filmbot: Any, driver: Driver
) -> None:
    result = await driver.slash("spoilers", "channel", "add", channel="spoilers")
    assert result.ephemeral
    assert "Manage Channels" in result.text
    listed = await driver.as_member("moderator").slash("spoilers", "channel", "list")
    assert "No spoiler channels yet" in listed.embed["description"]


async def test_spoilers_group_is_hidden_by_default_from_members(
    emulator: Emulator, filmbot: Any, driver: Driver
) -> None:
    command = driver.command("spoilers")
    assert command["default_member_permissions"] == str(1 << 4)  # Manage Channels
    assert command.get("contexts") in (None, [0]) or command.get("dm_permission") is False


async def test_film_card_plot_button(emulator: Emulator, filmbot: Any, driver: Driver) -> None:
    premise, secrets = await plot_texts(filmbot)
    card = await driver.slash("film", title="100-meters")
    assert not card.ephemeral
    assert_safe(card.message.raw, premise, secrets)
    opened = await driver.as_member("member2").click(card, label="Plot (spoilers)")
    assert opened.ephemeral
    assert phase_names(opened.embed) == PHASES
    assert_safe(opened.message.raw, premise, secrets)


async def add_long_film(filmbot: Any) -> list[str]:
    """A film whose plot needs several messages: six phases of ~3,000 characters full of markdown tricks."""
    trick = (
        "Kira betrays || the `crew` at <@1> @everyone https://e.com [x](https://e.com)\n# Twist\n> Quote\n- "
    )
    texts = [f"Phase {n} begins. " + " ".join(f"{trick}word{n}x{i}." for i in range(30)) for n in range(6)]
    acts = [PlotSection(n + 1, f"Act {n + 1}", n + 1, text) for n, text in enumerate(texts)]
    plot = (PlotSection(0, "Premise", 0, "A crew sets out."), *acts)
    await filmbot.bot.store.films.upsert(
        FilmData(slug="long-haul", title="Long Haul", origin="import", year=2024, plot=plot)
    )
    return texts


async def test_a_plot_longer_than_one_message(emulator: Emulator, filmbot: Any, driver: Driver) -> None:
    secrets = await add_long_film(filmbot)
    film = await filmbot.bot.films.resolve("long-haul")
    expected = len(render.plot_embeds(await filmbot.bot.plots.reveal(film)))
    assert expected > 1
    result = await driver.slash("plot", film="long-haul")
    messages = [result.message, *await result.wait_followups(expected - 1)]
    assert all(m.ephemeral for m in messages)
    shown = [name for m in messages for name in phase_names(m.embed)]
    assert shown == [f"Act {n}" for n in range(1, 7)]
    for message in messages:
        assert not message.content
        assert_safe(message.raw, ["A crew sets out."], secrets)
    # Next phase on a copy that can no longer grow in place: the button goes, the next phase follows.
    partial = await driver.slash("plot", film="long-haul", upto="Act 2")
    parts = len(render.plot_embeds(await filmbot.bot.plots.reveal(film, "Act 2")))
    last = (await partial.wait_followups(parts - 1))[-1] if parts > 1 else partial.message
    assert [b["label"] for b in last.buttons] == ["Next phase: Act 3"]
    clicked = await driver.click(last, label="Next phase: Act 3")
    (following,) = await clicked.wait_followups(1)
    assert following.ephemeral and phase_names(following.embed) == ["Act 3"]
    assert_safe(following.raw, ["A crew sets out."], secrets)
    assert not last.buttons
    assert [b["label"] for b in following.buttons] == ["Next phase: Act 4"]


async def test_buttons_of_a_removed_film_answer_clearly(
    emulator: Emulator, filmbot: Any, driver: Driver
) -> None:
    await add_long_film(filmbot)
    partial = await driver.slash("plot", film="long-haul", upto="Premise")
    assert await filmbot.bot.store.films.delete("long-haul") is None
    clicked = await driver.click(partial, label="Next phase: Act 1")
    assert clicked.answered
    (answer,) = (
        await clicked.wait_followups(1) if not clicked.interaction.original_message_id else [clicked.message]
    )
    assert answer.ephemeral and "no longer in the catalog" in answer.text
