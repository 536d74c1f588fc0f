"""Issue 16, items 6 and 14, through ``filmbot ask``: every odd number, length, date and zone a member typed
that got "Something went wrong" (or a misleading answer) now gets a clear ephemeral answer, and nothing is
written. The emulator runs a representative set end to end (``tests/e2e/test_odd_input_e2e.py``)."""

from __future__ import annotations

import pytest

from bot.database_url import DatabaseLocation
from bot.offline.runner import AskResult, ask
from bot.settings import Settings
from tests.engines import outside_rows

POLL = "/poll create question:Which one? options:Heat; Ronin duration:"
PARTY = "/watchparty schedule film:100-meters when:"
# Every table a refused command could have written to.
WRITTEN = ("polls", "poll_options", "watch_parties", "timers", "member_settings", "guild_settings")

CASES = [
    # item 6: /poll create duration
    (POLL + "9" * 56 + "d", "A poll's duration can be at most 32 days"),
    (POLL + "9" * 60, "is more than 32 days ahead"),
    (POLL + "<t:-99999999999999>", "“<t:-99999999999999>” is in the past"),
    (POLL + "<t:99999999999999999>", "is more than 32 days ahead"),
    (POLL + "²", "“²” is not a duration or an end time"),
    (POLL + "¹²³", "“¹²³” is not a duration or an end time"),
    # item 6: /watchparty schedule when
    (PARTY + "in 9999999999 days", "more than two years ahead"),
    (PARTY + "in 99999999999999999 weeks", "more than two years ahead"),
    (PARTY + "9999-12-31 23:59 timezone:America/New_York", "more than two years ahead"),
    (PARTY + "0001-01-01 00:30 timezone:Asia/Tokyo", "“0001-01-01 00:30” is in the past"),
    (PARTY + "9999-12-31T23:59:00-05:00", "more than two years ahead"),
    # item 6: /plot upto
    ("/plot film:100-meters upto:²", "“²” is not a phase of this film's plot"),
    # item 14: a clear reason, not a misleading one
    (PARTY + "25:00", "the hour goes from 0 to 23, not 25"),
    (PARTY + "in 2 hours reminders:1.5h", "A reminder offset takes whole numbers, not decimals like “1.5h”"),
    ("/timezone set zone:localtime", "“localtime” is not a time zone I know"),
    ("/timezone set zone:Factory", "“Factory” is not a time zone I know"),
    ("/settings timezone zone:Factory", "“Factory” is not a time zone I know"),
    (PARTY + "in 2 hours timezone:localtime", "“localtime” is not a time zone I know"),
]


def rows(database: DatabaseLocation) -> dict[str, int]:
    return {table: outside_rows(database, f"SELECT count(*) FROM {table}")[0][0] for table in WRITTEN}


def answer(result: AskResult) -> str:
    assert result.refused is None, result.refused
    (message,) = result.transcript.messages.values()
    assert message.ephemeral, message.payload
    (embed,) = message.payload["embeds"]
    assert "Something went wrong" not in embed["title"]
    assert embed["title"] == "Check that option"
    return str(embed["description"])


@pytest.mark.parametrize(("line", "says"), CASES)
async def test_odd_input_gets_a_clear_answer_and_writes_nothing(
    settings: Settings, line: str, says: str
) -> None:
    result = await ask(settings, line)
    text = answer(result)
    assert says in text
    assert "•" in text, "the answer says what would work"
    assert not result.transcript.events
    assert set(rows(settings.database).values()) == {0}


async def test_rate_score_typed_in_other_digits_is_refused_like_discord_does(settings: Settings) -> None:
    """Discord's client sends only numbers; ``ask`` reads the typed line as strictly (ASCII digits)."""
    for typed in ("nan", "inf", "١٠", "1e1"):
        result = await ask(settings, f"/rate film:100-meters score:{typed}")
        assert result.refused is not None
        assert f"score goes from 0.5 to 10; “{typed}” is not a number" in result.refused.message
    result = await ask(settings, "/watchparty info party:" + "9" * 30)
    assert result.refused is not None and "is out of range" in result.refused.message


async def test_a_poll_duration_in_range_still_opens_the_poll(settings: Settings) -> None:
    """The same path accepts what it should: the refusals above are not a blanket no."""
    result = await ask(settings, POLL + "1d12h")
    assert result.refused is None
    assert any(not m.ephemeral for m in result.transcript.messages.values())
    assert rows(settings.database)["polls"] == 1
