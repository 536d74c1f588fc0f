"""The Letterboxd tables: one feed per username, each entry's post recorded once per follow (real SQLite)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.letterboxd.models import DiaryEntry, PostDecision
from bot.letterboxd.polling import TIMER_KIND
from bot.store import ConstraintViolated, Store
from tests.conftest import NOW


def entry(guid: str, review: str | None = None) -> DiaryEntry:
    return DiaryEntry(guid, "Flow", 2024, 4.5, False, True, date(2026, 3, 26), NOW, review=review)


async def test_one_feed_per_username_and_entries_updated_in_place(store: Store) -> None:
    first = await store.letterboxd.add_feed("max")
    assert await store.letterboxd.add_feed("max") == first != await store.letterboxd.add_feed("other")
    await store.letterboxd.add_entries(first, [entry("letterboxd-review-1", "first draft")])
    await store.letterboxd.add_entries(first, [entry("letterboxd-review-1", "edited on Letterboxd")])
    (kept,) = await store.letterboxd.entries_since(first, NOW - timedelta(days=1))
    assert kept.review == "edited on Letterboxd" and kept.rating == 4.5 and kept.liked


async def test_a_post_is_recorded_once_and_pending_only_while_followed(store: Store) -> None:
    feed = await store.letterboxd.add_feed("max")
    await store.letterboxd.add_entries(feed, [entry("a"), entry("b")])
    await store.letterboxd.set_follow(1, 2, feed, NOW)
    follow = await store.letterboxd.follow_of(1, 2)
    assert follow is not None and follow.username == "max" and follow.primed_at == NOW
    await store.letterboxd.record_decision(follow, PostDecision(post=("a",), seen=("b",), more=3))
    await store.letterboxd.record_decision(
        follow, PostDecision(post=("a", "b"))
    )  # already recorded: no change
    (pending,) = await store.letterboxd.pending(feed)
    assert (pending.entry.guid, pending.more, pending.attempts) == ("a", 3, 0)
    assert await store.letterboxd.recorded(follow, ["a", "b", "c"]) == {"a", "b"}
    assert await store.letterboxd.begin_attempt((1, 2, feed, "a")) == 1
    await store.letterboxd.finish_post(
        (1, 2, feed, "a"), "failed", channel_id=5, error="Discord answered 403"
    )
    assert await store.letterboxd.post_counts(follow) == (0, 1, "Discord answered 403")
    with pytest.raises(ConstraintViolated):  # a post of an entry never read: the schema refuses it
        await store.letterboxd.record_decision(follow, PostDecision(post=("c",)))
    await store.letterboxd.set_follow(1, 2, await store.letterboxd.add_feed("other"), NOW)
    await store.letterboxd.record_decision(follow, PostDecision(post=("b",)))  # recorded for the old follow…
    assert await store.letterboxd.pending(feed) == []  # …which no longer follows this feed


async def test_followed_feeds_without_a_timer_are_found(store: Store) -> None:
    feed = await store.letterboxd.add_feed("max")
    await store.letterboxd.add_feed("nobody_follows")
    assert await store.letterboxd.feeds_without_timer(TIMER_KIND) == []
    await store.letterboxd.set_follow(1, 2, feed, NOW)
    assert await store.letterboxd.feeds_without_timer(TIMER_KIND) == [feed]
    await store.timers.add(TIMER_KIND, str(feed), NOW)
    assert await store.letterboxd.feeds_without_timer(TIMER_KIND) == []
    await store.letterboxd.remove_follow(1, 2)
    assert not await store.letterboxd.is_followed(feed)
