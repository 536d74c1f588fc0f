"""Following diary feeds: the first fetch, new entries once, politeness, failures, restarts (real SQLite)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from bot.clock import ManualClock
from bot.errors import Conflict, NotFound
from bot.letterboxd.models import Delivered, DiaryPost
from bot.letterboxd.polling import ATTEMPTS_MAX, POLL_INTERVAL, TIMER_KIND
from bot.letterboxd.service import LetterboxdService
from bot.store import Store
from bot.timers import TimerDispatcher
from tests.conftest import NOW
from tests.letterboxd.conftest import CHANNEL, GUILD, MEMBER, OTHER_GUILD, OTHER_MEMBER, Channel
from tests.letterboxd.feeds import Fault, FeedServer, Item


def entry(n: int, age: timedelta, title: str | None = None, year: int | None = None, **extra: object) -> Item:
    """Diary entry ``n``, logged ``age`` before the test's now (negative: after)."""
    published = NOW - age
    return Item(
        f"letterboxd-watch-{n}",
        title or f"Film {n}",
        year or 2000 + n,
        published.date(),
        published,
        **extra,  # type: ignore[arg-type]
    )


async def pending_timers(store: Store, feed_id: int) -> list[datetime]:
    return [t.due_at for t in await store.timers.for_ref(TIMER_KIND, str(feed_id)) if t.state == "pending"]


async def feed_id(store: Store, username: str = "max") -> int:
    feed = await store.letterboxd.feed_named(username)
    assert feed is not None
    return feed.id


async def test_the_first_fetch_posts_the_last_week_and_sets_the_next_poll(
    feeds: FeedServer, service: LetterboxdService, channel: Channel, catalog_store: Store
) -> None:
    feeds.add(
        "max",
        entry(1, timedelta(days=30)),
        entry(2, timedelta(days=8)),
        entry(3, timedelta(days=6), "Flow", 2024, rating=4.5, review="A cat."),
        entry(4, timedelta(hours=5), "Perfect Days", rewatch=True),
    )
    result = await service.follow(GUILD, MEMBER, "https://letterboxd.com/Max/")
    assert (result.username, result.channel_id, result.posted, result.failed) == ("max", CHANNEL, 2, ())
    assert channel.titles() == ["Flow", "Perfect Days"]  # oldest first
    ((where, flow), _) = channel.posts
    assert where == CHANNEL and flow.pending.entry.rating == 4.5 and flow.pending.entry.review == "A cat."
    assert flow.film is not None and flow.film.label == "Flow (2024)"  # in the catalog: a card button
    assert flow.profile_url == f"{feeds.url}/max/"
    assert await pending_timers(catalog_store, await feed_id(catalog_store)) == [NOW + POLL_INTERVAL]


async def test_a_busy_week_posts_five_and_says_how_many_more(
    feeds: FeedServer, service: LetterboxdService, channel: Channel
) -> None:
    feeds.add("max", *(entry(n, timedelta(hours=100 - n)) for n in range(1, 8)))
    assert (await service.follow(GUILD, MEMBER, "max")).posted == 5
    assert channel.titles() == [f"Film {n}" for n in range(3, 8)]
    assert [post.pending.more for _, post in channel.posts] == [0, 0, 0, 0, 2]


async def test_later_polls_post_only_new_entries_once(
    feeds: FeedServer, service: LetterboxdService, channel: Channel, clock: ManualClock, catalog_store: Store
) -> None:
    feeds.add("max", entry(1, timedelta(days=2)))
    await service.follow(GUILD, MEMBER, "max")
    ident = await feed_id(catalog_store)
    await clock.advance(POLL_INTERVAL)
    await service.poller.poll(ident)  # unchanged: a conditional request answered 304
    assert feeds.requests[-1].status == 304 and feeds.requests[-1].if_none_match
    feeds.add("max", entry(2, -timedelta(minutes=40), "Solaris"))  # logged after the follow
    await clock.advance(POLL_INTERVAL)
    await service.poller.poll(ident)
    feeds.honour_validators = False  # a server that ignores validators: the same entries again
    await clock.advance(POLL_INTERVAL)
    await service.poller.poll(ident)
    assert channel.titles() == ["Film 1", "Solaris"]
    assert [r.status for r in feeds.requests] == [200, 304, 200, 200]


