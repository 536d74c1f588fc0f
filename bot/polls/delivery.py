"""What polls do on Discord by themselves: the live tally on the poll message and the posted result.

``PollDelivery`` implements ``bot.polls.service.Delivery``; the bot builds it once, in ``prepare()``.

Live tally edits are coalesced per poll: a change marks the poll dirty; a single pending task per poll
edits the message at most once every ``interval`` seconds, re-reading the database each time, and runs
again if the poll was marked while it edited. The task exists only while there is something to show, so
nothing polls. Every edit reads the state under a per-poll lock, so the last edit always shows the latest
committed state (the final, closed state included). A stop shows what was still waiting at once, and a
start shows every open poll once, so neither a restart nor a crash leaves a message behind its ballots.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

import discord

from bot.polls import render
from bot.polls.models import Poll
from bot.polls.service import PollService, PollView
from bot.polls.views import poll_view, result_message

log = logging.getLogger(__name__)

EDIT_INTERVAL = 2.0
# At shutdown, how long the edits still waiting for their interval may take before the bot stops anyway.
STOP_TIMEOUT = 5.0
# How many messages after a poll closed are searched for its result after a restart.
HISTORY_LOOKBACK = 50


def result_nonce(poll_id: int) -> str:
    """The nonce of a poll's result post (kept as it was, so a retry across an upgrade finds it)."""
    return f"filmbot-poll-{poll_id}"[:25]


class PollDelivery:
    def __init__(
        self, client: discord.Client, service: PollService, *, interval: float = EDIT_INTERVAL
    ) -> None:
        self._client = client
        self._service = service
        self.interval = interval
        self._dirty: set[int] = set()
        self._pending: dict[int, asyncio.Task[None]] = {}
        self._locks: dict[int, asyncio.Lock] = {}
        self._last_edit: dict[int, float] = {}
        self.edits = 0

    def changed(self, poll_id: int) -> None:
        """The poll's ballots changed: show it within ``interval`` seconds, coalescing further changes."""
        self._dirty.add(poll_id)
        if poll_id not in self._pending:
            task = asyncio.get_running_loop().create_task(self._flush(poll_id), name=f"poll-tally-{poll_id}")
            self._pending[poll_id] = task

    async def drain(self) -> None:
        """Wait until every pending tally edit is done (tests, shutdown)."""
        while self._pending:
            await asyncio.gather(*list(self._pending.values()), return_exceptions=True)

    async def stop(self) -> None:
        """Shutdown: show every change still waiting for its interval now (within ``STOP_TIMEOUT``), so a
        restart never leaves a poll message behind its ballots; then nothing is pending."""
        waiting = self._dirty | set(self._pending)
        for task in list(self._pending.values()):
            task.cancel()
        await asyncio.gather(*list(self._pending.values()), return_exceptions=True)
        self._dirty.clear()
        try:
            async with asyncio.timeout(STOP_TIMEOUT):
                await asyncio.gather(*(self._refresh_logged(p) for p in sorted(waiting)))
        except TimeoutError:
            log.warning("stopping: %d live tallies not updated within %.0f s", len(waiting), STOP_TIMEOUT)

    async def show_open(self, guild_ids: Iterable[int]) -> None:
        """At start: show each open poll's count as it stands, coalesced like any change. Votes committed
        just before a crash may not have reached their poll's message; without this it would wait for the
        next vote."""
        for guild_id in guild_ids:
            for poll in await self._service.open_polls(guild_id):
                if poll.message_id is not None:
                    self.changed(poll.id)

    async def _refresh_logged(self, poll_id: int) -> None:
        try:
            await self.refresh(poll_id)
        except Exception:
            log.exception("live tally of poll %d could not be updated", poll_id)

    async def _flush(self, poll_id: int) -> None:
        loop = asyncio.get_running_loop()
        try:
            while poll_id in self._dirty:
                wait = self._last_edit.get(poll_id, float("-inf")) + self.interval - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                self._dirty.discard(poll_id)
                await self._refresh_logged(poll_id)
        finally:
            self._pending.pop(poll_id, None)

    def _lock(self, poll_id: int) -> asyncio.Lock:
        return self._locks.setdefault(poll_id, asyncio.Lock())

    async def refresh(self, poll_id: int) -> None:
        """Edit the poll message to show the current state (through REST; no cache or token needed)."""
        async with self._lock(poll_id):
            view = await self._service.view(poll_id)
            poll = view.poll
            if poll.message_id is None:
                return
            self._last_edit[poll_id] = asyncio.get_running_loop().time()
            message = self._client.get_partial_messageable(poll.channel_id).get_partial_message(
                poll.message_id
            )
            try:
                await message.edit(embed=render.poll_embed(view), view=poll_view(poll))
                self.edits += 1
            except discord.NotFound:
                log.info("poll %d: its message %d is gone; not updating it", poll_id, poll.message_id)
            except discord.HTTPException:
                log.warning("poll %d: could not update its message", poll_id, exc_info=True)
            if not poll.is_open:
                self._last_edit.pop(poll_id, None)

    async def post_result(self, poll_id: int, *, retry: bool) -> int | None:
        """Show the closed poll's final state on its message and post its result in its channel.

        The service calls this once per poll (holding its closing lock while no result is recorded).
        What could still post twice is a stop between Discord accepting the post and the service
        recording it; so the post carries a nonce fixed per poll with ``enforce_nonce`` (a repeat within
        Discord's window of a few minutes returns the first message), and a ``retry`` first looks in the
        channel for the bot's own result of this poll and adopts it.
        """
        await self.refresh(poll_id)
        async with self._lock(poll_id):
            view = await self._service.view(poll_id)
            poll = view.poll
            if poll.is_open:
                return None
            if poll.result_message_id is not None:
                return poll.result_message_id
            channel = self._client.get_partial_messageable(poll.channel_id, guild_id=poll.guild_id)
            if retry and (found := await self._already_posted(channel, poll)) is not None:
                log.info("poll %d: its result was posted before a restart as message %d", poll_id, found)
                return found
            try:
                message = await channel.send(**await self._result_kwargs(view))
            except discord.HTTPException:
                log.warning(
                    "poll %d: could not post its result in channel %d",
                    poll_id,
                    poll.channel_id,
                    exc_info=True,
                )
                return None
            log.info("poll %d: result posted as message %d", poll_id, message.id)
            return message.id

    @staticmethod
    async def _result_kwargs(view: PollView) -> dict[str, Any]:
        poll = view.poll
        embed, files, components = await result_message(view)
        kwargs: dict[str, Any] = {"embed": embed, "files": files, "nonce": result_nonce(poll.id)}
        if components is not None:
            kwargs["view"] = components
        if poll.message_id:
            kwargs["reference"] = discord.MessageReference(
                message_id=poll.message_id, channel_id=poll.channel_id, fail_if_not_exists=False
            )
        return kwargs

    async def _already_posted(self, channel: discord.PartialMessageable, poll: Poll) -> int | None:
        """The bot's own result message for ``poll`` posted since it closed, if the channel shows one."""
        me = self._client.user.id if self._client.user else None
        since = (poll.closed_at or poll.closes_at) - timedelta(seconds=5)
        try:
            async for message in channel.history(limit=HISTORY_LOOKBACK, after=since, oldest_first=True):
                embed = message.embeds[0] if message.embeds else None
                if (
                    message.author.id == me
                    and embed is not None
                    and render.is_result_of(poll.id, embed.title, embed.footer.text)
                ):
                    return message.id
        except discord.HTTPException:
            log.info("poll %d: could not read channel %d to look for its result", poll.id, channel.id)
        return None
