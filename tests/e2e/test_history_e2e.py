"""End to end: a watch party ends into the watched history; its "How was it?" menu records ratings that
show in /top and /history, and refuses them after a week; /watched (moderators only); /stats draws a PNG.

The real bot, discord.py and the Discord emulator, with the bot's clock manual (``InProcessBot(clock=…)``
keeps it across restarts): the timers fire when the test moves the clock and waits for the dispatcher to
be idle, never after a sleep. The emulator keeps real time, so the clock starts at the real now (Discord
refuses an event scheduled in the past).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.clock import ManualClock
from bot.database_url import DatabaseLocation
from bot.films.models import Fact, FilmData, Source
from tests.discord_emulator import Driver, Emulator, MessageView
from tests.discord_emulator.botrunner import InProcessBot

PNG = b"\x89PNG\r\n\x1a\n"
RATE = "filmbot:history:rate:"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime.now(UTC).replace(microsecond=0))


@pytest.fixture
async def filmbot(
    emulator: Emulator, tmp_path: Path, db_location: DatabaseLocation, clock: ManualClock
) -> AsyncIterator[InProcessBot]:
    runner = InProcessBot(emulator, db_location, clock=clock)
    await runner.start()
    try:
        yield runner
    finally:
        await runner.stop()


async def settle(filmbot: InProcessBot, clock: ManualClock, delta: timedelta = timedelta(0)) -> None:
    await clock.advance(delta)
    await filmbot.bot.timers.idle()


async def schedule(driver: Driver, channel: str = "general") -> int:
    result = await driver.as_member("moderator", channel=channel).slash(
        "watchparty", "schedule", film="100-meters", when="in 2 hours", reminders="none"
    )
    match = re.search(r"Watch party #(\d+)", result.message.embed["footer"]["text"])
    assert match, result.message.embed
    return int(match[1])


async def start_and_end(filmbot: InProcessBot, clock: ManualClock, party_id: int, *, restart: bool) -> None:
    """Move the clock to the party's start, then (across a restart, if asked) to its end."""
    party = await filmbot.bot.watch_parties.get(party_id)
    await settle(filmbot, clock, party.starts_at - clock.now())
    if restart:
        await filmbot.restart()
    await settle(filmbot, clock, timedelta(minutes=party.runtime_minutes))


def prompts(driver: Driver, channel: str = "general") -> list[MessageView]:
    return [m for m in driver.messages(channel) if "How was it?" in m.content]


def rate_id(prompt: MessageView) -> str:
    (select,) = prompt.selects
    assert select["custom_id"].startswith(RATE)
    return str(select["custom_id"])


async def pick(driver: Driver, member: str, prompt: MessageView, score: float) -> Any:
    return await driver.as_member(member).select(prompt, rate_id(prompt), [str(int(score * 2))])


async def test_a_party_ends_into_the_history_and_its_menu_takes_ratings_for_a_week(
    emulator: Emulator, filmbot: InProcessBot, clock: ManualClock, driver: Driver
) -> None:
    party_id = await schedule(driver)
    await filmbot.restart()
    await start_and_end(filmbot, clock, party_id, restart=True)

    (prompt,) = prompts(driver)
    assert "**100 Meters (2025)**" in prompt.content and "<@" not in prompt.content
    assert not prompt.raw.get("mentions") and not prompt.raw.get("mention_everyone")
    (select,) = prompt.selects
    assert len(select["options"]) == 20 and select["options"][0]["label"] == "10/10"
    listed = await driver.slash("history")
    assert not listed.ephemeral
    assert "**100 Meters (2025)**" in listed.embed["description"]
    assert f"[watch party #{party_id}](https://discord.com/channels/" in listed.embed["description"]
    assert "no member ratings yet" in listed.embed["description"]

    first = await pick(driver, "member1", prompt, 8.5)
    assert first.ephemeral and first.embed["title"] == "Rating saved"
    assert "You rated **100 Meters (2025)** **8.5**/10" in first.embed["description"]
    await pick(driver, "member2", prompt, 7)
    await filmbot.restart()
    await pick(driver, "member3", prompt, 10)
    changed = await pick(driver, "member1", prompt, 8)
    assert "from 8.5 to **8**/10" in changed.embed["description"]

    top = await driver.slash("top", min_ratings=1)
    assert "100 Meters (2025)" in top.embed["description"] and "from 3)" in top.embed["description"]
    listed = await driver.slash("history")
    assert "(mean 8.3 from 3)" in listed.embed["description"]

    # A week after the end, with the close timer not run yet (the dispatcher held, as after downtime):
    # the pick is refused and nothing is recorded.
    await filmbot.bot.timers.stop()
    await clock.advance(timedelta(days=7))
    late = await pick(driver, "member4", prompt, 6)
    assert late.ephemeral and "closed" in late.text and "/rate film:100 Meters (2025)" in late.text
    assert not MessageView(emulator, prompt.id).selects[0].get("disabled")
    ratings = await driver.slash("ratings", film="100-meters")
    assert "3 ratings" in ratings.embed["footer"]["text"]

    await filmbot.restart()  # the dispatcher starts again and closes the menu
    await filmbot.bot.timers.idle()
    closed = MessageView(emulator, prompt.id)
    assert closed.selects[0]["disabled"] and "closed" in closed.content
    assert "members 8.3/10 (3)" in closed.content
    assert len(prompts(driver)) == 1