async def test_at_most_one_request_per_feed_per_half_hour(
    feeds: FeedServer, service: LetterboxdService, clock: ManualClock, catalog_store: Store
) -> None:
    await service._preferences.set_letterboxd_channel(OTHER_GUILD, CHANNEL + 1)
    feeds.add("max", entry(1, timedelta(days=2)))
    await service.follow(GUILD, MEMBER, "max")
    await clock.advance(POLL_INTERVAL - timedelta(seconds=1))
    await service.poller.poll(await feed_id(catalog_store))  # a retried timer, say: reads nothing
    await service.follow(OTHER_GUILD, MEMBER, "max")  # another server: uses what was just read
    assert len(feeds.requests) == 1


async def test_two_servers_share_one_request_and_each_gets_its_posts(
    feeds: FeedServer, service: LetterboxdService, channel: Channel, clock: ManualClock, catalog_store: Store
) -> None:
    await service._preferences.set_letterboxd_channel(OTHER_GUILD, CHANNEL + 1)
    feeds.add("max", entry(1, timedelta(days=2)))
    await service.follow(GUILD, MEMBER, "max")
    await clock.advance(timedelta(hours=1))
    await service.follow(OTHER_GUILD, MEMBER, "max")
    feeds.add("max", entry(2, -timedelta(hours=1, minutes=30)))
    await clock.advance(POLL_INTERVAL)
    await service.poller.poll(await feed_id(catalog_store))
    assert [(where, post.pending.entry.film_title) for where, post in channel.posts] == [
        (CHANNEL, "Film 1"),
        (CHANNEL + 1, "Film 1"),
        (CHANNEL, "Film 2"),
        (CHANNEL + 1, "Film 2"),
    ]
    assert len(feeds.requests) == 3


async def test_an_old_entry_that_reappears_is_not_new(
    feeds: FeedServer, service: LetterboxdService, channel: Channel, clock: ManualClock, catalog_store: Store
) -> None:
    feeds.add("max", entry(2, timedelta(days=3)))
    await service.follow(GUILD, MEMBER, "max")
    feeds.members["max"].append(entry(1, timedelta(days=40)))  # slides into the window (a newer one deleted)
    await clock.advance(POLL_INTERVAL)
    await service.poller.poll(await feed_id(catalog_store))
    assert channel.titles() == ["Film 2"]


@pytest.mark.parametrize(
    ("fault", "error", "says"),
    [
        (None, NotFound, "no member called “ghost”"),
        (Fault(500), Conflict, "error (500). Nothing was changed"),
        (Fault(429, headers={"Retry-After": "600"}), Conflict, "slow down. Try again in 10 min"),
        (Fault(200, b"<html>maintenance</html>"), Conflict, "was not a diary feed"),
    ],
)
async def test_a_follow_that_cannot_be_read_saves_nothing(
    feeds: FeedServer,
    service: LetterboxdService,
    catalog_store: Store,
    fault: Fault | None,
    error: type[Exception],
    says: str,
) -> None:
    if fault is not None:
        feeds.members["ghost"] = []
        feeds.fail("ghost", fault)
    with pytest.raises(error) as refused:
        await service.follow(GUILD, MEMBER, "ghost")
    assert says in str(refused.value)
    assert await catalog_store.letterboxd.feed_named("ghost") is None
    assert await catalog_store.letterboxd.follow_of(GUILD, MEMBER) is None


async def test_follow_needs_a_channel_and_a_username(
    feeds: FeedServer, service: LetterboxdService, catalog_store: Store
) -> None:
    with pytest.raises(Conflict, match="no Letterboxd channel"):
        await service.follow(OTHER_GUILD, MEMBER, "max")
    with pytest.raises(Exception, match="not a Letterboxd username"):
        await service.follow(GUILD, MEMBER, "max/../../admin")
    feeds.add("max", entry(1, timedelta(days=2)))
    await service.follow(GUILD, MEMBER, "max")
    with pytest.raises(Conflict, match="already follow"):
        await service.follow(GUILD, MEMBER, "@max")
    with pytest.raises(Conflict, match="already follows"):
        await service.follow(GUILD, OTHER_MEMBER, "max")
    assert not feeds.requests_for("max/../../admin") and len(feeds.requests) == 1


