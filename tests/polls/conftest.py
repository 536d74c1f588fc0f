"""Poll fixtures: a service over a real store, a manual clock and a timer dispatcher."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.clock import ManualClock
from bot.polls.models import Mode, NewPoll, PollOption
from bot.polls.service import PollService
from bot.store import Store

GUILD = 10
CHANNEL = 20
AUTHOR = 30


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def service(store: Store, clock: ManualClock) -> PollService:
    return PollService(store, clock)


def new_poll(
    clock: ManualClock,
    labels: tuple[str, ...] = ("Heat", "Ronin", "Collateral"),
    *,
    mode: Mode = "single",
    max_choices: int | None = None,
    anonymous: bool = False,
    hide_results: bool = False,
    role_id: int | None = None,
    hours: float = 2,
) -> NewPoll:
    return NewPoll(
        guild_id=GUILD,
        channel_id=CHANNEL,
        author_id=AUTHOR,
        question="Which one tonight?",
        mode=mode,
        max_choices=max_choices or (1 if mode == "single" else len(labels)),
        anonymous=anonymous,
        hide_results=hide_results,
        role_id=role_id,
        closes_at=clock.now() + timedelta(hours=hours),
        options=tuple(PollOption(i, label) for i, label in enumerate(labels)),
    )