async def test_a_retried_end_records_once_and_posts_once(
    emulator: Emulator, filmbot: InProcessBot, clock: ManualClock, driver: Driver
) -> None:
    party_id = await schedule(driver)
    await start_and_end(filmbot, clock, party_id, restart=False)
    (prompt,) = prompts(driver)
    bot = filmbot.bot
    party = await bot.watch_parties.get(party_id)
    # As if the process died after Discord accepted the menu and before its id was committed: the end
    # timer runs again (the hook runs before the party is marked completed).
    async with bot.store.db.transaction() as tx:
        await tx.execute("UPDATE rating_prompts SET message_id = NULL")
    await bot.history.party_ended(party)
    assert len(prompts(driver)) == 1
    assert any(a.kind == "message_nonce_repeat" for a in emulator.actions)
    listed = await driver.slash("history")
    assert listed.embed["footer"]["text"].startswith("Page 1 of 1 · 1 viewing,")
    assert (await pick(driver, "member1", prompt, 9)).embed["title"] == "Rating saved"


async def test_a_deleted_party_channel_still_records_the_viewing(
    emulator: Emulator, filmbot: InProcessBot, clock: ManualClock, driver: Driver
) -> None:
    party_id = await schedule(driver, channel="film-night")
    await driver.delete_channel("film-night")
    await start_and_end(filmbot, clock, party_id, restart=False)
    listed = await driver.slash("history")
    assert "**100 Meters (2025)**" in listed.embed["description"]
    info = await driver.slash("watchparty", "info", party=party_id)
    problem = next(f["value"] for f in info.embed["fields"] if f["name"] == "Last problem")
    assert "posting the rating menu failed: 404" in problem
    assert not [m for m in emulator.state.messages.values() if "How was it?" in str(m.get("content"))]


async def test_watched_is_for_moderators_and_counts_each_viewing(
    emulator: Emulator, filmbot: InProcessBot, clock: ManualClock, driver: Driver
) -> None:
    refused = await driver.as_member("member1").slash("watched", film="100-meters")
    assert refused.ephemeral and "Manage Events" in refused.text
    moderator = driver.as_member("moderator")
    first = await moderator.slash("watched", film="100-meters")
    assert first.ephemeral and "Recorded" in first.text and "100 Meters (2025)" in first.text
    again = await moderator.slash("watched", film="100-meters", date="3 days ago")
    assert "(the 2nd time)" in again.text
    twice = await moderator.slash("watched", film="100-meters", date="3 days ago")
    assert twice.ephemeral and "already in the history" in twice.text
    for bad, says in (("someday", "can't read"), ("2999-01-01", "after today"), ("03/04", "slashes")):
        answer = await moderator.slash("watched", film="100-meters", date=bad)
        assert answer.ephemeral and says in answer.text, answer.text
    missing = await moderator.slash("watched", film="no such film at all")
    assert missing.ephemeral and "No film in the catalog" in missing.text
    await filmbot.restart()
    listed = await driver.slash("history")
    assert listed.embed["description"].count("100 Meters (2025)") == 2
    removed = await moderator.slash("watched", film="100-meters", remove=True)
    assert "Removed" in removed.text and "still in the history 1 time" in removed.text
    listed = await driver.slash("history")
    assert listed.embed["description"].count("100 Meters (2025)") == 1
    assert not [m for m in driver.messages() if not m.ephemeral and "Recorded" in m.content]