async def test_failures_back_off_and_honour_retry_after(
    feeds: FeedServer, service: LetterboxdService, clock: ManualClock, catalog_store: Store
) -> None:
    feeds.add("max", entry(1, timedelta(days=2)))
    await service.follow(GUILD, MEMBER, "max")
    ident = await feed_id(catalog_store)
    delays = []
    for fault in (
        Fault(500),
        Fault(503),
        Fault(200, b"<rss><chan"),
        Fault(404),
        Fault(429, headers={"Retry-After": "36000"}),
    ):
        feeds.fail("max", fault)
        (due,) = await pending_timers(catalog_store, ident)
        await clock.set(due)
        await service.poller.poll(ident)
        (following,) = await pending_timers(catalog_store, ident)
        delays.append(following - due)
    assert delays == [
        POLL_INTERVAL,
        2 * POLL_INTERVAL,
        4 * POLL_INTERVAL,
        8 * POLL_INTERVAL,
        timedelta(hours=10),
    ]
    status = await service.status(GUILD, MEMBER)
    assert status.feed.failures == 5 and "429" in (status.feed.last_error or "")
    (due,) = await pending_timers(catalog_store, ident)
    await clock.set(due)
    await service.poller.poll(ident)  # it answers again: back to every half hour
    status = await service.status(GUILD, MEMBER)
    assert status.feed.failures == 0 and await pending_timers(catalog_store, ident) == [due + POLL_INTERVAL]


async def test_refusals_are_recorded_and_transient_errors_retried(
    feeds: FeedServer, service: LetterboxdService, channel: Channel, clock: ManualClock, catalog_store: Store
) -> None:
    feeds.add("max", entry(1, timedelta(days=2)))
    channel.refuse = Delivered(error="Discord answered 403 Missing Permissions", lasting=True)
    result = await service.follow(GUILD, MEMBER, "max")
    assert result.posted == 0 and result.failed == ("Discord answered 403 Missing Permissions",)
    status = await service.status(GUILD, MEMBER)
    assert (status.posted, status.failed, status.last_failure) == (
        0,
        1,
        "Discord answered 403 Missing Permissions",
    )
    channel.refuse = Delivered(error="Discord answered 503", lasting=False)
    feeds.add("max", entry(2, -timedelta(minutes=10)))
    ident = await feed_id(catalog_store)
    for _ in range(ATTEMPTS_MAX):
        await clock.advance(POLL_INTERVAL)
        await service.poller.poll(ident)
    assert (await service.status(GUILD, MEMBER)).failed == 2  # given up after ATTEMPTS_MAX tries
    assert not await catalog_store.letterboxd.pending(ident)


async def test_a_crash_after_posting_retries_with_the_same_nonce(
    feeds: FeedServer, service: LetterboxdService, channel: Channel, catalog_store: Store
) -> None:
    class Crashing(Channel):
        async def post(self, channel_id: int, post: DiaryPost) -> Delivered:
            await super().post(channel_id, post)  # Discord accepted it…
            raise KeyboardInterrupt  # …and the process died before recording it

    crashing = Crashing()
    service.poller.delivery = crashing
    feeds.add("max", entry(1, timedelta(days=2)))
    with pytest.raises(KeyboardInterrupt):
        await service.follow(GUILD, MEMBER, "max")
    ident = await feed_id(catalog_store)
    (pending,) = await catalog_store.letterboxd.pending(ident)
    assert pending.attempts == 1
    service.poller.delivery = channel  # the restarted bot
    await service.poller.poll(ident)  # posts what was pending (and asks for nothing: just read)
    ((_, first),) = crashing.posts
    ((_, retried),) = channel.posts
    assert retried.retry and not first.retry and retried.nonce == first.nonce
    assert len(feeds.requests) == 1 and not await catalog_store.letterboxd.pending(ident)


