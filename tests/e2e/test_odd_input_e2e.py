"""End to end (the real bot, discord.py, the Discord emulator): odd numbers, lengths, dates and zones that
used to answer "Something went wrong" (issue 16, items 6 and 14) get a clear ephemeral answer, and nothing
is posted, scheduled or stored. The full list of inputs runs through ``filmbot ask`` in
``tests/offline/test_odd_input.py``; this is a representative set through Discord's own path."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.database_url import DatabaseLocation
from tests.discord_emulator import Driver, Emulator
from tests.engines import outside_rows

WRITTEN = ("polls", "watch_parties", "timers", "member_settings", "guild_settings")


def rows(database: DatabaseLocation) -> dict[str, int]:
    return {table: outside_rows(database, f"SELECT count(*) FROM {table}")[0][0] for table in WRITTEN}


def assert_nothing_happened(emulator: Emulator, driver: Driver, database: DatabaseLocation) -> None:
    assert not driver.messages(), "nothing is posted in the channel"
    assert not emulator.state.scheduled_events
    assert set(rows(database).values()) == {0}


@pytest.mark.parametrize(
    ("duration", "says"),
    [
        ("9" * 56 + "d", "A poll's duration can be at most 32 days"),
        ("<t:-99999999999999>", "is in the past"),
        ("¹²³", "“¹²³” is not a duration or an end time"),
    ],
)
async def test_poll_durations(
    emulator: Emulator,
    filmbot: Any,
    driver: Driver,
    tmp_path: Path,
    db_location: DatabaseLocation,
    duration: str,
    says: str,
) -> None:
    result = await driver.slash(
        "poll", "create", question="Which one?", options="Heat; Ronin", duration=duration
    )
    assert result.ephemeral and result.embed["title"] == "Check that option"
    assert says in result.text and "30m, 2h, 3d or 1d12h" in result.text
    assert_nothing_happened(emulator, driver, db_location)


@pytest.mark.parametrize(
    ("options", "says"),
    [
        ({"when": "in 9999999999 days"}, "more than two years ahead"),
        ({"when": "9999-12-31 23:59", "timezone": "America/New_York"}, "more than two years ahead"),
        ({"when": "0001-01-01 00:30", "timezone": "Asia/Tokyo"}, "is in the past"),
        ({"when": "25:00"}, "the hour goes from 0 to 23, not 25"),
        ({"when": "in 2 hours", "reminders": "1.5h"}, "whole numbers, not decimals like “1.5h”"),
        ({"when": "in 2 hours", "timezone": "Factory"}, "“Factory” is not a time zone I know"),
    ],
)
async def test_watch_party_times(
    emulator: Emulator,
    filmbot: Any,
    driver: Driver,
    tmp_path: Path,
    db_location: DatabaseLocation,
    options: dict[str, str],
    says: str,
) -> None:
    result = await driver.as_member("moderator").slash("watchparty", "schedule", film="100-meters", **options)
    assert result.ephemeral and result.embed["title"] == "Check that option"
    assert says in result.text
    assert_nothing_happened(emulator, driver, db_location)


async def test_reminders_answer_says_what_to_type_instead(
    emulator: Emulator, filmbot: Any, driver: Driver
) -> None:
    result = await driver.as_member("moderator").slash(
        "watchparty", "schedule", film="100-meters", when="in 2 hours", reminders="1d,1.5h"
    )
    assert "Write it as “1h30m” or “90m”." in result.text


async def test_plot_upto_in_superscript(emulator: Emulator, filmbot: Any, driver: Driver) -> None:
    result = await driver.slash("plot", film="100-meters", upto="²")
    assert result.ephemeral and result.embed["title"] == "Check that option"
    assert "“²” is not a phase of this film's plot" in result.text and "The final race" in result.text
    assert not driver.messages()


@pytest.mark.parametrize("zone", ["localtime", "Factory"])
async def test_time_zones_that_are_no_place(
    emulator: Emulator, filmbot: Any, driver: Driver, tmp_path: Path, db_location: DatabaseLocation, zone: str
) -> None:
    result = await driver.slash("timezone", "set", zone=zone)
    assert result.ephemeral and f"“{zone}” is not a time zone I know" in result.text
    assert_nothing_happened(emulator, driver, db_location)
    accepted = await driver.slash("timezone", "set", zone="Asia/Tokyo")
    assert accepted.ephemeral and "Asia/Tokyo" in accepted.text
    assert rows(db_location)["member_settings"] == 1
