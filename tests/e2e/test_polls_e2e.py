"""End-to-end: the real filmbot, unmodified discord.py and the loopback Discord emulator, members voting."""

from __future__ import annotations

import asyncio
import contextlib
import re
import shutil
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.client import FilmBot
from bot.database_url import DatabaseLocation
from bot.polls.delivery import PollDelivery
from bot.store.timers import encode_time

emulator_package = pytest.importorskip("tests.discord_emulator")

from tests.discord_emulator import Driver, Emulator, MessageView  # noqa: E402
from tests.discord_emulator.botrunner import InProcessBot, SubprocessBot  # noqa: E402
from tests.discord_emulator.views import InteractionResult  # noqa: E402
from tests.engines import outside_rows, sqlite_path  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
CARD = REPO / "data" / "films" / "100-meters.toml"
POLL_ID = re.compile(r"filmbot:poll:\w+:(\d+)")


def films_dir(tmp_path: Path) -> Path:
    """The repository's card plus two more films made from it (a movie night needs several)."""
    target = tmp_path / "films"
    target.mkdir()
    shutil.copy(CARD, target / CARD.name)
    text = CARD.read_text(encoding="utf-8")
    for slug, title, year in (("heat", "Heat", 1995), ("ronin", "Ronin", 1998)):
        copy = text.replace('slug = "100-meters"', f'slug = "{slug}"', 1)
        copy = copy.replace('title = "100 Meters"', f'title = "{title}"', 1)
        copy = re.sub(r"(?m)^original_title = .*$", "", copy, count=1)
        copy = re.sub(r"(?m)^aliases = .*$", "aliases = []", copy, count=1)
        copy = re.sub(r"(?m)^year = .*$", f"year = {year}", copy, count=1)
        copy = re.sub(r"(?m)^imdb_id = .*$", "", copy, count=1)
        (target / f"{slug}.toml").write_text(copy, encoding="utf-8")
    return target


