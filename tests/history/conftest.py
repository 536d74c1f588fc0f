"""History fixtures: the service over a real store with the catalog, a manual clock, and a rating-menu
delivery that remembers what it was asked instead of talking to Discord."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest

from bot.clock import ManualClock
from bot.films.models import FilmSummary
from bot.films.service import FilmService
from bot.history.models import Delivered, RatingPrompt
from bot.history.service import HistoryService
from bot.preferences.service import PreferencesService
from bot.scores.models import ScoreSummary
from bot.scores.service import ScoreService
from bot.store import Store
from bot.timers import TimerDispatcher
from bot.watchparty.models import Party, ScheduleRequest
from bot.watchparty.service import WatchPartyService
from tests.watchparty.quiet import quiet_service

GUILD = 10
CHANNEL = 20
MODERATOR = 30


@dataclass
class RecordingPrompts:
    """A ``PromptDelivery`` that posts nowhere: it records each call, and refuses when told to."""

    posted: list[int] = field(default_factory=list)
    closed: list[tuple[int, str]] = field(default_factory=list)
    refuse: str | None = None

    async def post_prompt(self, prompt: RatingPrompt, film: FilmSummary) -> Delivered:
        self.posted.append(prompt.id)
        if self.refuse is not None:
            return Delivered(error=self.refuse)
        return Delivered(message_id=9000 + prompt.id)

    async def close_prompt(self, prompt: RatingPrompt, film: FilmSummary, summary: ScoreSummary) -> Delivered:
        self.closed.append((prompt.id, summary.line))
        return Delivered(error=self.refuse) if self.refuse is not None else Delivered(prompt.message_id)


@pytest.fixture
def prompts() -> RecordingPrompts:
    return RecordingPrompts()


@pytest.fixture
def scores(catalog_store: Store, films: FilmService, clock: ManualClock) -> ScoreService:
    return ScoreService(catalog_store, films, clock)


@pytest.fixture
def history(
    catalog_store: Store,
    films: FilmService,
    scores: ScoreService,
    clock: ManualClock,
    prompts: RecordingPrompts,
) -> HistoryService:
    return HistoryService(catalog_store, clock, films, scores, PreferencesService(catalog_store), prompts)


@pytest.fixture
def parties(catalog_store: Store, clock: ManualClock, history: HistoryService) -> WatchPartyService:
    """Watch parties in the store only (a quiet delivery), whose end calls the history, as in the bot."""
    service = quiet_service(catalog_store, clock)
    service.on_party_end(history.party_ended)
    return service


@pytest.fixture
async def timers(
    catalog_store: Store, clock: ManualClock, parties: WatchPartyService, history: HistoryService
) -> AsyncIterator[TimerDispatcher]:
    """The one timer dispatcher with the watch party and history handlers, on the manual clock."""
    dispatcher = TimerDispatcher(catalog_store, clock)
    parties.register_timers(dispatcher)
    history.register_timers(dispatcher)
    dispatcher.start()
    try:
        yield dispatcher
    finally:
        await dispatcher.stop()


async def schedule(parties: WatchPartyService, film: FilmSummary, when: str = "in 2 hours") -> Party:
    request = ScheduleRequest(
        guild_id=GUILD, channel_id=CHANNEL, user_id=MODERATOR, film=film, when=when, reminders="none"
    )
    return (await parties.schedule(request)).party
