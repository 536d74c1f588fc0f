"""The Letterboxd service: importing a member's export as ratings, and following members' diary feeds.

No Letterboxd API (it is gated): ratings come from the member's own data export, diary entries from
their public RSS feed. Discord is reached only through ``FeedPoller.delivery`` (``delivery.py``), the web
through a ``Web`` (``http.py``).
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Protocol

from bot.clock import Clock
from bot.errors import BadInput, Conflict, NotFound, UserError
from bot.films.service import FilmService
from bot.letterboxd.export import MAX_UPLOAD, read_export
from bot.letterboxd.http import DownloadFailed, TooLarge
from bot.letterboxd.importing import import_export
from bot.letterboxd.models import (
    FeedFailure,
    FetchResult,
    FollowList,
    FollowResult,
    FollowStatus,
    ImportSummary,
)
from bot.letterboxd.polling import POLL_INTERVAL, TIMER_KIND, FeedPoller, FeedSource
from bot.preferences.service import PreferencesService
from bot.scores.service import ScoreService
from bot.store import Store
from bot.timers import Firing, TimerDispatcher

log = logging.getLogger(__name__)

_PROFILE = re.compile(r"^(?:https?://)?(?:www\.)?letterboxd\.com/([^/?#\s]+)", re.IGNORECASE)
_USERNAME = re.compile(r"[A-Za-z0-9_-]{2,40}")
_MB = 1024 * 1024


class Web(FeedSource, Protocol):
    """Feeds, and the member's uploaded file (``download`` raises ``TooLarge`` or ``DownloadFailed``)."""

    async def download(self, url: str, cap: int) -> bytes: ...

    async def close(self) -> None: ...


def parse_username(text: str) -> str:
    """A Letterboxd username as typed (``name``, ``@name``, or the profile's address), lower case."""
    raw = text.strip()
    match = _PROFILE.match(raw)
    name = (match.group(1) if match else raw).lstrip("@").strip("/")
    if not _USERNAME.fullmatch(name):
        raise BadInput(
            f"“{raw[:60]}” is not a Letterboxd username: it is the name in your profile's address, "
            "letterboxd.com/<username>/ (letters, digits and underscores).",
            hints=(
                "/letterboxd follow username:yourname",
                "/letterboxd follow username:letterboxd.com/yourname/",
            ),
        )
    return name.lower()


def refusal(username: str, failure: FeedFailure) -> UserError:
    """What a member is told when the feed could not be read as they followed it."""
    if failure.kind == "not_found":
        return NotFound(
            f"Letterboxd has no member called “{username}” (letterboxd.com/{username}/ answered 404). "
            "Check the name in your profile's address; nothing was changed."
        )
    wait = (
        f" in {max(1, round(failure.retry_after / 60))} min" if failure.retry_after else " in a few minutes"
    )
    if failure.kind == "rate_limited":
        return Conflict(f"Letterboxd asked filmbot to slow down. Try again{wait}; nothing was changed.")
    if failure.kind == "malformed":
        return Conflict(
            f"Letterboxd's answer for “{username}” was not a diary feed ({failure.detail}). "
            f"Nothing was changed; try again{wait}."
        )
    return Conflict(f"{failure.detail}. Nothing was changed; try again{wait}.")


