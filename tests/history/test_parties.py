"""A party's end through the timer dispatcher: the viewing recorded once, the rating menu posted once, open
for a week (by the clock, whether or not its close timer has run), closed by its timer, and failures kept."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import timedelta

import pytest

from bot.clock import ManualClock
from bot.films.models import FilmSummary
from bot.history.models import RatingPrompt
from bot.history.service import CLOSE_TIMER, RATING_WINDOW, HistoryService, RatingsClosed
from bot.scores.service import ScoreService
from bot.store import Store
from bot.timers import TimerDispatcher
from bot.watchparty.models import Party
from bot.watchparty.service import WatchPartyService
from tests.history.conftest import GUILD, RecordingPrompts, schedule


@dataclass
class Night:
    """A server's movie night: the store, the clock and dispatcher, parties whose end calls the history."""

    store: Store
    clock: ManualClock
    timers: TimerDispatcher
    parties: WatchPartyService
    history: HistoryService
    scores: ScoreService
    prompts: RecordingPrompts
    film: FilmSummary

    async def party(self) -> Party:
        return await schedule(self.parties, self.film)

    async def run_to_end(self, party: Party) -> None:
        await self.clock.set(party.starts_at)
        await self.timers.idle()
        await self.clock.advance(timedelta(minutes=party.runtime_minutes))
        await self.timers.idle()

    async def prompt(self, party: Party) -> RatingPrompt:
        prompt = await self.store.history.prompt_of_party(party.id)
        assert prompt is not None
        return prompt

    async def viewings(self) -> int:
        return await self.store.history.count(GUILD, None)


@pytest.fixture
def night(
    catalog_store: Store,
    clock: ManualClock,
    timers: TimerDispatcher,
    parties: WatchPartyService,
    history: HistoryService,
    scores: ScoreService,
    prompts: RecordingPrompts,
    film: FilmSummary,
) -> Night:
    return Night(catalog_store, clock, timers, parties, history, scores, prompts, film)


async def test_the_end_records_the_viewing_and_posts_the_menu_once(night: Night) -> None:
    party = await night.party()
    await night.run_to_end(party)
    assert (await night.parties.get(party.id)).status == "completed"
    (line,) = (await night.history.page(GUILD, None, 0)).lines
    assert line.entry.party is not None and line.entry.party.party_id == party.id
    assert line.entry.watched_at == party.starts_at and line.entry.watched_on == party.starts_at.date()
    prompt = await night.prompt(party)
    assert prompt.message_id == 9000 + prompt.id and prompt.state == "open"
    ends_at = party.starts_at + timedelta(minutes=party.runtime_minutes)
    assert prompt.closes_at == ends_at + RATING_WINDOW
    (close,) = await night.store.timers.for_ref(CLOSE_TIMER, str(prompt.id))
    assert close.due_at == prompt.closes_at and close.state == "pending"
    # The end timer retried (a crash after the hook ran): nothing twice.
    await night.history.party_ended(party)
    await night.history.party_ended(party)
    assert await night.viewings() == 1
    assert night.prompts.posted == [prompt.id]
    assert len(await night.store.timers.for_ref(CLOSE_TIMER, str(prompt.id))) == 1


async def test_concurrent_ends_of_one_party_record_one_viewing(night: Night) -> None:
    party = await night.party()
    await asyncio.gather(*(night.history.party_ended(party) for _ in range(5)))
    assert await night.viewings() == 1


async def test_a_refused_menu_is_recorded_not_raised_and_not_retried(night: Night) -> None:
    night.prompts.refuse = "404 Unknown Channel"
    party = await night.party()
    await night.run_to_end(party)
    assert await night.viewings() == 1
    prompt = await night.prompt(party)
    assert prompt.message_id is None
    assert prompt.last_error == "posting the rating menu failed: 404 Unknown Channel"
    ended = await night.parties.get(party.id)
    assert ended.status == "completed" and ended.last_error == prompt.last_error
    await night.history.party_ended(party)
    assert len(night.prompts.posted) == 1
    # A week on, the close timer closes it without touching Discord (there is no message).
    await night.clock.advance(RATING_WINDOW)
    await night.timers.idle()
    assert (await night.prompt(party)).state == "closed" and night.prompts.closed == []


async def test_a_failing_end_hook_does_not_stop_the_party_or_the_history(night: Night) -> None:
    async def broken(party: Party) -> None:
        raise RuntimeError("a broken hook")

    night.parties.end_hooks.insert(0, broken)
    party = await night.party()
    await night.run_to_end(party)
    assert (await night.parties.get(party.id)).status == "completed"
    assert await night.viewings() == 1


async def test_the_menu_rates_for_a_week_then_refuses_even_before_its_timer(night: Night) -> None:
    party = await night.party()
    await night.clock.set(party.starts_at + timedelta(minutes=party.runtime_minutes))
    await night.history.party_ended(party)
    prompt = await night.prompt(party)
    saved = await night.history.rate(prompt.id, 501, 8.5)
    assert saved.change.rating.score == 8.5 and saved.change.rating.guild_id == GUILD
    changed = await night.history.rate(prompt.id, 501, 9)
    assert changed.change.previous is not None and changed.change.previous.score == 8.5
    await night.history.rate(prompt.id, 502, 6)
    (entry,) = (await night.scores.top(GUILD, 1, 0)).entries
    assert entry.film.id == night.film.id and entry.members.count == 2
    await night.clock.advance(RATING_WINDOW - timedelta(seconds=1))
    await night.history.rate(prompt.id, 503, 7)
    await night.clock.advance(timedelta(seconds=1))
    with pytest.raises(RatingsClosed) as refused:
        await night.history.rate(prompt.id, 504, 7)
    assert f"<t:{int(prompt.closes_at.timestamp())}:R>" in refused.value.message
    assert await night.store.ratings.count(GUILD, night.film.id) == 3


async def test_the_close_timer_closes_the_menu_even_when_it_fires_late(night: Night) -> None:
    party = await night.party()
    await night.run_to_end(party)
    prompt = await night.prompt(party)
    await night.history.rate(prompt.id, 501, 8)
    await night.timers.stop()
    # Down for three days past the close (well beyond the dispatcher's grace): closed on the way up.
    await night.clock.advance(RATING_WINDOW + timedelta(days=3))
    night.timers.start()
    await night.timers.idle()
    assert (await night.prompt(party)).state == "closed"
    # IMDb 81 and Letterboxd 76 (the unnamed 7.7 is not counted) and the member score (785 + 80) / 11.
    assert night.prompts.closed == [(prompt.id, "Aggregate 79/100 · members 8/10 (1)")]
    (close,) = await night.store.timers.for_ref(CLOSE_TIMER, str(prompt.id))
    assert close.state == "missed"
    with pytest.raises(RatingsClosed):
        await night.history.rate(prompt.id, 502, 8)


async def test_an_end_noticed_after_the_week_posts_no_menu(night: Night) -> None:
    party = await night.party()
    ends_at = party.starts_at + timedelta(minutes=party.runtime_minutes)
    await night.clock.set(ends_at + RATING_WINDOW + timedelta(hours=1))
    await night.history.party_ended(party)
    assert await night.viewings() == 1
    prompt = await night.prompt(party)
    assert prompt.state == "closed" and prompt.message_id is None
    assert prompt.last_error is not None and "its week had passed" in prompt.last_error
    assert night.prompts.posted == []


async def test_a_cancelled_party_is_never_watched(night: Night) -> None:
    party = await night.party()
    await night.parties.cancel(party.id, GUILD)
    await night.run_to_end(party)
    assert await night.viewings() == 0
