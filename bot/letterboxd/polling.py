"""Polling members' diary feeds: what is new, recorded before it is posted, posted once, politely.

A feed is polled by one timer row at a time (kind ``letterboxd-poll``, ref the feed's id): each poll
commits, in one unit of work, the answer (validators, or the failure and its backoff), the entries read,
each follow's decision (entries to post as ``pending``, others as ``seen``) and the next poll's timer.
Only then are the pending entries posted, each with a nonce derived from the post's key: after a crash
between Discord accepting a post and our recording it, the retry (the timer re-claimed at start, or the
next poll) sends the same nonce and Discord returns the message it already made instead of a second one
(the delivery also looks in the channel for it when the nonce window has passed).

Politeness: at most one request per feed per ``POLL_INTERVAL`` (a retried timer or a second follow
within it reads what is stored instead), conditional requests, and after a failure a doubling backoff up
to a day, never sooner than a 429's ``Retry-After``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Protocol

from bot.clock import Clock
from bot.films.service import FilmService
from bot.letterboxd.matching import match_film
from bot.letterboxd.models import (
    Delivered,
    DiaryEntry,
    DiaryPost,
    FeedFailure,
    FeedPage,
    FetchResult,
    Follow,
    NotModified,
    PendingPost,
    PostDecision,
)
from bot.preferences.service import PreferencesService
from bot.store import Repositories, Store

TIMER_KIND = "letterboxd-poll"
POLL_INTERVAL = timedelta(minutes=30)
BACKOFF_MAX = timedelta(hours=24)
FIRST_WINDOW = timedelta(days=7)  # a new follow shows the entries of the last week…
FIRST_POSTS = 5  # …at most this many
POSTS_PER_POLL = 5  # later polls post at most this many per follow and say how many more there were
# An entry published this long before a follow's first fetch still counts as new (feeds lag a little).
SLACK = timedelta(hours=1)
ATTEMPTS_MAX = 5  # a post Discord keeps failing (not refusing) is given up after this many polls


class FeedSource(Protocol):
    """Where feeds come from (``bot/letterboxd/http.py``); every outcome is a value, never an exception."""

    async def fetch(self, username: str, etag: str | None, last_modified: str | None) -> FetchResult: ...

    def profile_url(self, username: str) -> str: ...


class Delivery(Protocol):
    """Posting a diary entry on Discord (``bot/letterboxd/delivery.py``); a refusal is returned, not raised."""

    async def post(self, channel_id: int, post: DiaryPost) -> Delivered: ...


def nonce_for(post: PendingPost) -> str:
    """The post's nonce (Discord allows 25 characters): the same for every attempt at the same post."""
    seed = f"letterboxd-post:{post.guild_id}:{post.user_id}:{post.feed_id}:{post.entry.guid}"
    return hashlib.sha256(seed.encode()).hexdigest()[:25]


def next_poll(now: datetime, result: FetchResult, failures: int) -> datetime:
    """When to ask again: ``POLL_INTERVAL`` after an answer; after the ``failures``-th failure in a row
    twice as long as after the one before, at most a day, and never before a 429's Retry-After."""
    if not isinstance(result, FeedFailure):
        return now + POLL_INTERVAL
    delay = min(POLL_INTERVAL * 2 ** min(max(failures - 1, 0), 10), BACKOFF_MAX)
    if result.retry_after is not None:
        delay = max(delay, timedelta(seconds=result.retry_after))
    return now + delay


def decide(
    entries: Sequence[DiaryEntry], recorded: set[str], follow: Follow, now: datetime, *, first: bool
) -> PostDecision:
    """What is new for a follow among ``entries`` (newest first) not recorded for it yet.

    First fetch: the entries of the last week, at most ``FIRST_POSTS``. Later: entries published since the
    follow's first fetch (an old entry that reappears when a newer one is deleted is not new), at most
    ``POSTS_PER_POLL``. Everything else read is recorded as seen.
    """
    fresh = [e for e in entries if e.guid not in recorded]
    if first:
        new = [e for e in fresh if e.published_at >= now - FIRST_WINDOW]
        chosen = new[:FIRST_POSTS]
    else:
        new = [e for e in fresh if e.published_at >= follow.primed_at - SLACK]
        chosen = new[:POSTS_PER_POLL]
    keep = {e.guid for e in chosen}
    return PostDecision(
        post=tuple(e.guid for e in reversed(chosen)),
        seen=tuple(e.guid for e in fresh if e.guid not in keep),
        more=len(new) - len(chosen),
    )


