"""End-to-end: the server watchlist and the movie night drawn from it, through the Discord emulator.

Suggest, want, list (paging, sorting, a member's films), the card's Want to see toggle, remove (who may),
the moderators' cap and block, a movie-night poll drawn from the list, and the winner's watch party
scheduled from the result's button and form; the bot restarts in the middle of each step.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.catalog.importing import import_catalog
from bot.database_url import DatabaseLocation
from bot.store import Store
from tests.discord_emulator import Driver, Emulator, MessageView
from tests.discord_emulator.botrunner import InProcessBot
from tests.discord_emulator.views import InteractionResult
from tests.engines import outside_rows

FILMS = [
    ("Heat", 1995, 8.3),
    ("Ronin", 1998, 7.2),
    ("Collateral", 2004, 7.5),
    ("Thief", 1981, 7.3),
    ("Manhunter", 1986, 7.2),
    ("Solaris", 1972, 8.0),
    *((f"Night Film {n:02d}", 1960 + n, 6.0 + n / 10) for n in range(1, 9)),
]
WANT = re.compile(r"filmbot:watchlist:want:(\d+)")


class Bot:
    def __init__(self, runner: InProcessBot) -> None:
        self.runner = runner

    def sql(self, query: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        return outside_rows(self.runner.database, query, params)

    def film_id(self, title: str) -> int:
        ((film_id,),) = self.sql("SELECT id FROM films WHERE title = ?", (title,))
        return int(film_id)

    async def restart(self) -> None:
        await self.runner.restart()


@pytest.fixture
async def bot(emulator: Emulator, tmp_path: Path, db_location: DatabaseLocation) -> AsyncIterator[Bot]:
    database = db_location
    path = tmp_path / "films.csv"
    rows = ["title,year,director,genres,runtime,imdb_rating,imdb_votes"]
    rows += [f"{title},{year},Michael Mann,Crime,120,{score},1000" for title, year, score in FILMS]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    store = await Store.open(database)
    await import_catalog(store, path, "csv")
    await store.close()
    runner = InProcessBot(emulator, database)
    await runner.start()
    try:
        yield Bot(runner)
    finally:
        await runner.stop()


def want_button(message: MessageView | InteractionResult) -> str:
    return next(b["custom_id"] for b in message.buttons if WANT.fullmatch(b["custom_id"]))


def user_id(emulator: Emulator, who: str) -> int:
    return int(emulator.world.member(who).user.id)


async def suggest(driver: Driver, who: str, *titles: str) -> None:
    for title in titles:
        result = await driver.as_member(who).slash("watchlist", "add", film=title)
        assert result.answered and "watchlist" in result.text, result.text


async def test_suggest_want_toggle_and_remove(emulator: Emulator, bot: Bot, driver: Driver) -> None:
    alice, bruno, chiara = (driver.as_member(m) for m in ("member1", "member2", "member3"))
    added = await alice.slash("watchlist", "add", film="Heat")
    assert not added.ephemeral and "suggested **Heat (1995)** for the watchlist" in added.text
    assert not added.message.raw.get("mentions")  # the member is named, nobody pinged
    again = await bruno.slash("watchlist", "add", film="heat")
    assert again.ephemeral and "already on the watchlist" in again.text
    assert f"suggested first by <@{user_id(emulator, 'member1')}>" in again.text and "2 members" in again.text

    toggle = want_button(added)
    wanted = await chiara.click(added, toggle)
    assert wanted.ephemeral and "You want to see **Heat (1995)**: 3 members want to see it" in wanted.text
    await bot.restart()  # the toggle on a message posted before the restart keeps working
    taken_back = await chiara.click(added, toggle)
    assert "You no longer want to see it" in taken_back.text and "2 members" in taken_back.text
    assert bot.sql("SELECT wants FROM watchlist_entries") == [(2,)]
    assert bot.sql("SELECT count(*) FROM watchlist_wants") == [(2,)]

    unknown = await alice.slash("watchlist", "add", film="Qwxz Nothing Like It")
    assert unknown.ephemeral and "No film in the catalog matches" in unknown.text
    assert bot.sql("SELECT count(*) FROM watchlist_entries") == [(1,)]

    choices = await bruno.autocomplete("watchlist", "remove", "film", "he")
    assert choices.names == ["Heat (1995) · 2 want it"]
    refused = await bruno.slash("watchlist", "remove", film=choices.values[0])
    assert refused.ephemeral and "Only the member who suggested Heat (1995)" in refused.text
    removed = await alice.slash("watchlist", "remove", film=choices.values[0])
    assert (
        removed.ephemeral
        and "Removed from the watchlist" in removed.text
        and "your suggestion" in removed.text
    )
    gone = await alice.slash("watchlist", "remove", film="Heat")
    assert gone.ephemeral and "not on this server's watchlist" in gone.text
    await suggest(driver, "member2", "Ronin")
    by_mod = await driver.as_member("moderator").slash("watchlist", "remove", film="Ronin")
    assert "Removed from the watchlist" in by_mod.text
    assert bot.sql("SELECT count(*) FROM watchlist_entries") == [(0,)]
    assert bot.sql("SELECT count(*) FROM watchlist_wants") == [(0,)]


async def test_list_pages_sorts_filters_and_opens_cards_across_a_restart(
    emulator: Emulator, bot: Bot, driver: Driver
) -> None:
    titles = [title for title, _, _ in FILMS[:12]]
    await suggest(driver, "member1", *titles[:6])
    await suggest(driver, "member2", *titles[6:])
    await suggest(driver, "member3", "Solaris", "Thief")
    await suggest(driver, "member4", "Solaris")
    listing = await driver.slash("watchlist", "list")
    assert not listing.ephemeral
    message = listing.message
    assert "Watchlist · 12 films" in message.text and "Page 1 of 2" in message.text
    lines = (message.embed.get("description") or "").splitlines()
    assert "**Solaris (1972)** · 🍿 3" in lines[0] and "**Thief (1981)** · 🍿 2" in lines[2]
    assert "Aggregate 80/100" in lines[1]  # Solaris: IMDb 8.0/10
    assert len(message.selects[0]["options"]) == 10

    await bot.restart()
    nxt = next(b for b in message.buttons if b["label"] == "Next ▶")
    turned = await driver.as_member("member4").click(message, nxt["custom_id"])
    assert turned.callback_type == 7 and "Page 2 of 2" in message.text and "`  11.`" in message.text
    prev = next(b for b in message.buttons if b["label"] == "◀ Previous")
    await driver.click(message, prev["custom_id"])
    assert "Page 1 of 2" in message.text

    newest = await driver.slash("watchlist", "list", sort="newest")
    assert "Night Film 06 (1966)" in (newest.embed.get("description") or "").splitlines()[0]
    mine = await driver.slash("watchlist", "list", member="member3")
    assert "Watchlist · 2 films" in mine.text and f"<@{user_id(emulator, 'member3')}>" in mine.text
    nobody = await driver.slash("watchlist", "list", member="moderator")
    assert nobody.ephemeral and "has not suggested" in nobody.text

    solaris = bot.film_id("Solaris")
    card = await driver.as_member("moderator").select(message, "filmbot:films:open", [str(solaris)])
    assert card.ephemeral and "Solaris" in card.text
    toggle = want_button(card)
    await bot.restart()
    wanted = await driver.as_member("moderator").click(card, toggle)
    assert "You want to see **Solaris (1972)**: 4 members" in wanted.text

    await bot.runner.bot.watchlist.mark_watched(emulator.world.guild.id, solaris)
    after = await driver.slash("watchlist", "list")
    assert "Watchlist · 11 films" in after.text and "Solaris" not in after.text


async def test_moderators_cap_and_block_suggestions(emulator: Emulator, bot: Bot, driver: Driver) -> None:
    owner = driver.as_member("owner")
    refused = await driver.as_member("member1").slash("settings", "watchlist", "cap", limit=1)
    assert refused.ephemeral and "Manage Guild permission" in refused.text
    capped = await owner.slash("settings", "watchlist", "cap", limit=1)
    assert capped.ephemeral and "at most **1** suggestion" in capped.text
    await suggest(driver, "member1", "Heat")
    second = await driver.as_member("member1").slash("watchlist", "add", film="Ronin")
    assert second.ephemeral and "the most this server allows (1)" in second.text

    bruno = user_id(emulator, "member2")
    blocked = await owner.slash("settings", "watchlist", "block", member="member2")
    assert f"<@{bruno}> can no longer suggest" in blocked.text
    tried = await driver.as_member("member2").slash("watchlist", "add", film="Ronin")
    assert tried.ephemeral and "stopped you from suggesting" in tried.text
    wants = await driver.as_member("member2").slash("watchlist", "add", film="Heat")
    assert "You now want to see it too" in wants.text
    shown = await owner.slash("settings", "watchlist", "show")
    assert "at most **1** per member" in shown.text and f"<@{bruno}>" in shown.text
    await owner.slash("settings", "watchlist", "unblock", member="member2")
    await owner.slash("settings", "watchlist", "cap")
    await suggest(driver, "member2", "Ronin")
    await suggest(driver, "member1", "Thief")
    assert bot.sql("SELECT count(*) FROM watchlist_entries") == [(3,)]


async def test_a_poll_from_an_empty_or_one_film_watchlist_is_a_clear_answer(
    emulator: Emulator, bot: Bot, driver: Driver
) -> None:
    mod = driver.as_member("moderator")
    empty = await mod.slash("poll", "movienight", duration="1h", from_watchlist=True)
    assert empty.ephemeral and "has no film waiting to be watched" in empty.text
    await suggest(driver, "member1", "Heat")
    one = await mod.slash("poll", "movienight", duration="1h", from_watchlist=True, pick="random")
    assert one.ephemeral and "only one film (Heat (1995))" in one.text
    stray = await mod.slash("poll", "movienight", duration="1h", count=3)
    assert stray.ephemeral and "add from\\_watchlist:True" in stray.text  # markdown-escaped
    nothing = await mod.slash("poll", "movienight", duration="1h", film1="Ronin")
    assert nothing.ephemeral and "at least two films" in nothing.text
    assert bot.sql("SELECT count(*) FROM polls") == [(0,)]
    mixed = await mod.slash("poll", "movienight", duration="1h", film1="Ronin", from_watchlist=True)
    assert not mixed.ephemeral and "Ronin (1998)" in mixed.text and "Heat (1995)" in mixed.text


async def test_movie_night_from_the_watchlist_to_the_winner_s_party(
    emulator: Emulator, bot: Bot, driver: Driver
) -> None:
    await suggest(driver, "member1", "Heat", "Ronin", "Collateral", "Thief")
    for who, titles in (
        ("member2", ["Heat", "Ronin"]),
        ("member3", ["Heat"]),
        ("member4", ["Heat", "Collateral"]),
    ):
        await suggest(driver, who, *titles)
    mod = driver.as_member("moderator")
    created = await mod.slash(
        "poll", "movienight", duration="1h", from_watchlist=True, count=3, mode="single"
    )
    poll_message = created.message
    labels = [b["label"] for b in poll_message.buttons][:3]
    assert labels == ["Heat (1995)", "Ronin (1998)", "Collateral (2004)"]  # the three most wanted
    (poll_id,) = {
        int(b["custom_id"].split(":")[3]) for b in poll_message.buttons if ":vote:" in b["custom_id"]
    }
    for who, label in (("member1", "Heat (1995)"), ("member2", "Heat (1995)"), ("member3", "Ronin (1998)")):
        await driver.as_member(who).click(poll_message, label=label)
    await bot.restart()
    await mod.slash("poll", "close", id=poll_id)
    result = await driver.wait_for_message(predicate=lambda m: "Result" in m.text)
    assert "Winner: **Heat (1995)**" in result.text
    schedule = next(b for b in result.buttons if b["custom_id"].startswith("filmbot:poll:party:"))
    assert schedule["label"] == "Schedule watch party"

    refused = await driver.as_member("member1").click(result, schedule["custom_id"])
    assert refused.ephemeral and "Manage Events" in refused.text
    form = await mod.click(result, schedule["custom_id"])
    assert form.modal is not None and form.modal["title"] == "Watch party: Heat (1995)"
    await bot.restart()  # the form was open while the bot restarted
    typo = await mod.submit_modal(form, {"when": "someday soon", "note": "Bring snacks"})
    assert typo.ephemeral and "When: someday soon" in typo.text and "announcement: Bring snacks" in typo.text
    assert bot.sql("SELECT count(*) FROM watch_parties") == [(0,)]

    form = await mod.click(result, schedule["custom_id"])
    done = await mod.submit_modal(
        form, {"when": "tomorrow 21:00", "where": "Screening Room", "timezone": "UTC", "note": "Bring snacks"}
    )
    await done.wait_settled()
    announcement = done.message
    assert (
        not announcement.ephemeral
        and "Heat (1995)" in announcement.text
        and "Bring snacks" in announcement.text
    )
    ((film_id, voice, note),) = bot.sql("SELECT film_id, voice_channel_id, note FROM watch_parties")
    assert film_id == bot.film_id("Heat") and note == "Bring snacks"
    assert voice == emulator.world.channel("Screening Room").id
    (event,) = emulator.state.scheduled_events.values()
    assert "Heat" in event["name"]
    twice = await mod.click(result, schedule["custom_id"])
    assert twice.ephemeral and "already has a watch party coming" in twice.text


async def test_a_film_recorded_as_watched_leaves_the_watchlist(
    emulator: Emulator, bot: Bot, driver: Driver
) -> None:
    await suggest(driver, "member1", "Heat", "Ronin")
    watched = await driver.as_member("moderator").slash("watched", film="Heat")
    assert watched.answered and "Heat" in str(watched.embeds) + watched.text
    listing = await driver.slash("watchlist", "list")
    shown = str(listing.embeds)
    assert "Ronin" in shown and "Heat" not in shown
    # The entry is kept as watched (suggesting it again starts fresh), not deleted.
    heat = bot.film_id("Heat")
    ((open_entries,),) = bot.sql(
        "SELECT count(*) FROM watchlist_entries WHERE film_id = ? AND watched_at IS NULL", (heat,)
    )
    assert open_entries == 0


async def test_stats_name_the_members_who_suggested_most(
    emulator: Emulator, bot: Bot, driver: Driver
) -> None:
    await suggest(driver, "member1", "Heat", "Ronin")
    await suggest(driver, "member2", "Collateral")
    stats = await driver.slash("stats")
    assert stats.files, "a chart is attached"
    first, second = user_id(emulator, "member1"), user_id(emulator, "member2")
    assert f"Most films suggested to the watchlist: <@{first}> (2), <@{second}> (1)." in str(stats.embeds)
