"""Reminder handlers through the real bot, discord.py's HTTP client and the loopback recorder.

Time is a ``ManualClock``; the REST side is the offline recorder (it records messages and answers 404 for
scheduled events, which the handlers must record as a problem, not crash on). The end-to-end version with
the Discord emulator (events, interest, SIGKILL) lives in ``test_e2e.py``.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import discord
import pytest

from bot.app import apply_endpoints
from bot.client import FilmBot
from bot.clock import ManualClock
from bot.offline import _guild
from bot.offline._recorder import Recorded, Recorder
from bot.settings import Secret, Settings
from bot.timers import Firing
from bot.watchparty.models import ScheduleRequest
from bot.watchparty.reminders import REMINDER, START
from bot.watchparty.service import WatchPartyService
from tests.conftest import FILMS_DIR
from tests.watchparty.quiet import quiet_service

NOW = datetime(2026, 3, 27, 12, 0, tzinfo=UTC)
GUILD, CHANNEL = int(_guild.GUILD_ID), int(_guild.CHANNEL_ID)
MEMBERS = [2_000_000_000_000_000_000 + n for n in range(5)]


@dataclass
class Harness:
    bot: FilmBot
    recorder: Recorder
    clock: ManualClock
    service: WatchPartyService

    def channel_messages(self) -> list[Recorded]:
        return [m for m in self.recorder.transcript.messages.values() if m.kind == "channel"]

    async def settle(self, seconds: float = 0) -> None:
        await self.clock.advance(seconds)
        await self.bot.timers.idle()

    @classmethod
    def of(cls, bot: FilmBot, recorder: Recorder, clock: ManualClock) -> Harness:
        """Parties are scheduled, answered and changed in the store only (a quiet delivery); the bot's
        own timer handlers send the reminders."""
        return cls(bot, recorder, clock, quiet_service(bot.store, clock))


@pytest.fixture
async def settings(tmp_path: Path) -> Settings:
    return Settings(database=tmp_path / "filmbot.sqlite3", films_dir=FILMS_DIR, token=Secret("offline"))


async def start_bot(settings: Settings, clock: ManualClock, files: Path) -> tuple[FilmBot, Recorder]:
    recorder = Recorder(files)
    base = await recorder.start()
    offline = dataclasses.replace(settings, api_base=base)
    apply_endpoints(offline)
    bot = FilmBot(offline, clock=clock, offline=True)
    await bot.__aenter__()
    await bot.login("offline")
    bot._connection._add_guild_from_data(_guild.guild_payload())  # type: ignore[arg-type]
    bot.timers.start()
    return bot, recorder


async def stop_bot(bot: FilmBot, recorder: Recorder) -> None:
    await bot.close()
    await recorder.close()


@pytest.fixture
async def harness(settings: Settings, tmp_path: Path) -> AsyncIterator[Harness]:
    previous = discord.http.Route.BASE
    clock = ManualClock(NOW)
    bot, recorder = await start_bot(settings, clock, tmp_path / "files")
    try:
        yield Harness.of(bot, recorder, clock)
    finally:
        await stop_bot(bot, recorder)
        discord.http.Route.BASE = previous


async def schedule(h: Harness, when: str = "in 2 hours", reminders: str = "1h,10m") -> int:
    film = await h.bot.films.resolve("100-meters")
    request = ScheduleRequest(
        guild_id=GUILD, channel_id=CHANNEL, user_id=1, film=film, when=when, reminders=reminders
    )
    party = (await h.service.schedule(request)).party
    return party.id


def pinged(message: Recorded) -> list[int]:
    return [int(x) for x in re.findall(r"<@(\d+)>", message.payload.get("content", ""))]


async def test_reminders_ping_exactly_going_and_maybe_members_on_time(harness: Harness) -> None:
    h = harness
    party_id = await schedule(h)
    await h.service.rsvp(party_id, MEMBERS[0], "going")
    await h.service.rsvp(party_id, MEMBERS[1], "maybe")
    await h.service.rsvp(party_id, MEMBERS[2], "cant")
    await h.settle()
    assert h.channel_messages() == []
    await h.settle(3600 - 1)
    assert h.channel_messages() == []  # not a second early
    await h.settle(1)
    (first,) = h.channel_messages()
    assert "1 hour reminder" in first.payload["content"]
    assert pinged(first) == MEMBERS[:2]
    allowed = first.payload["allowed_mentions"]
    assert allowed["parse"] == [] and sorted(int(u) for u in allowed["users"]) == MEMBERS[:2]
    assert first.payload["enforce_nonce"] is True and len(first.payload["nonce"]) <= 25
    await h.settle(50 * 60)
    assert len(h.channel_messages()) == 2
    await h.settle(10 * 60)
    start = h.channel_messages()[-1]
    assert "starting now" in start.payload["content"] and pinged(start) == MEMBERS[:2]
    party = await h.service.get(party_id)
    assert party.status == "started"
    # The Discord event could not be created offline: recorded on the party, not retried.
    timers = await h.bot.store.timers.for_ref(REMINDER, str(party_id))
    assert [t.state for t in timers] == ["fired", "fired"]


async def test_cancelled_party_sends_nothing(harness: Harness) -> None:
    h = harness
    party_id = await schedule(h)
    await h.service.rsvp(party_id, MEMBERS[0], "going")
    await h.service.cancel(party_id, GUILD)
    await h.settle(3 * 3600)
    assert h.channel_messages() == []


async def test_rescheduled_reminders_fire_at_the_new_time(harness: Harness) -> None:
    h = harness
    party_id = await schedule(h, "in 2 hours", "1h")
    await h.service.rsvp(party_id, MEMBERS[0], "going")
    await h.service.reschedule(party_id, GUILD, 1, "in 3 hours")
    await h.settle(3600)
    assert h.channel_messages() == []  # the old 1 h reminder moved
    await h.settle(3600)
    (reminder,) = h.channel_messages()
    assert pinged(reminder) == [MEMBERS[0]]


async def test_dm_subscribers_get_a_dm_instead_of_a_ping_and_fall_back_when_dms_fail(
    harness: Harness,
) -> None:
    h = harness
    party_id = await schedule(h, "in 2 hours", "1h")
    await h.service.rsvp(party_id, MEMBERS[0], "going")
    await h.service.rsvp(party_id, MEMBERS[1], "going")
    await h.bot.preferences.set_dm_reminders(MEMBERS[1], True)
    await h.settle(3600)
    # Offline there is no DM route (POST /users/@me/channels is a 404): member 1 is pinged instead.
    (reminder,) = h.channel_messages()
    assert pinged(reminder) == MEMBERS[:2]
    assert any("/users/@me/channels" in u for u in h.recorder.transcript.unsupported)


async def test_a_reminder_interrupted_after_sending_is_not_sent_again_after_a_restart(
    settings: Settings, tmp_path: Path
) -> None:
    previous = discord.http.Route.BASE
    clock = ManualClock(NOW)
    bot, recorder = await start_bot(settings, clock, tmp_path / "files")
    try:
        h = Harness.of(bot, recorder, clock)
        service = h.service
        party_id = await schedule(h, "in 2 hours", "1h")
        await service.rsvp(party_id, MEMBERS[0], "going")
        timer = next(t for t in await bot.store.timers.for_ref(REMINDER, str(party_id)))
        # "Crash" right after the message went out and its delivery was recorded, before the timer was
        # marked fired: claim the row as the dispatcher does, deliver, and leave it running.
        await bot.timers.stop()
        await clock.set(timer.due_at)
        (claimed,) = [t for t in await bot.store.timers.claim_due(clock.now()) if t.id == timer.id]
        await bot.watch_parties.reminders.on_reminder(Firing(claimed, clock.now(), timedelta(0)))
        assert len(h.channel_messages()) == 1
        running = await bot.store.timers.get(timer.id)
        assert running is not None and running.state == "running"
    finally:
        await stop_bot(bot, recorder)
    # Restart: once the crashed claim's lease lapses the row is claimed again as a retry, and the
    # recorded delivery is not repeated.
    bot, recorder = await start_bot(settings, clock, tmp_path / "files2")
    try:
        h = Harness.of(bot, recorder, clock)
        await h.settle(bot.timers.lease.total_seconds() + 1)
        assert h.channel_messages() == []
        after = await bot.store.timers.get(timer.id)
        assert after is not None and after.state == "fired" and after.attempts == 2
    finally:
        await stop_bot(bot, recorder)
        discord.http.Route.BASE = previous


async def test_missed_reminders_are_reported_not_sent(settings: Settings, tmp_path: Path) -> None:
    previous = discord.http.Route.BASE
    clock = ManualClock(NOW)
    bot, recorder = await start_bot(settings, clock, tmp_path / "files")
    try:
        h = Harness.of(bot, recorder, clock)
        service = h.service
        party_id = await schedule(h, "in 2 hours", "1h,10m")
        await service.rsvp(party_id, MEMBERS[0], "going")
    finally:
        await stop_bot(bot, recorder)
    # Down until 20 minutes past the 1 h reminder: beyond the 15 min grace.
    await clock.set(NOW + timedelta(hours=1, minutes=20))
    bot, recorder = await start_bot(settings, clock, tmp_path / "files2")
    try:
        h = Harness.of(bot, recorder, clock)
        await h.settle()
        (report,) = h.channel_messages()
        assert "missed the 1 hour reminder" in report.payload["content"]
        assert pinged(report) == []
        party = await h.service.get(party_id)
        assert party.last_error is not None and "missed" in party.last_error
        await h.settle(30 * 60)  # the 10 min reminder and the start still come, on time
        await h.settle(10 * 60)
        contents = [m.payload["content"] for m in h.channel_messages()]
        assert any("10 minutes reminder" in c for c in contents) and any(
            "starting now" in c for c in contents
        )
        start = await bot.store.timers.for_ref(START, str(party_id))
        assert start[0].state == "fired"
    finally:
        await stop_bot(bot, recorder)
        discord.http.Route.BASE = previous
