"""End-to-end through the Discord emulator: /rate, /scores (embed + chart), the Scores button after a
restart, bad scores, and many members rating at once."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests.discord_emulator import Driver, Emulator

PNG = b"\x89PNG\r\n\x1a\n"
MEMBERS = ("owner", "moderator", "member1", "member2", "member3", "member4")


async def test_rate_then_scores_shows_embed_and_chart(
    emulator: Emulator, filmbot: Any, driver: Driver
) -> None:
    rated = await driver.slash(
        "rate", film="100-meters", score=8.5, review="Nine seconds that last a lifetime."
    )
    assert rated.ephemeral
    assert "You rated **100 Meters (2025)** **8.5**/10" in rated.embed["description"]

    shown = await driver.slash("scores", film="100-meters")
    assert not shown.ephemeral
    embed = shown.embed
    assert embed["title"] == "Scores · 100 Meters (2025)"
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    ratings = fields["Ratings, each on its own scale"]
    for expected in ("IMDb: **8.1**/10", "Letterboxd: **3.8**/5", "**7.7**/10 from 56 votes"):
        assert expected in ratings
    approvals = fields["Approval (share who liked it, not averaged)"]
    assert "**100%**" in approvals and "**92%**" in approvals
    assert "Raw mean 8.5/10 from 1 rating" in fields["This server's members"]
    # The listing's 7.7 names no site: shown, not counted. (81 + 76 + (10 × 78.5 + 85) / 11) / 3 = 78.7
    assert embed["description"].startswith("**Aggregate 79/100**")
    assert "site not named; not counted" in ratings
    # The documents give no dates: every score says "undated", none borrows the day the card was written.
    assert "undated" in ratings and "as of" not in ratings
    ((name, data),) = shown.files.items()
    assert name == "scores-100-meters.png" and embed["image"]["url"] == f"attachment://{name}"
    assert data.startswith(PNG) and len(data) < 1_000_000
    assert sum(len(str(v)) for v in (embed["title"], embed["description"], *fields.values())) < 6000


@pytest.mark.parametrize(
    ("score", "says"), [(0, "out of range"), (11, "out of range"), (7.3, "e.g. 7 or 7.5")]
)
async def test_bad_scores_get_a_clear_answer(
    emulator: Emulator, filmbot: Any, driver: Driver, score: float, says: str
) -> None:
    answer = await driver.lenient().slash("rate", film="100-meters", score=score)
    assert answer.ephemeral
    # Discord's client enforces the option's min/max; the emulator (like a modified client) does not, so
    # this is the bot's own check answering.
    assert says in answer.text
    assert not driver.messages()


async def test_remove_and_spoiler_review(emulator: Emulator, filmbot: Any, driver: Driver) -> None:
    await driver.slash("rate", film="100-meters", score=9, review="Komiya wins || or not", spoiler=True)
    listing = await driver.slash("ratings", film="100-meters")
    assert "||Komiya wins ¦¦ or not||" in listing.embed["description"]
    removed = await driver.slash("rate", film="100-meters", remove=True)
    assert removed.ephemeral and removed.embed["title"] == "Rating removed"
    again = await driver.slash("rate", film="100-meters", remove=True)
    assert again.ephemeral and "You have not rated" in again.text


async def test_scores_button_works_after_a_restart(emulator: Emulator, filmbot: Any, driver: Driver) -> None:
    card = await driver.slash("film", title="100-meters")
    assert any(f["name"] == "Scores" and "Aggregate 78/100" in f["value"] for f in card.embed["fields"])
    await filmbot.restart()
    opened = await driver.as_member("member2").click(card, label="Scores")
    await opened.wait_settled()
    assert opened.ephemeral
    assert opened.embed["title"] == "Scores · 100 Meters (2025)"
    assert next(iter(opened.files.values())).startswith(PNG)


async def test_many_members_rating_at_once_lose_nothing(
    emulator: Emulator, filmbot: Any, driver: Driver
) -> None:
    answers = await asyncio.gather(
        *(
            driver.as_member(who).slash("rate", film="100-meters", score=5 + i)
            for i, who in enumerate(MEMBERS)
        )
    )
    assert all(a.ephemeral and a.embed["title"] == "Rating saved" for a in answers)
    top = await driver.slash("top", min_ratings=6)
    # mean (5 + … + 10) / 6 = 7.5 from 6, shrunk toward 78.5: (785 + 450) / 16 = 77.2 → 7.7
    assert "100 Meters (2025) — **7.7**/10 (mean 7.5 from 6)" in top.embed["description"]