class LetterboxdService:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        films: FilmService,
        scores: ScoreService,
        preferences: PreferencesService,
        web: Web,
    ) -> None:
        self._store = store
        self._clock = clock
        self._films = films
        self._scores = scores
        self._preferences = preferences
        self._web = web
        self.poller = FeedPoller(store, clock, films, preferences, web)

    def register_timers(self, timers: TimerDispatcher) -> None:
        """Feeds are polled by timer rows; a poll that comes late (the bot was down) is simply made now."""
        timers.register(TIMER_KIND, self._on_timer, self._on_timer)

    async def _on_timer(self, firing: Firing) -> None:
        try:
            await self.poller.poll(int(firing.timer.ref))
        except Exception:
            # Never leave a followed feed without its next poll; ``resume`` is the backstop at start.
            log.exception("polling Letterboxd feed %s failed; trying again later", firing.timer.ref)
            await self._store.timers.add(TIMER_KIND, firing.timer.ref, self._clock.now() + POLL_INTERVAL)

    async def resume(self) -> None:
        """At start: give every followed feed that lost its timer (a failed handler) a poll now."""
        for feed_id in await self._store.letterboxd.feeds_without_timer(TIMER_KIND):
            await self._store.timers.add(TIMER_KIND, str(feed_id), self._clock.now())

    async def close(self) -> None:
        await self._web.close()

    def profile_url(self, username: str) -> str:
        return self._web.profile_url(username)

    # -- importing -----------------------------------------------------------------------------------

    async def import_file(
        self, guild_id: int, user_id: int, *, url: str, filename: str, size: int
    ) -> ImportSummary:
        """Read an uploaded export and rate its catalog films for the member (committed on return)."""
        if size > MAX_UPLOAD:
            raise BadInput(
                f"That file is {size / _MB:.1f} MB; a Letterboxd export is at most {MAX_UPLOAD // _MB} MB here. "
                "Upload the ZIP as Letterboxd made it, or just its ratings.csv."
            )
        try:
            data = await self._web.download(url, MAX_UPLOAD)
        except TooLarge:
            raise BadInput(f"That file is larger than {MAX_UPLOAD // _MB} MB; nothing was changed.") from None
        except DownloadFailed as error:
            raise UserError(f"I could not read the file ({error}); nothing was changed. Try again.") from None
        export = await asyncio.to_thread(read_export, data, filename)
        if not export.ratings:
            raise BadInput(
                f"{export.source} has no rated film ({export.rows} rows, {export.unrated} without a rating"
                f"{f', {len(export.bad_lines)} unreadable' if export.bad_lines else ''}); nothing was changed."
            )
        return await import_export(self._films, self._scores, guild_id, user_id, export)

    # -- following -----------------------------------------------------------------------------------

    async def follow(self, guild_id: int, user_id: int, username: str) -> FollowResult:
        """Follow a Letterboxd member's diary into this server's channel, showing the last week's entries.

        Refused (nothing saved) when the server has no channel, or the feed cannot be read right now.
        """
        name = parse_username(username)
        channel_id = (await self._preferences.guild(guild_id)).letterboxd_channel_id
        if channel_id is None:
            raise Conflict(
                "This server has no Letterboxd channel yet: a moderator picks one with "
                "/settings letterboxd channel:#…, then follow again."
            )
        current = await self._store.letterboxd.follow_of(guild_id, user_id)
        if current is not None and current.username == name:
            raise Conflict(f"You already follow “{name}” here; /letterboxd status shows how it is going.")
        others = [f for f in await self._store.letterboxd.follows_in(guild_id) if f.username == name]
        if others:
            raise Conflict(
                f"Another member already follows “{name}” here, so its entries are posted already."
            )
        async with self.poller.lock(name):
            feed_id = await self._join(guild_id, user_id, name)
            delivered = await self.poller.deliver(feed_id)
        return FollowResult(
            username=name,
            channel_id=channel_id,
            posted=sum(1 for d in delivered if d.message_id is not None),
            failed=tuple(d.error for d in delivered if d.error),
            replaced=current.username if current else None,
        )

    async def _join(self, guild_id: int, user_id: int, name: str) -> int:
        """Read the feed (unless it was read within the poll interval) and commit the follow with it."""
        feed = await self._store.letterboxd.feed_named(name)
        now = self._clock.now()
        result: FetchResult | None = None
        if feed is not None and self.poller.recently_checked(feed.checked_at, now):
            if feed.failures:
                raise Conflict(
                    f"Letterboxd did not give filmbot the feed of “{name}” a moment ago ({feed.last_error}). "
                    "Check the name, or try again in half an hour; nothing was changed."
                )
        else:
            result = await self._web.fetch(
                name, feed.etag if feed else None, feed.last_modified if feed else None
            )
            if isinstance(result, FeedFailure):
                if feed is not None:  # others follow it: the failure and its backoff are theirs too
                    await self.poller.apply(name, result, now)
                raise refusal(name, result)
        feed_id = await self.poller.apply(name, result, now, joining=(guild_id, user_id))
        if result is None and feed is not None and not await self._has_timer(feed.id):
            await self._store.timers.add(TIMER_KIND, str(feed.id), now + POLL_INTERVAL)
        return feed_id

    async def _has_timer(self, feed_id: int) -> bool:
        return feed_id not in await self._store.letterboxd.feeds_without_timer(TIMER_KIND)

    async def unfollow(self, guild_id: int, user_id: int, *, by: int) -> str:
        """Stop following (a member themselves, or a moderator for them); the username it followed."""
        follow = await self._store.letterboxd.follow_of(guild_id, user_id)
        if follow is None:
            whom = "You do not" if by == user_id else "That member does not"
            raise NotFound(f"{whom} follow anyone on Letterboxd in this server.")
        async with self.poller.lock(follow.username), self._store.transaction() as tx:
            await tx.letterboxd.remove_follow(guild_id, user_id)
            if not await tx.letterboxd.is_followed(follow.feed_id):
                await tx.timers.cancel(TIMER_KIND, str(follow.feed_id))
        return follow.username

    async def status(self, guild_id: int, user_id: int) -> FollowStatus:
        follow = await self._store.letterboxd.follow_of(guild_id, user_id)
        if follow is None:
            raise NotFound(
                "You do not follow anyone on Letterboxd in this server.",
                hints=("/letterboxd follow username:yourname",),
            )
        feed = await self._store.letterboxd.feed(follow.feed_id)
        assert feed is not None
        posted, failed, last_failure = await self._store.letterboxd.post_counts(follow)
        channel_id = (await self._preferences.guild(guild_id)).letterboxd_channel_id
        return FollowStatus(follow, feed, channel_id, posted, failed, last_failure)

    async def following(self, guild_id: int) -> FollowList:
        follows = await self._store.letterboxd.follows_in(guild_id)
        channel_id = (await self._preferences.guild(guild_id)).letterboxd_channel_id
        return FollowList(tuple(follows), channel_id)
