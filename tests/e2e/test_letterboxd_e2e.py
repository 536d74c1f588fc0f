"""End to end through the Discord emulator: a Letterboxd export imported through an attachment option, and a
member's diary followed from a local Letterboxd, posted once across restarts (and across a crash between
Discord accepting a post and the bot recording it)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.clock import ManualClock
from bot.database_url import DatabaseLocation
from bot.letterboxd.polling import POLL_INTERVAL
from bot.store import Store
from tests.conftest import NOW
from tests.discord_emulator import Driver, Emulator, FileOption
from tests.discord_emulator.botrunner import InProcessBot
from tests.engines import outside_execute
from tests.letterboxd.exports import add_catalog, diary_csv, export_zip, ratings_csv
from tests.letterboxd.feeds import Fault, FeedServer, Item, serving

CHANNEL = "film-night"


@pytest.fixture
async def feeds() -> AsyncIterator[FeedServer]:
    async with serving() as server:
        yield server


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(NOW)


@pytest.fixture
async def lbbot(
    emulator: Emulator, feeds: FeedServer, clock: ManualClock, tmp_path: Path, db_location: DatabaseLocation
) -> AsyncIterator[Any]:
    """The real bot in-process on a manual clock, reading feeds from the local Letterboxd, with a catalog."""
    database = db_location
    store = await Store.open(database)
    try:
        await add_catalog(store, tmp_path)
    finally:
        await store.close()
    runner = InProcessBot(emulator, database, clock=clock, FILMBOT_LETTERBOXD_URL=feeds.url)
    await runner.start()
    try:
        yield runner
    finally:
        await runner.stop()


def entry(n: int, age: timedelta, title: str, year: int, **extra: Any) -> Item:
    published = NOW - age
    return Item(f"letterboxd-review-{n}", title, year, published.date(), published, **extra)


async def poll_again(lbbot: Any, clock: ManualClock) -> None:
    """Half an hour later: the feed's timer comes due and the bot polls it (wait for that, not a sleep)."""
    await clock.advance(POLL_INTERVAL)
    await lbbot.bot.timers.idle()


def posts(driver: Driver) -> list[dict[str, Any]]:
    return [m.embed for m in driver.messages(CHANNEL)]


async def test_an_export_uploaded_as_an_attachment_becomes_ratings(
    emulator: Emulator, lbbot: Any, driver: Driver
) -> None:
    export = export_zip(
        {
            "ratings.csv": ratings_csv(
                [
                    ("2026-02-01", "Flow", "2024", "4"),
                    ("2026-02-02", "Paris, Texas", "1984", "4.5"),
                    ("2026-02-03", "The Thing", "1982", "3"),
                    ("2026-02-04", "Heat", "1995", "5"),
                ]
            ),
            "diary.csv": diary_csv([("2026-02-01", "Flow", "2024", "4", "2026-01-31")]),
        }
    )
    await driver.slash("rate", film="paris-texas", score=6)  # rated here today: newer than the export
    upload = FileOption("letterboxd-alice-2026-03-27-11-52-utc.zip", export, "application/zip")
    answer = await driver.slash("letterboxd import", file=upload)
    await answer.wait_settled()
    assert answer.ephemeral and answer.embed["title"] == "Letterboxd import"
    description = answer.embed["description"]
    assert "4 rated films, **2** of them in this server's catalog" in description
    assert "**1** new · **0** updated" in description and "**1** kept" in description
    fields = {f["name"]: f["value"] for f in answer.embed["fields"]}
    assert fields["Not in this server's catalog (1)"] == "Heat (1995)"
    assert fields["Several films of that title and year (1)"].startswith("The Thing (1982)")
    assert "Paris, Texas (1984): kept **6**/10" in fields["Kept this server's rating (1)"]
    listing = await driver.slash("ratings", film="flow")
    assert f"<@{driver.member.user.id}> **8**/10" in listing.embed["description"]
    # Nothing public but the listing: the summary was for the member only.
    assert [m.embed["title"] for m in driver.messages()] == ["Ratings · Flow (2024)"]