class FeedPoller:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        films: FilmService,
        preferences: PreferencesService,
        source: FeedSource,
    ) -> None:
        self._store = store
        self._clock = clock
        self._films = films
        self._preferences = preferences
        self.source = source
        self.delivery: Delivery | None = None
        self._locks: dict[str, asyncio.Lock] = {}

    def lock(self, username: str) -> asyncio.Lock:
        """One poll or follow of a feed at a time (in this process: one bot per database)."""
        return self._locks.setdefault(username, asyncio.Lock())

    def recently_checked(self, checked_at: datetime | None, now: datetime) -> bool:
        return checked_at is not None and now - checked_at < POLL_INTERVAL

    # -- one poll ------------------------------------------------------------------------------------

    async def poll(self, feed_id: int) -> None:
        """The timer's work: post what an interrupted run left, then ask for the feed unless it was just
        asked for, record what came back, and post what is new."""
        feed = await self._store.letterboxd.feed(feed_id)
        if feed is None:
            return
        async with self.lock(feed.username):
            if not await self._store.letterboxd.is_followed(feed_id):
                return  # nobody follows it any more: no next poll either
            await self.deliver(feed_id)
            feed = await self._store.letterboxd.feed(feed_id)
            now = self._clock.now()
            if feed is None or self.recently_checked(feed.checked_at, now):
                return  # asked within the interval (a retry, or a follow): its timer is already set
            result = await self.source.fetch(feed.username, feed.etag, feed.last_modified)
            await self.apply(feed.username, result, self._clock.now())
            await self.deliver(feed_id)  # under the lock: one delivery of a feed's posts at a time

    async def apply(
        self, username: str, result: FetchResult | None, now: datetime, joining: tuple[int, int] | None = None
    ) -> int:
        """Commit an answer (``None``: none asked for), a joining follow, the decisions and the next timer,
        in one unit of work; the feed's id. A follow joins only with an answer that is not a failure."""
        assert joining is None or not isinstance(result, FeedFailure)
        async with self._store.transaction() as tx:
            repo = tx.letterboxd
            feed_id = await repo.add_feed(username)
            feed = await repo.feed(feed_id)
            assert feed is not None
            if joining is not None:
                await repo.set_follow(*joining, feed_id, now)
            if result is not None:
                failures = feed.failures + 1 if isinstance(result, FeedFailure) else 0
                due = next_poll(now, result, failures)
                await self._record(tx, feed_id, result, now, due)
                await tx.timers.cancel(TIMER_KIND, str(feed_id))
                await tx.timers.add(TIMER_KIND, str(feed_id), due)
            if isinstance(result, FeedPage):
                entries: Sequence[DiaryEntry] = result.entries
            elif joining is not None and not isinstance(result, FeedFailure):
                entries = await repo.entries_since(feed_id, now - FIRST_WINDOW)
            else:
                entries = ()
            for follow in await repo.follows_of_feed(feed_id) if entries else ():
                first = joining == (follow.guild_id, follow.user_id)
                if first or isinstance(result, FeedPage):
                    recorded = await repo.recorded(follow, [e.guid for e in entries])
                    await repo.record_decision(follow, decide(entries, recorded, follow, now, first=first))
        return feed_id

    async def _record(
        self, tx: Repositories, feed_id: int, result: FetchResult, now: datetime, due: datetime
    ) -> None:
        if isinstance(result, FeedFailure):
            await tx.letterboxd.record_failure(feed_id, now, result.detail, due)
            return
        if isinstance(result, FeedPage):
            await tx.letterboxd.add_entries(feed_id, result.entries)
        validators = None if isinstance(result, NotModified) else (result.etag, result.last_modified)
        await tx.letterboxd.record_success(feed_id, now, due, validators)

    # -- posting -------------------------------------------------------------------------------------

    async def deliver(self, feed_id: int) -> list[Delivered]:
        """Post every pending entry of the feed, oldest first (the caller holds the feed's lock)."""
        return [await self._deliver(pending) for pending in await self._store.letterboxd.pending(feed_id)]

    async def _deliver(self, pending: PendingPost) -> Delivered:
        key = (pending.guild_id, pending.user_id, pending.feed_id, pending.entry.guid)
        repo = self._store.letterboxd
        channel_id = (await self._preferences.guild(pending.guild_id)).letterboxd_channel_id
        if channel_id is None or self.delivery is None:
            await repo.finish_post(key, "seen", error="this server has no Letterboxd channel")
            return Delivered(error="this server has no Letterboxd channel", lasting=True)
        attempt = await repo.begin_attempt(key)  # committed before the attempt: a retry knows of it
        match = await match_film(self._films, pending.entry.film_title, pending.entry.film_year)
        post = DiaryPost(
            pending=dataclasses.replace(pending, attempts=attempt),
            film=match.film,
            profile_url=self.source.profile_url(pending.username),
            nonce=nonce_for(pending),
        )
        outcome = await self.delivery.post(channel_id, post)
        if outcome.message_id is not None:
            await repo.finish_post(key, "posted", channel_id=channel_id, message_id=outcome.message_id)
        elif outcome.lasting or attempt >= ATTEMPTS_MAX:
            await repo.finish_post(key, "failed", channel_id=channel_id, error=outcome.error)
        return outcome