async def add_films(filmbot: InProcessBot, count: int) -> list[str]:
    bot = filmbot.bot
    source = Source(key="doc", title="A listing", kind="listing", as_of=date(2026, 1, 1))
    slugs = []
    for n in range(count):
        slug = f"test-film-{n:02d}"
        genres = ("Drama",) if n % 2 else ("Comedy", "Drama")
        await bot.store.films.upsert(
            FilmData(
                slug=slug,
                title=f"Test Film {n:02d}",
                origin="import",
                year=2000 + n,
                sources=(source,),
                facts=tuple(Fact("genre", g, "doc") for g in genres),
            )
        )
        slugs.append(slug)
    return slugs


async def test_history_pages_and_years_survive_a_restart(
    emulator: Emulator, filmbot: InProcessBot, clock: ManualClock, driver: Driver
) -> None:
    slugs = await add_films(filmbot, 12)
    moderator = driver.as_member("moderator")
    for n, slug in enumerate(slugs):
        await moderator.slash("watched", film=slug, date=f"{n + 1} days ago")
    first = await driver.slash("history")
    assert "Page 1 of 2 · 12 viewings" in first.embed["footer"]["text"]
    assert first.embed["description"].index("Test Film 00") < first.embed["description"].index("Test Film 01")
    await filmbot.restart()
    turned = await driver.as_member("member2").click(first, label="Next ▶")
    assert turned.callback_type == 7 and "Page 2 of 2" in turned.embed["footer"]["text"]
    assert "Test Film 11" in turned.embed["description"]
    menu = turned.message.selects[0]
    opened = await driver.select(turned, "filmbot:films:open", [menu["options"][0]["value"]])
    assert opened.ephemeral and "Test Film" in opened.embed["title"]
    year = (clock.now() - timedelta(days=1)).year
    shown = await driver.slash("history", year=year)
    assert f"Watched in this server · {year}" == shown.embed["title"]
    nothing = await driver.slash("history", year=1990)
    assert nothing.ephemeral and "Nothing is in the watched history for 1990" in nothing.text
    assert str(year) in nothing.text


async def test_stats_answers_an_empty_server_then_draws_the_chart(
    emulator: Emulator, filmbot: InProcessBot, clock: ManualClock, driver: Driver
) -> None:
    empty = await driver.slash("stats")
    assert empty.ephemeral and "Nothing to chart" in empty.text
    slugs = await add_films(filmbot, 3)
    for slug in slugs:
        await driver.as_member("moderator").slash("watched", film=slug)
    for n, member in enumerate(("member1", "member2", "member3")):
        for slug in slugs[: n + 1]:
            await driver.as_member(member).slash("rate", film=slug, score=6 + n)
    await filmbot.restart()
    shown = await driver.slash("stats")
    await shown.wait_settled()
    assert not shown.ephemeral
    ((name, data),) = shown.files.items()
    assert name == "stats-all-time.png" and data.startswith(PNG) and len(data) < 2_000_000
    embed = shown.embed
    assert embed["image"]["url"] == f"attachment://{name}"
    assert "**3** viewings of 3 different films" in embed["description"]
    assert "**6** ratings from 3 members, mean **7.3**/10" in embed["description"]
    member3 = emulator.world.member("member3").user.id
    assert f"Most active raters: <@{member3}> (3)" in embed["description"]
    assert {"name": "Genres", "value": "Drama (3), Comedy (2)", "inline": False} in embed["fields"]
    year = clock.now().year
    this_year = await driver.slash("stats", year=year)
    await this_year.wait_settled()
    assert f"stats-{year}.png" in this_year.files
    nothing = await driver.slash("stats", year=1990)
    assert nothing.ephemeral and "Nothing to chart in 1990" in nothing.text