class Bot:
    """The in-process bot with quick live-tally edits (the 2 s coalescing is measured in benchmarks)."""

    def __init__(self, emulator: Emulator, tmp_path: Path, database: DatabaseLocation) -> None:
        self.database = database
        self.runner = InProcessBot(emulator, self.database, FILMBOT_FILMS_DIR=str(films_dir(tmp_path)))

    async def start(self) -> FilmBot:
        bot: FilmBot = await self.runner.start()
        self.delivery.interval = 0.05
        return bot

    @property
    def delivery(self) -> PollDelivery:
        bot: FilmBot = self.runner.bot
        assert isinstance(bot.polls.delivery, PollDelivery)
        return bot.polls.delivery

    async def settle(self) -> None:
        await self.delivery.drain()

    def sql(self, query: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        return outside_rows(self.database, query, params)


@pytest.fixture
async def polls(emulator: Emulator, tmp_path: Path, db_location: DatabaseLocation) -> AsyncIterator[Bot]:
    bot = Bot(emulator, tmp_path, db_location)
    await bot.start()
    try:
        yield bot
    finally:
        await bot.runner.stop()


def poll_id_of(message: MessageView) -> int:
    for comp in message.buttons + message.selects:
        if match := POLL_ID.match(comp.get("custom_id", "")):
            return int(match.group(1))
    raise AssertionError("no poll components on the message")


async def create(driver: Driver, **options: Any) -> MessageView:
    result = await driver.slash("poll", "create", **options)
    assert result.answered and not result.ephemeral, result.text
    return result.message


async def test_create_vote_change_retract_close(emulator: Emulator, polls: Bot, driver: Driver) -> None:
    message = await create(driver, question="Tonight?", options="Heat; Ronin; Collateral", duration="2h")
    poll = poll_id_of(message)
    assert [b["label"] for b in message.buttons][:3] == ["Heat", "Ronin", "Collateral"]
    alice, bruno = driver.as_member("member1"), driver.as_member("member2")

    vote = await alice.click(message, f"filmbot:poll:vote:{poll}:0")
    assert vote.ephemeral and "Vote recorded" in vote.text and "Heat" in vote.text
    assert polls.sql("SELECT count(*) FROM poll_ballots WHERE poll_id = ?", (poll,)) == [(1,)]
    await bruno.click(message, f"filmbot:poll:vote:{poll}:1")
    changed = await alice.click(message, f"filmbot:poll:vote:{poll}:1")
    assert "Vote changed" in changed.text
    mine = await alice.click(message, f"filmbot:poll:ballot:{poll}")
    assert mine.ephemeral and "Ronin" in mine.text
    await polls.settle()
    assert "2 · 100%" in message.text  # the live tally on the poll message
    retracted = await bruno.click(message, f"filmbot:poll:retract:{poll}")
    assert "Ballot retracted" in retracted.text
    await polls.settle()
    assert "1 ballot" in message.text

    refused = await bruno.slash("poll", "close", id=poll)
    assert refused.ephemeral and "author" in refused.text
    closed = await driver.as_member("moderator").slash("poll", "close", id=poll)
    assert closed.ephemeral and "closed" in closed.text
    result = await driver.wait_for_message(predicate=lambda m: "Result" in m.text)
    assert "Winner: **Ronin**" in result.text
    assert result.files["poll-result.png"].startswith(b"\x89PNG")
    assert not message.buttons  # the poll message shows the final state, without vote buttons
    again = await driver.slash("poll", "close", id=poll)
    assert "already closed" in again.text
    assert len([m for m in driver.messages() if "Result" in m.text]) == 1  # posted once
    shown = await bruno.slash("poll", "results", id=poll)
    assert shown.ephemeral and "Winner" in shown.text


async def test_twenty_five_options_use_a_select(emulator: Emulator, polls: Bot, driver: Driver) -> None:
    labels = [f"Film number {i}" for i in range(1, 26)]
    message = await create(driver, question="Pick one", options="; ".join(labels), duration="30m")
    poll = poll_id_of(message)
    [select] = message.selects
    assert len(select["options"]) == 25
    for n in range(1, 5):
        await driver.as_member(f"member{n}").select(message, f"filmbot:poll:select:{poll}", [str(n % 2 + 20)])
    await polls.settle()
    assert "Film number 21" in message.text and "2 · 50%" in message.text
    listed = await driver.slash("poll", "list")
    assert listed.ephemeral and f"#{poll}" in listed.text and "<t:" in listed.text


async def test_multi_poll_buttons_toggle(emulator: Emulator, polls: Bot, driver: Driver) -> None:
    message = await create(
        driver, question="Which?", options="A; B; C", duration="1h", mode="multi", max_choices=2
    )
    poll = poll_id_of(message)
    await driver.click(message, f"filmbot:poll:vote:{poll}:0")
    both = await driver.click(message, f"filmbot:poll:vote:{poll}:2")
    assert "**A**, **C**" in both.text
    too_many = await driver.click(message, f"filmbot:poll:vote:{poll}:1")
    assert too_many.ephemeral and "already picked 2" in too_many.text


async def test_ranked_movie_night(emulator: Emulator, polls: Bot, driver: Driver) -> None:
    result = await driver.slash(
        "poll", "movienight", film1="heat", film2="ronin", film3="100-meters", duration="1d", mode="ranked"
    )
    message = result.message
    poll = poll_id_of(message)
    assert "Heat (1995)" in message.text and "Ronin (1998)" in message.text
    assert "Aggregate" in message.text and "/100" in message.text  # 100 Meters' score line
    # member1 ranks Ronin, Heat; member2 and member3 rank 100 Meters first, Ronin second; member4 Heat only.
    plans = {"member1": [1, 0], "member2": [2, 1], "member3": [2, 1], "member4": [0]}
    for who, ranking in plans.items():
        member = driver.as_member(who)
        ballot = await member.click(message, f"filmbot:poll:ballot:{poll}")
        assert ballot.ephemeral
        current = ballot.message
        picked = ""
        for choice in ranking:
            step = await member.select(current, f"filmbot:poll:rank:{poll}:{picked}", [str(choice)])
            assert step.callback_type == 7
            picked += str(choice)
            current = step.message
        submitted = await member.click(current, f"filmbot:poll:submit:{poll}:{picked}")
        assert "Vote recorded" in submitted.text
    assert polls.sql("SELECT count(*) FROM poll_ballots WHERE poll_id = ?", (poll,)) == [(4,)]
    await driver.slash("poll", "close", id=poll)
    posted = await driver.wait_for_message(predicate=lambda m: "Result" in m.text)
    # Round 1: Heat 1, Ronin 1, 100 Meters 2 (of 4) -> Heat and Ronin tie lowest with no earlier round,
    # both out together -> round 2: 100 Meters 2, member1's and member4's ballots exhausted -> it wins.
    assert "Round 1" in posted.text and "Round 2" in posted.text
    assert "Winner: **100 Meters (2025)**" in posted.text
    card = next(b for b in posted.buttons if b["custom_id"].startswith("filmbot:film:card:"))
    opened = await driver.click(posted, card["custom_id"])
    assert opened.ephemeral and "100 Meters" in opened.text


async def test_hidden_and_anonymous(emulator: Emulator, polls: Bot, driver: Driver) -> None:
    message = await create(
        driver, question="Secret?", options="Yes; No", duration="1h", anonymous=True, hide_results=True
    )
    poll = poll_id_of(message)
    await driver.as_member("member1").click(message, f"filmbot:poll:vote:{poll}:0")
    await driver.as_member("member2").click(message, f"filmbot:poll:vote:{poll}:0")
    await polls.settle()
    assert "%" not in message.text and "2 ballots" in message.text
    hidden = await driver.as_member("moderator").slash("poll", "results", id=poll)
    assert "hidden" in hidden.text and "100%" not in hidden.text
    member1 = emulator.world.member("member1").user.id
    assert all(str(member1) not in str(row) for row in polls.sql("SELECT * FROM poll_ballots"))
    [(secret,)] = polls.sql("SELECT secret FROM polls WHERE id = ?", (poll,))
    await driver.slash("poll", "close", id=poll)
    posted = await driver.wait_for_message(predicate=lambda m: "Result" in m.text)
    assert "Winner: **Yes**" in posted.text and "anonymous" in posted.text
    assert "alice" not in posted.text.lower() and "bruno" not in posted.text.lower()
    assert polls.sql("SELECT secret FROM polls WHERE id = ?", (poll,)) == [(None,)]
    if isinstance(polls.database, Path):  # SQLite: gone from the file and its write-ahead log too
        for path in (polls.database, polls.database.with_name(polls.database.name + "-wal")):
            assert not path.exists() or bytes(secret) not in path.read_bytes(), path.name


async def test_role_restriction(emulator: Emulator, polls: Bot, driver: Driver) -> None:
    role = emulator.world.moderator_role
    message = await create(driver, question="Mods only", options="A; B", duration="1h", role=role.name)
    poll = poll_id_of(message)
    refused = await driver.as_member("member1").click(message, f"filmbot:poll:vote:{poll}:0")
    assert refused.ephemeral and "role" in refused.text
    accepted = await driver.as_member("moderator").click(message, f"filmbot:poll:vote:{poll}:0")
    assert "Vote recorded" in accepted.text


async def test_mentions_in_options_ping_nobody(emulator: Emulator, polls: Bot, driver: Driver) -> None:
    message = await create(
        driver, question="@everyone **vote**", options="<@&1> now; @here; [x](https://e.xyz)", duration="1h"
    )
    assert message.raw.get("mention_everyone") is not True
    assert not message.raw.get("mentions") and not message.raw.get("mention_roles")
    assert "@\u200beveryone" in message.text


async def test_invisible_and_direction_characters_never_reach_the_poll(
    emulator: Emulator, polls: Bot, driver: Driver
) -> None:
    message = await create(
        driver,
        question="Open \u202egnp.exe?",
        options="Heat\u200b; \u2066Ronin\u2069; e\u0301pique",
        duration="1h",
    )
    assert "\u202e" not in message.text and "Open gnp.exe?" in message.text
    assert [b["label"] for b in message.buttons][:3] == ["Heat", "Ronin", "épique"]
    poll = poll_id_of(message)
    assert polls.sql("SELECT label FROM poll_options WHERE poll_id = ? ORDER BY position", (poll,)) == [
        ("Heat",),
        ("Ronin",),
        ("épique",),
    ]


async def test_bad_input_answers_ephemerally(emulator: Emulator, polls: Bot, driver: Driver) -> None:
    for options, duration, expected in (
        ("A", "1h", "at least two"),
        (";".join(str(i) for i in range(26)), "1h", "at most 25"),
        ("A;" + "b" * 81, "1h", "at most 80"),
        ("A; B", "0m", "at least 1 minute"),
        ("A; B", "40d", "32 days"),
        ("Heat;Heat\u200b", "1h", "given twice"),
        ("é;e\u0301", "1h", "given twice"),
        ("Heat;\u200b\u200d", "1h", "An option is blank"),
    ):
        result = await driver.slash("poll", "create", question="Q", options=options, duration=duration)
        assert result.ephemeral and expected in result.text
    assert not driver.messages()


async def test_clicks_after_a_restart_and_a_deadline_passed_while_down(
    emulator: Emulator, polls: Bot, driver: Driver
) -> None:
    first = await create(driver, question="Before", options="A; B; C", duration="2h", mode="ranked")
    second = await create(driver, question="Expires", options="A; B", duration="1h")
    first_id, second_id = poll_id_of(first), poll_id_of(second)
    opened = await driver.click(first, f"filmbot:poll:ballot:{first_id}")
    step = await driver.select(opened.message, f"filmbot:poll:rank:{first_id}:", ["2"])
    await driver.as_member("member2").click(second, f"filmbot:poll:vote:{second_id}:1")
    await polls.runner.stop()
    # While the bot is down, the second poll's deadline passes.
    polls.sql("UPDATE polls SET closes_at = '2000-01-01T00:00:00.000000Z' WHERE id = ?", (second_id,))
    polls.sql("UPDATE timers SET due_at = '2000-01-01T00:00:00.000000Z' WHERE ref = ?", (str(second_id),))
    await polls.start()
    # The ranking in progress (kept in the ephemeral message's custom_ids) carries on after the restart.
    step = await driver.select(step.message, f"filmbot:poll:rank:{first_id}:2", ["0"])
    submitted = await driver.click(step.message, f"filmbot:poll:submit:{first_id}:20")
    assert "Vote recorded" in submitted.text and "1. C" in submitted.text
    vote = await driver.as_member("member3").click(first, f"filmbot:poll:retract:{first_id}")
    assert "Nothing to retract" in vote.text
    posted = await driver.wait_for_message(predicate=lambda m: "Result: Expires" in m.text)
    assert "Winner: **B**" in posted.text
    await emulator.wait_for(lambda: not second.buttons, timeout=5, what="the closed poll's buttons to go")
    assert polls.sql("SELECT count(*) FROM poll_ballots WHERE poll_id = ?", (second_id,)) == [(1,)]


@pytest.mark.parametrize("voters", [1000])
async def test_a_thousand_concurrent_voters(
    tmp_path: Path, db_location: DatabaseLocation, voters: int
) -> None:
    from tests.discord_emulator.world import build_default_world

    # Discord, a thousand members and the bot share one event loop here, so the 3 s answer deadline is
    # relaxed; click-to-answer latency on a realistic split is what benchmarks/polls.py measures.
    emulator = Emulator(world=build_default_world("emulator-token", member_count=voters), ack_timeout=60)
    await emulator.start()
    bot = Bot(emulator, tmp_path, db_location)
    try:
        await bot.start()
        driver: Driver = emulator.driver
        message = await create(driver, question="Big night", options="A; B; C; D; E", duration="1h")
        poll = poll_id_of(message)
        members = emulator.world.members[:voters]
        results = await asyncio.gather(
            *(
                driver.as_member(m).click(message, f"filmbot:poll:vote:{poll}:{i % 5}")
                for i, m in enumerate(members)
            )
        )
        # On a busy machine a commit may outlast the bot's 2 s budget: it defers ("thinking…") and confirms
        # in a follow-up once the ballot is committed. A deferral is not the answer: wait for each one's.
        await asyncio.gather(*(r.wait_settled(timeout=60) for r in results))
        assert all(r.answered and r.ephemeral and "Vote recorded" in r.text for r in results)
        assert bot.sql("SELECT count(*) FROM poll_ballots WHERE poll_id = ?", (poll,)) == [(voters,)]
        await bot.settle()
        assert f"{voters} ballots" in message.text
        counts = bot.sql(
            "SELECT choices, count(*) FROM poll_ballots WHERE poll_id = ? GROUP BY choices ORDER BY choices",
            (poll,),
        )
        assert counts == [(f"[{i}]", voters // 5) for i in range(5)]
        assert f"{voters // 5} · 20%" in message.text
    finally:
        await bot.runner.stop()
        await emulator.close()
    emulator.assert_clean()


def confirmed(result: InteractionResult) -> bool:
    """The member saw the bot confirm the vote: an answer Discord accepted, saying it was recorded.

    A click the bot never answered, or whose answer Discord refused (10062 after its deadline), was never
    acknowledged to anyone.
    """
    if not result.answered:
        return False
    try:
        return "Vote recorded" in result.text
    except AssertionError:  # acknowledged, but no message shows the confirmation (a deferral cut short)
        return False


async def vote_and_stop(
    emulator: Emulator, voters: int, stop: Callable[[], Awaitable[Any]], ready: Callable[[int], bool]
) -> tuple[int, dict[int, InteractionResult]]:
    """A poll, ``voters`` members voting on it at once, and ``stop`` once ``ready(votes confirmed so far)``
    (or once the burst is over). The poll's id and each member's result (a click that found no bot is left
    out)."""
    driver: Driver = emulator.driver
    message = await create(driver, question="Stop me", options="A; B; C", duration="1h")
    poll = poll_id_of(message)
    results: dict[int, InteractionResult] = {}
    confirmations = [0]

    async def vote(index: int) -> None:
        member = emulator.world.members[index]
        try:
            result = (
                await driver.lenient()
                .as_member(member)
                .click(message, f"filmbot:poll:vote:{poll}:{index % 3}")
            )
        except AssertionError:
            return  # the bot was already gone: no gateway session to deliver the click
        results[member.user.id] = result
        confirmations[0] += confirmed(result)

    burst: asyncio.Future[list[None]] = asyncio.gather(*(vote(i) for i in range(voters)))
    waiting: asyncio.Future[Any] = asyncio.ensure_future(
        emulator.wait_for(lambda: ready(confirmations[0]), timeout=120)
    )
    await asyncio.wait([burst, waiting], return_when=asyncio.FIRST_COMPLETED)
    waiting.cancel()
    with contextlib.suppress(asyncio.CancelledError, AssertionError):
        await waiting
    await stop()
    await burst  # clicks still waiting end unanswered once their deadline passes
    return poll, results


def voters_stored(database: DatabaseLocation, poll: int) -> set[int]:
    return {
        int(v) for (v,) in outside_rows(database, "SELECT voter FROM poll_ballots WHERE poll_id = ?", (poll,))
    }


@contextlib.asynccontextmanager
async def bot_process(
    tmp_path: Path, database: DatabaseLocation, members: int
) -> AsyncIterator[tuple[Emulator, SubprocessBot]]:
    """``filmbot run`` as its own process over an emulator of ``members`` members, answers due within 10 s
    (relaxed so that a busy machine still answers; ``benchmarks/`` measures against Discord's 3 s)."""
    from tests.discord_emulator.world import build_default_world

    emulator = Emulator(world=build_default_world("emulator-token", member_count=members), ack_timeout=10)
    await emulator.start()
    workdir = tmp_path / "run"
    workdir.mkdir()
    runner = SubprocessBot(emulator, database, workdir)
    try:
        await runner.start()
        yield emulator, runner
    finally:
        await runner.stop()
        await emulator.close()


@pytest.mark.emulator_allow_violations
async def test_sigkill_during_a_burst_keeps_every_acknowledged_vote(
    tmp_path: Path, db_location: DatabaseLocation
) -> None:
    """Every vote the bot confirmed is in the database after a SIGKILL in the middle of a burst.

    Nothing here depends on how fast the machine is: only votes whose confirmation Discord accepted count
    as acknowledged, and a late answer refused with 10062, or none at all, only makes fewer votes count.
    The answer deadline is relaxed to 10 s so that a busy machine still confirms enough votes to test;
    how fast a burst is answered, against Discord's real 3 s, is measured by ``benchmarks/polls.py``.
    """
    voters = 1000
    async with bot_process(tmp_path, db_location, voters) as (emulator, runner):
        # SIGKILL, with no clean shutdown, once a tenth of the votes are confirmed.
        poll, results = await vote_and_stop(emulator, voters, runner.kill, lambda done: done >= voters // 10)
    acknowledged = {user for user, result in results.items() if confirmed(result)}
    stored = voters_stored(db_location, poll)
    assert acknowledged, "no vote was confirmed before the kill"
    assert acknowledged <= stored, f"{len(acknowledged - stored)} acknowledged votes were lost"


async def test_a_stop_during_a_burst_confirms_every_vote_it_kept(
    tmp_path: Path, db_location: DatabaseLocation
) -> None:
    """SIGTERM in the middle of a burst: the clicks the bot has in hand commit and are answered before it
    closes its connection, and it takes no more; so every vote in the database was confirmed to its member,
    and every confirmed vote is in the database. (Before, the connection closed under the answers: "Session
    is closed", and members whose vote was kept were never told.)"""
    voters = 300
    async with bot_process(tmp_path, db_location, voters) as (emulator, runner):
        # Answers take 2 s to reach Discord: SIGTERM once 20 are under way (their votes committed), while the
        # bot holds those and more.
        slow = emulator.faults.slow("POST", "/interactions/*/*/callback", delay=2.0, times=None)
        poll, results = await vote_and_stop(emulator, voters, runner.terminate, lambda _: len(slow.hits) > 20)
        assert runner.process is not None and runner.process.returncode == 0
    acknowledged = {user for user, result in results.items() if confirmed(result)}
    stored = voters_stored(db_location, poll)
    assert acknowledged, "no vote was confirmed before the stop"
    assert stored == acknowledged, (
        f"{len(stored - acknowledged)} kept but unconfirmed, {len(acknowledged - stored)} lost"
    )
    assert not [line for line in runner.output if "Session is closed" in line]


async def test_live_tally_edits_are_coalesced_and_the_final_state_is_shown(
    emulator: Emulator, polls: Bot, driver: Driver
) -> None:
    message = await create(driver, question="Coalesce", options="A; B", duration="1h")
    poll = poll_id_of(message)
    polls.delivery.interval = 3600  # after the first edit, the next may only come an hour later

    def edits() -> int:
        return len([c for c in emulator.calls("PATCH", "**") if c.path.endswith(f"/messages/{message.id}")])

    for n in range(1, 5):
        await driver.as_member(f"member{n}").click(message, f"filmbot:poll:vote:{poll}:{n % 2}")
    await emulator.wait_for(lambda: edits() >= 1, timeout=5, what="the first tally edit")
    assert edits() == 1  # four votes, one edit; the rest wait for the pending one
    await driver.slash("poll", "close", id=poll)
    await driver.wait_for_message(predicate=lambda m: "Result" in m.text)
    assert "4 ballots" in message.text and "Closed" in message.text  # the final state, shown at once
    await polls.delivery.stop()


async def test_a_commit_past_two_seconds_is_deferred_then_confirmed(
    emulator: Emulator, polls: Bot, driver: Driver
) -> None:
    """Another program holds the database's write lock: the vote's commit waits, the bot defers the click
    at 2 s (Discord's deadline is 3 s), and confirms it in the follow-up once the commit is done."""
    message = await create(driver, question="Slow disk", options="A; B", duration="1h")
    poll = poll_id_of(message)
    # The write lock, until the click has been deferred. The bot (in this event loop) may be mid-write:
    # wait for it without blocking the loop it needs to finish (a blocking busy wait would deadlock).
    blocker = sqlite3.connect(sqlite_path(polls.database), isolation_level=None, timeout=0)
    for _ in range(1200):
        try:
            blocker.execute("BEGIN IMMEDIATE")
            break
        except sqlite3.OperationalError:
            await asyncio.sleep(0.05)
    else:
        pytest.fail("the bot never let go of the database's write lock")
    try:
        vote = await driver.click(message, f"filmbot:poll:vote:{poll}:1")
        assert vote.deferred and vote.ephemeral and "Vote recorded" not in vote.text
        assert polls.sql("SELECT count(*) FROM poll_ballots WHERE poll_id = ?", (poll,)) == [(0,)]
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    await vote.wait_settled(timeout=10)
    assert "Vote recorded" in vote.text and "**B**" in vote.text
    assert polls.sql("SELECT count(*) FROM poll_ballots WHERE poll_id = ?", (poll,)) == [(1,)]


async def test_a_restart_shows_the_votes_still_waiting_for_their_edit(
    emulator: Emulator, polls: Bot, driver: Driver
) -> None:
    message = await create(driver, question="Restart", options="A; B", duration="1h")
    poll = poll_id_of(message)
    polls.delivery.interval = 3600  # after the first edit, the next would come an hour later
    await driver.as_member("member1").click(message, f"filmbot:poll:vote:{poll}:0")
    await emulator.wait_for(lambda: "1 ballot\n" in message.text, timeout=5, what="the first tally edit")
    for n in (2, 3, 4):
        vote = await driver.as_member(f"member{n}").click(message, f"filmbot:poll:vote:{poll}:1")
        assert "Vote recorded" in vote.text
    assert "1 ballot\n" in message.text  # the three later votes wait for the interval
    await polls.runner.stop()  # a clean stop shows them at once
    assert "4 ballots" in message.text and "3 · 75%" in message.text
    await polls.start()
    vote = await driver.as_member("member1").click(message, f"filmbot:poll:vote:{poll}:1")
    assert "Vote changed" in vote.text
    await polls.settle()
    assert "4 ballots" in message.text and "4 · 100%" in message.text


async def test_after_a_crash_the_poll_message_converges_and_no_vote_is_lost(
    tmp_path: Path, db_location: DatabaseLocation
) -> None:
    async with bot_process(tmp_path, db_location, 4) as (emulator, runner):
        driver = emulator.driver
        message = await create(driver, question="Crash", options="A; B", duration="1h")
        poll = poll_id_of(message)
        await driver.as_member("member1").click(message, f"filmbot:poll:vote:{poll}:0")
        await emulator.wait_for(lambda: "1 ballot\n" in message.text, timeout=10, what="the first edit")
        vote = await driver.as_member("member2").click(message, f"filmbot:poll:vote:{poll}:1")
        assert "Vote recorded" in vote.text
        await runner.kill()  # within the 2 s the second vote's edit waits for
        assert "1 ballot\n" in message.text, "the edit was not waiting when the bot was killed"
        await runner.start()
        await emulator.wait_for(
            lambda: "2 ballots" in message.text, timeout=15, what="the message to converge"
        )
        assert "1 · 50%" in message.text
    assert voters_stored(db_location, poll) == {m.user.id for m in emulator.world.members[:2]}


# -- closing races (issue 16, item 9) ---------------------------------------------------------------------


def results_of(driver: Driver, poll: int) -> list[MessageView]:
    return [m for m in driver.messages() if f"Poll #{poll} ·" in m.text and "Result" in m.text]


# The first interaction answer (here: the first closer's deferral) held back.
SLOW_FIRST_ANSWER = ("POST", "/interactions/*/*/callback")


@pytest.mark.parametrize("slow_first", [False, True])
async def test_two_members_closing_at_once_get_one_result_and_two_answers(
    emulator: Emulator, polls: Bot, driver: Driver, slow_first: bool
) -> None:
    """Both closes run at once; with ``slow_first`` the first closer's answer is held back, so the second
    closer reaches the result first (the interleaving that answered "Something went wrong")."""
    for _ in range(3):
        message = await create(driver, question="Race", options="A; B", duration="1h")
        poll = poll_id_of(message)
        await driver.as_member("member2").click(message, f"filmbot:poll:vote:{poll}:1")
        if slow_first:
            emulator.faults.slow(*SLOW_FIRST_ANSWER, delay=0.5, times=1)
        author, moderator = await asyncio.gather(
            driver.slash("poll", "close", id=poll),
            driver.as_member("moderator").slash("poll", "close", id=poll),
        )
        [result] = results_of(driver, poll)
        link = f"/{result.id}"
        for answer in (author, moderator):
            assert answer.ephemeral and "went wrong" not in answer.text, answer.text
            assert link in answer.text and f"Poll #{poll}" in answer.text
        assert sum("is closed. Result" in a.text for a in (author, moderator)) == 1
        assert sum("was already closed by another member" in a.text for a in (author, moderator)) == 1
        assert "Winner: **B**" in result.text
        assert polls.sql("SELECT result_message_id FROM polls WHERE id = ?", (poll,)) == [(result.id,)]


@pytest.mark.parametrize("slow_member", [False, True])
async def test_a_close_racing_the_deadline_posts_one_result(
    emulator: Emulator, polls: Bot, driver: Driver, slow_member: bool
) -> None:
    """``/poll close`` while the close timer fires. With ``slow_member`` the timer closes and posts first
    (the member's deferral is held back); without, the member closes first and the timer finds it done."""
    message = await create(driver, question="Deadline", options="A; B", duration="1h")
    poll = poll_id_of(message)
    await driver.as_member("member2").click(message, f"filmbot:poll:vote:{poll}:0")
    bot: FilmBot = polls.runner.bot
    if slow_member:
        emulator.faults.slow(*SLOW_FIRST_ANSWER, delay=0.5, times=1)

    async def deadline() -> None:
        due = encode_time(bot.clock.now() - timedelta(seconds=1))
        polls.sql("UPDATE timers SET due_at = ? WHERE ref = ?", (due, str(poll)))
        bot.timers.wake()
        await bot.timers.idle()

    answer, _ = await asyncio.gather(driver.slash("poll", "close", id=poll), deadline())
    await bot.timers.idle()
    [result] = results_of(driver, poll)
    assert answer.ephemeral and "went wrong" not in answer.text and f"/{result.id}" in answer.text
    if slow_member:
        assert "already closed at its deadline" in answer.text
    assert polls.sql("SELECT state FROM timers WHERE ref = ?", (str(poll),)) in (
        [("fired",)],
        [("cancelled",)],
    )
    assert polls.sql("SELECT result_message_id FROM polls WHERE id = ?", (poll,)) == [(result.id,)]


@pytest.mark.parametrize("history_readable", [True, False])
async def test_a_result_posted_just_before_a_stop_is_not_posted_again(
    emulator: Emulator, polls: Bot, driver: Driver, history_readable: bool
) -> None:
    """The bot stopped after Discord accepted the result but before the bot recorded it: at start it finds
    the result in the channel (or, without Read Message History, Discord's nonce check hands it back)."""
    message = await create(driver, question="Crash", options="A; B", duration="1h")
    poll = poll_id_of(message)
    await driver.slash("poll", "close", id=poll)
    [posted] = results_of(driver, poll)
    await polls.runner.stop()
    polls.sql("UPDATE polls SET result_message_id = NULL WHERE id = ?", (poll,))  # the lost record
    if not history_readable:
        emulator.faults.fail("GET", "/channels/*/messages", 403, times=None)
    await polls.start()

    def recorded() -> bool:
        return polls.sql("SELECT result_message_id FROM polls WHERE id = ?", (poll,)) == [(posted.id,)]

    await emulator.wait_for(recorded, timeout=10, what="the result to be found and recorded")
    assert [m.id for m in results_of(driver, poll)] == [posted.id]
    repeats = [a for a in emulator.actions if a.kind == "message_nonce_repeat"]
    assert len(repeats) == (0 if history_readable else 1)


async def test_two_closers_of_a_poll_whose_channel_refuses_the_result_both_see_it(
    emulator: Emulator, polls: Bot, driver: Driver
) -> None:
    message = await create(driver, question="Muted", options="A; B", duration="1h")
    poll = poll_id_of(message)
    emulator.faults.fail("POST", "/channels/*/messages", 403, times=None)
    answers = await asyncio.gather(
        driver.slash("poll", "close", id=poll), driver.as_member("moderator").slash("poll", "close", id=poll)
    )
    for answer in answers:
        assert answer.ephemeral and "could not post its result" in answer.text and "Result" in answer.text
    assert results_of(driver, poll) == []
    # Nothing recorded: the next start tries the channel again.
    assert polls.sql("SELECT result_message_id FROM polls WHERE id = ?", (poll,)) == [(None,)]


# -- anonymity in the log (issue 16, item 10) -------------------------------------------------------------


async def test_an_anonymous_vote_leaves_no_trace_of_the_voter_in_the_debug_log(
    emulator: Emulator, tmp_path: Path, db_location: DatabaseLocation
) -> None:
    """``filmbot run`` at DEBUG: the gateway events are logged by their shape, never with who clicked what."""
    workdir = tmp_path / "run"
    workdir.mkdir()
    database = db_location
    bot = SubprocessBot(emulator, database, workdir, FILMBOT_LOG_LEVEL="DEBUG")
    await bot.start()
    driver = Driver(emulator)
    voter = emulator.world.member("member2")
    try:
        message = await create(driver, question="Secret?", options="Yes; No", duration="1h", anonymous=True)
        poll = poll_id_of(message)
        vote = await driver.as_member(voter).click(message, f"filmbot:poll:vote:{poll}:0")
        assert "Vote recorded" in vote.text
        mine = await driver.as_member(voter).click(message, f"filmbot:poll:ballot:{poll}")
        assert "Yes" in mine.text
    finally:
        assert await bot.terminate() == 0
    log = "\n".join(bot.output)
    assert "DEBUG" in log and "INTERACTION_CREATE" in log  # really at DEBUG, gateway events included
    for trace in (str(voter.user.id), voter.user.username):
        assert trace not in log, f"{trace!r} is in the log"
    assert "WebSocket Event: <op 0 INTERACTION_CREATE seq" in log
    assert outside_rows(database, "SELECT count(*) FROM poll_ballots WHERE poll_id = ?", (poll,)) == [(1,)]
