"""Messages posted by filmbot 0.1 keep working: every custom_id format it shipped is clicked after a restart.

The ids below are spelled out literally, exactly as filmbot 0.1 wrote them (not built with today's
``make_id``), on messages "posted before the upgrade" (seeded into the emulator). Each click must get a
real answer, not an error and not Discord's "This interaction failed".
"""

from __future__ import annotations

import re
from typing import Any

from tests.discord_emulator import Driver, Emulator

ERROR_COLOUR = 0xD9534F


def _button(custom_id: str, label: str) -> dict[str, Any]:
    return {"type": 2, "style": 2, "label": label, "custom_id": custom_id}


def _select(custom_id: str, options: list[tuple[str, str]], max_values: int = 1) -> dict[str, Any]:
    return {
        "type": 3,
        "custom_id": custom_id,
        "options": [{"label": label, "value": value} for label, value in options],
        "min_values": 1,
        "max_values": max_values,
    }


def _rows(*components: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"type": 1, "components": [c]} for c in components]


def _assert_answered(result: Any, custom_id: str) -> None:
    assert result.answered, f"{custom_id}: no answer (the member would see 'This interaction failed')"
    colours = [embed.get("color") for embed in result.embeds]
    assert ERROR_COLOUR not in colours, f"{custom_id}: answered with an error: {result.embeds}"
    assert "Something went wrong" not in str(result.embeds), custom_id


def _number(pattern: str, text: str) -> int:
    found = re.search(pattern, text)
    assert found is not None, f"{pattern!r} not in {text[:300]!r}"
    return int(found.group(1))


async def _state(filmbot: Any, driver: Driver) -> dict[str, Any]:
    """What the 0.1 ids point at: a film, two polls, a party, a rating, a saved browse filter."""
    moderator = driver.as_member("moderator")
    film = (await filmbot.bot.films.resolve("100-meters")).id
    single = await moderator.slash("poll", "create", question="Upgrade?", options="Yes;No", duration="1d")
    ranked = await moderator.slash(
        "poll", "create", question="Rank them", options="A;B;C", duration="1d", mode="ranked"
    )
    party = await moderator.slash("watchparty", "schedule", film="100-meters", when="in 3 days")
    await driver.slash("rate", film="100-meters", score=8.0)
    browse = await driver.slash("films", "browse", genre="Drama")
    ids = [c["custom_id"] for row in browse.components for c in row["components"] if "custom_id" in c]
    key = next(m.group(1) for i in ids if (m := re.fullmatch(r"filmbot:films:browse:\d+:([0-9a-f]{16})", i)))
    poll_ids = [_number(r"Poll #(\d+)", str(r.embed)) for r in (single, ranked)]
    party_id = _number(r"Watch party #(\d+)", str(party.embeds))
    return {"film": film, "single": poll_ids[0], "ranked": poll_ids[1], "party": party_id, "key": key}


async def test_every_custom_id_format_of_version_0_1_still_answers_after_the_upgrade(
    emulator: Emulator, filmbot: Any, driver: Driver
) -> None:
    s = await _state(filmbot, driver)
    film, single, ranked, party, key = s["film"], s["single"], s["ranked"], s["party"], s["key"]
    buttons = [
        f"filmbot:film:card:{film}",
        f"filmbot:scores:open:{film}",
        f"filmbot:scores:ratings:{film}:0:next",
        "filmbot:scores:top:1:0:prev",
        f"filmbot:plot:open:{film}",
        f"filmbot:plot:next:{film}:1",
        f"filmbot:poll:vote:{single}:0",
        f"filmbot:poll:ballot:{single}",
        f"filmbot:poll:retract:{single}",
        f"filmbot:poll:rankset:{ranked}:0",
        f"filmbot:poll:submit:{ranked}:021",
        f"filmbot:films:browse:1:{key}",
        "filmbot:films:random:",
        "filmbot:films:random:Drama",
        f"filmbot:wp:rsvp:{party}:going",
        f"filmbot:wp:rsvp:{party}:cant",
    ]
    posted = [
        emulator.seed_message("film-night", f"posted by 0.1 ({n})", components=_rows(_button(cid, str(n))))
        for n, cid in enumerate(buttons)
    ]
    vote_menu = emulator.seed_message(
        "film-night",
        "vote menu",
        components=_rows(_select(f"filmbot:poll:select:{single}", [("Yes", "0"), ("No", "1")])),
    )
    open_menu = emulator.seed_message(
        "film-night",
        "open menu",
        components=_rows(_select("filmbot:films:open", [("100 Meters", str(film))])),
    )
    rank_menu = emulator.seed_message(
        "film-night",
        "ranking",
        components=_rows(_select(f"filmbot:poll:rank:{ranked}:0", [("A", "0"), ("B", "1"), ("C", "2")])),
    )
    await filmbot.restart()
    member = driver.in_channel("film-night")
    for message, custom_id in zip(posted, buttons, strict=True):
        _assert_answered(await member.click(message, custom_id), custom_id)
    _assert_answered(await member.select(vote_menu, f"filmbot:poll:select:{single}", ["1"]), "poll select")
    _assert_answered(await member.select(open_menu, "filmbot:films:open", [str(film)]), "films open")
    _assert_answered(await member.select(rank_menu, f"filmbot:poll:rank:{ranked}:0", ["2"]), "rank select")
    # The clicks did what they say: the member's single-poll ballot is the menu's last pick (No).
    single_view = await filmbot.bot.polls.view(single)
    assert single_view.tally is not None and list(single_view.tally.counts) == [0, 1]
    ranked_view = await filmbot.bot.polls.view(ranked)
    assert ranked_view.ballots == 1  # the ranking 0,2,1 submitted through the 0.1 id
