"""Closing is idempotent under any race: members and the deadline close at once, the result posts once."""

from __future__ import annotations

import asyncio

from bot.clock import ManualClock
from bot.polls.models import Poll
from bot.polls.service import TIMER_KIND, Closed, PollService, PollView
from bot.store import Store
from bot.timers import Firing

from .conftest import AUTHOR, new_poll

MODERATOR = 77


class SlowDelivery:
    """Posts take a few turns of the event loop (as a chart and an HTTP request do), and are counted."""

    def __init__(self, service: PollService) -> None:
        self._service = service
        self.posts: list[tuple[int, bool]] = []
        self.refuse = False

    def changed(self, poll_id: int) -> None:
        return None

    async def post_result(self, poll_id: int, *, retry: bool) -> int | None:
        poll = await self._service.get(poll_id)
        assert not poll.is_open and poll.result_message_id is None, "asked to post a result twice"
        for _ in range(5):
            await asyncio.sleep(0)
        self.posts.append((poll_id, retry))
        return None if self.refuse else 1000 + poll_id

    async def stop(self) -> None:
        return None


class Answers:
    """A ``CloseReply`` that keeps what it was asked to say."""

    def __init__(self) -> None:
        self.said: list[str] = []

    async def closing(self) -> None:
        await asyncio.sleep(0)

    async def result_posted(self, poll: Poll, message_id: int) -> None:
        self.said.append(f"closed {message_id}")

    async def already_closed(self, poll: Poll, message_id: int) -> None:
        self.said.append(f"already {message_id}")

    async def show_result(self, view: PollView) -> None:
        self.said.append("shown")


async def _firing(store: Store, poll_id: int, clock: ManualClock) -> Firing:
    [timer] = await store.timers.for_ref(TIMER_KIND, str(poll_id))
    return Firing(timer=timer, now=clock.now(), late_by=clock.now() - clock.now())


async def test_every_closer_at_once_posts_one_result(
    service: PollService, clock: ManualClock, store: Store
) -> None:
    delivery = service.delivery = SlowDelivery(service)
    poll = await service.create(new_poll(clock))
    firing = await _firing(store, poll.id, clock)
    author, moderator = Answers(), Answers()
    outcomes = await asyncio.gather(
        service.close_and_announce(poll.id, poll.guild_id, by=AUTHOR, can_manage=False, reply=author),
        service.close_and_announce(poll.id, poll.guild_id, by=MODERATOR, can_manage=True, reply=moderator),
        service.close_and_post(poll.id),
        service.close_due(firing),
        service.post_unposted(),
    )
    assert delivery.posts == [(poll.id, False)]
    result = 1000 + poll.id
    for answers in (author, moderator):
        assert answers.said in ([f"closed {result}"], [f"already {result}"])
    closed = outcomes[2]
    assert isinstance(closed, Closed) and closed.result_id == result
    # Whoever took the poll first closed it and posted; everyone else found both done.
    posted_by_a_member = [a.said for a in (author, moderator)].count([f"closed {result}"])
    assert posted_by_a_member + closed.posted_now <= 1
    assert (await service.get(poll.id)).result_message_id == 1000 + poll.id


async def test_a_refused_result_is_shown_to_each_closer_and_tried_again_later(
    service: PollService, clock: ManualClock
) -> None:
    delivery = service.delivery = SlowDelivery(service)
    delivery.refuse = True
    poll = await service.create(new_poll(clock))
    author, moderator = Answers(), Answers()
    await asyncio.gather(
        service.close_and_announce(poll.id, poll.guild_id, by=AUTHOR, can_manage=False, reply=author),
        service.close_and_announce(poll.id, poll.guild_id, by=MODERATOR, can_manage=True, reply=moderator),
    )
    assert author.said == moderator.said == ["shown"]
    assert (await service.get(poll.id)).result_message_id is None
    delivery.refuse = False
    await service.post_unposted()  # the next start: the channel takes it now (looked for first: a retry)
    assert delivery.posts[-1] == (poll.id, True)
    assert (await service.get(poll.id)).result_message_id == 1000 + poll.id
    await service.post_unposted()
    assert len(delivery.posts) == 3  # two refused, one posted; nothing more once it is recorded


async def test_a_retried_close_timer_looks_for_an_earlier_post(
    service: PollService, clock: ManualClock, store: Store
) -> None:
    delivery = service.delivery = SlowDelivery(service)
    poll = await service.create(new_poll(clock))
    [timer] = await store.timers.claim_due(poll.closes_at, recover=True)
    [timer] = await store.timers.claim_due(poll.closes_at, recover=True)  # the process died mid-fire
    await service.close_due(Firing(timer=timer, now=clock.now(), late_by=clock.now() - clock.now()))
    assert delivery.posts == [(poll.id, True)]