async def test_unfollow_stops_polling_and_drops_pending_posts(
    feeds: FeedServer, service: LetterboxdService, channel: Channel, catalog_store: Store
) -> None:
    channel.refuse = Delivered(error="Discord answered 502", lasting=False)
    feeds.add("max", entry(1, timedelta(days=2)))
    await service.follow(GUILD, MEMBER, "max")
    ident = await feed_id(catalog_store)
    assert len(await catalog_store.letterboxd.pending(ident)) == 1
    assert await service.unfollow(GUILD, MEMBER, by=MEMBER) == "max"
    assert await pending_timers(catalog_store, ident) == []
    assert not await catalog_store.letterboxd.pending(ident)
    with pytest.raises(NotFound, match="You do not follow"):
        await service.unfollow(GUILD, MEMBER, by=MEMBER)
    with pytest.raises(NotFound, match="You do not follow"):
        await service.status(GUILD, MEMBER)


async def test_without_a_channel_entries_are_seen_not_posted(
    feeds: FeedServer, service: LetterboxdService, channel: Channel, clock: ManualClock, catalog_store: Store
) -> None:
    feeds.add("max", entry(1, timedelta(days=2)))
    await service.follow(GUILD, MEMBER, "max")
    await service._preferences.set_letterboxd_channel(GUILD, None)
    feeds.add("max", entry(2, -timedelta(minutes=10)))
    await clock.advance(POLL_INTERVAL)
    await service.poller.poll(await feed_id(catalog_store))
    await service._preferences.set_letterboxd_channel(GUILD, CHANNEL)
    await clock.advance(POLL_INTERVAL)
    await service.poller.poll(await feed_id(catalog_store))
    assert channel.titles() == ["Film 1"]  # no backlog when the channel comes back


async def test_polls_run_as_timers_across_a_restart(
    feeds: FeedServer,
    service: LetterboxdService,
    channel: Channel,
    clock: ManualClock,
    catalog_store: Store,
) -> None:
    feeds.add("max", entry(1, timedelta(days=2)))
    await service.follow(GUILD, MEMBER, "max")
    ident = await feed_id(catalog_store)
    # A restart: a new service (and dispatcher) on the same database.
    restarted = LetterboxdService(
        catalog_store, clock, service._films, service._scores, service._preferences, service._web
    )
    restarted.poller.delivery = channel
    timers = TimerDispatcher(catalog_store, clock)
    restarted.register_timers(timers)
    await restarted.resume()
    timers.start()
    try:
        feeds.add("max", entry(2, -timedelta(minutes=20)))
        await clock.advance(POLL_INTERVAL)
        await timers.idle()
        await clock.advance(POLL_INTERVAL)
        await timers.idle()
    finally:
        await timers.stop()
    assert channel.titles() == ["Film 1", "Film 2"]
    assert [r.status for r in feeds.requests] == [200, 200, 304]
    assert len(await pending_timers(catalog_store, ident)) == 1


async def test_resume_gives_a_feed_that_lost_its_timer_a_poll(
    feeds: FeedServer, service: LetterboxdService, catalog_store: Store
) -> None:
    feeds.add("max", entry(1, timedelta(days=2)))
    await service.follow(GUILD, MEMBER, "max")
    ident = await feed_id(catalog_store)
    await catalog_store.timers.cancel(TIMER_KIND, str(ident))
    await service.resume()
    assert await pending_timers(catalog_store, ident) == [NOW]


async def test_a_member_moves_to_another_username(
    feeds: FeedServer, service: LetterboxdService, channel: Channel, catalog_store: Store
) -> None:
    feeds.add("max", entry(1, timedelta(days=2)))
    feeds.add("max_two", entry(2, timedelta(days=1)))
    await service.follow(GUILD, MEMBER, "max")
    moved = await service.follow(GUILD, MEMBER, "max_two")
    assert moved.replaced == "max" and channel.titles() == ["Film 1", "Film 2"]
    listing = await service.following(GUILD)
    assert [(f.user_id, f.username) for f in listing.follows] == [(MEMBER, "max_two")]
    assert listing.channel_id == CHANNEL
    (kept,) = await catalog_store.letterboxd.entries_since(
        await feed_id(catalog_store, "max_two"), NOW - timedelta(days=7)
    )
    assert kept.watched_on == date(2026, 3, 26)