async def test_a_bad_upload_gets_a_clear_answer_and_changes_nothing(
    emulator: Emulator, lbbot: Any, driver: Driver
) -> None:
    png = FileOption("ratings.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "text/csv")
    answer = await driver.slash("letterboxd import", file=png)
    await answer.wait_settled()
    assert answer.ephemeral and "not a text file" in answer.text
    watchlist = FileOption(
        "watchlist.csv", b"Date,Name,Year,Letterboxd URI\n2026-01-01,Flow,2024,x\n", "text/csv"
    )
    answer = await driver.slash("letterboxd import", file=watchlist)
    await answer.wait_settled()
    assert "lacks Rating" in answer.text
    listing = await driver.slash("ratings", film="flow")
    assert "Nobody in this server has rated" in listing.embed["description"]


async def test_a_followed_diary_is_posted_once_across_restarts(
    emulator: Emulator, lbbot: Any, driver: Driver, feeds: FeedServer, clock: ManualClock
) -> None:
    feeds.add(
        "max",
        entry(1, timedelta(days=30), "Solaris", 1972, rating=5),
        entry(2, timedelta(days=3), "Flow", 2024, rating=4.5, spoiler=True, review="The cat || survives."),
        entry(3, timedelta(hours=5), "Perfect Days", 2023, rewatch=True, review="Quiet. @everyone"),
    )
    refused = await driver.slash("letterboxd follow", username="max")
    await refused.wait_settled()
    assert "no Letterboxd channel yet" in refused.text and not feeds.requests
    not_theirs = await driver.slash("settings", "letterboxd", channel=CHANNEL)
    assert not_theirs.ephemeral and "Manage Guild permission" in not_theirs.text
    channel_set = await driver.as_member("owner").slash("settings", "letterboxd", channel=CHANNEL)
    assert channel_set.ephemeral and "will be posted in" in channel_set.text

    followed = await driver.slash("letterboxd follow", username="letterboxd.com/max/")
    await followed.wait_settled()
    assert followed.ephemeral and "Following **max**" in followed.text and "Posted 2" in followed.text
    flow, days = posts(driver)
    assert flow["title"] == "Flow (2024)" and days["title"] == "Perfect Days (2023)"
    assert "**★★★★½** (9/10)" in flow["description"]
    assert "Review (contains spoilers): ||The cat ¦¦ survives.||" in flow["description"]
    assert "↻ rewatch" in days["description"] and "Quiet. @\u200beveryone" in days["description"]
    for call in emulator.calls("POST", "/channels/*/messages"):
        assert call.body["allowed_mentions"]["parse"] == []  # nothing a member wrote pings anyone
    card = await driver.as_member("member2").click(driver.messages(CHANNEL)[0], label="Film card")
    assert card.ephemeral and card.embed["title"].startswith("Flow")

    await lbbot.restart()
    await poll_again(lbbot, clock)  # 304: nothing new
    feeds.honour_validators = False
    await poll_again(lbbot, clock)  # the same entries again: nothing new either
    assert len(posts(driver)) == 2
    feeds.add("max", entry(4, -POLL_INTERVAL * 2, "Drive My Car", 2021, rating=4))
    await poll_again(lbbot, clock)
    await lbbot.restart()
    await poll_again(lbbot, clock)
    titles = [p["title"] for p in posts(driver)]
    assert titles == ["Flow (2024)", "Perfect Days (2023)", "Drive My Car (2021)"]
    assert [r.status for r in feeds.requests_for("max")] == [200, 304, 200, 200, 200]

    status = await driver.slash("letterboxd status")
    fields = {f["name"]: f["value"] for f in status.embed["fields"]}
    assert fields["Posted here"] == "3" and fields["Posting in"] == f"<#{emulator.world.channel(CHANNEL).id}>"


@pytest.mark.parametrize("history_readable", [True, False])
async def test_a_post_discord_accepted_just_before_a_crash_is_not_repeated(
    emulator: Emulator,
    lbbot: Any,
    driver: Driver,
    feeds: FeedServer,
    clock: ManualClock,
    history_readable: bool,
) -> None:
    feeds.add("max", entry(1, timedelta(days=1), "Flow", 2024, rating=4))
    await driver.as_member("owner").slash("settings", "letterboxd", channel=CHANNEL)
    await (await driver.slash("letterboxd follow", username="max")).wait_settled()
    assert len(posts(driver)) == 1
    await lbbot.stop()
    # What a kill between Discord's answer and our commit leaves: the post recorded, not as posted.
    outside_execute(
        lbbot.database,
        "UPDATE letterboxd_posts SET state = 'pending', message_id = NULL WHERE state = 'posted'",
        [()],
    )
    if not history_readable:
        emulator.faults.fail("GET", "/channels/*/messages", 403, times=None)
    await lbbot.start()
    await poll_again(lbbot, clock)
    assert len(posts(driver)) == 1
    nonce_repeats = [a for a in emulator.actions if a.kind == "message_nonce_repeat"]
    assert len(nonce_repeats) == (0 if history_readable else 1)  # the history, else Discord's nonce check
    status = await driver.slash("letterboxd status")
    assert {f["name"]: f["value"] for f in status.embed["fields"]}["Posted here"] == "1"


async def test_unknown_members_and_a_feed_that_is_down(
    emulator: Emulator, lbbot: Any, driver: Driver, feeds: FeedServer, clock: ManualClock
) -> None:
    await driver.as_member("owner").slash("settings", "letterboxd", channel=CHANNEL)
    ghost = await driver.slash("letterboxd follow", username="nobody_here")
    await ghost.wait_settled()
    assert ghost.ephemeral and "no member called “nobody\\_here”" in ghost.text
    bad = await driver.slash("letterboxd follow", username="not a name!")
    assert bad.ephemeral and "not a Letterboxd username" in bad.text
    feeds.add("max", entry(1, timedelta(days=1), "Flow", 2024))
    await (await driver.slash("letterboxd follow", username="max")).wait_settled()
    feeds.fail("max", Fault(503), times=2)
    await poll_again(lbbot, clock)
    status = await driver.slash("letterboxd status")
    fields = {f["name"]: f["value"] for f in status.embed["fields"]}
    assert "failing (1× in a row)" in fields["Feed"] and "(503)" in fields["Feed"]
    listing = await driver.as_member("member2").slash("letterboxd list")
    assert f"<@{driver.member.user.id}> → **max**" in listing.embed["description"]
    stopped = await driver.as_member("member2").slash("letterboxd unfollow", member=driver.member.user.id)
    assert stopped.ephemeral and "Only moderators" in stopped.text
    stopped = await driver.as_member("moderator").slash("letterboxd unfollow", member=driver.member.user.id)
    assert "no longer follows **max**" in stopped.text
