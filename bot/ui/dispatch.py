"""Clicks on restart-proof items, dispatched without rebuilding the clicked message's whole view.

To run a dynamic item, discord.py converts *every* component of the clicked message into a ``discord.ui``
item (``View.from_message``) to find the one that was clicked, and swaps the dynamic item in. For a poll
that is seven items built per vote to use one, the largest cost of a click after parsing it and answering
it (``benchmarks/interaction.py`` measures it). ``LeanViewStore`` builds only the clicked component's
item, then runs the restart-proof item exactly as discord.py does: rebuilt from its custom_id
(``from_custom_id``, with the clicked component), its state refreshed from the interaction (a menu's
values), its ``interaction_check``, then its callback; the one difference is that it belongs to no
``View`` (``item.view`` is None: a restart-proof item's state is its custom_id and the database, never
its message's view). Everything else (views kept in memory, modals, items that are not filmbot's,
messages with components v2) goes through discord.py unchanged.

At a stop the store takes no more clicks and lets those in hand finish before the bot closes its
connection (``drain``): a vote committed while the bot shuts down is still confirmed to its member.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
import re
from collections.abc import Iterator
from typing import Any

import discord
from discord.ui.view import ViewStore

from bot.ui.items import RestartProofItem

log = logging.getLogger(__name__)

# At a stop, how long the clicks in hand may take to commit and answer before the connection closes anyway.
DRAIN_TIMEOUT = 10.0


def clicked_component(
    components: list[discord.Component], kind: int, custom_id: str
) -> discord.Component | None:
    """The component of a (classic) message with this type and custom_id, if it has one."""
    for component in _walk(components):
        if component.type.value == kind and getattr(component, "custom_id", None) == custom_id:
            return component
    return None


def _walk(components: list[discord.Component]) -> Iterator[discord.Component]:
    for component in components:
        if isinstance(component, discord.ActionRow):
            yield from component.children
        else:
            yield component


def item_of(component: discord.Component) -> discord.ui.Item[Any] | None:
    """The ``discord.ui`` item for a clicked button or select menu (None for anything else)."""
    if isinstance(component, discord.Button):
        return discord.ui.Button.from_component(component)
    if isinstance(component, discord.SelectMenu):
        return discord.ui.Select.from_component(component)
    return None


class LeanViewStore(ViewStore):
    """discord.py's view store, running clicks on ``RestartProofItem``\\ s from the clicked component alone,
    and keeping count of the clicks in hand so a stop lets them finish (``drain``)."""

    def __init__(self, state: Any) -> None:
        super().__init__(state)
        self._running: set[asyncio.Task[Any]] = set()
        self.closing = False

    async def schedule_dynamic_item_call(
        self,
        component_type: int,
        factory: type[discord.ui.DynamicItem[discord.ui.Item[Any]]],
        interaction: discord.Interaction[Any],
        custom_id: str,
        match: re.Match[str],
    ) -> None:
        if self.closing:
            return  # the bot is stopping: a click not taken is not half done (Discord says it failed)
        message = interaction.message
        with self._in_hand():
            if not issubclass(factory, RestartProofItem) or message is None or message.flags.components_v2:
                await super().schedule_dynamic_item_call(
                    component_type, factory, interaction, custom_id, match
                )
                return
            component = clicked_component(message.components, component_type, custom_id)
            base = item_of(component) if component is not None else None
            if base is None:
                return  # discord.py does the same when the message has no such component
            try:
                item = await factory.from_custom_id(interaction, base, match)
            except Exception:
                log.exception("could not rebuild %s from %r", factory.__name__, custom_id)
                return
            item._refresh_state(interaction, interaction.data)  # type: ignore[arg-type]
            try:
                if await item.interaction_check(interaction):
                    await item.callback(interaction)  # a RestartProofItem answers its own errors
            except Exception:
                log.exception("click on %s failed", factory.__name__)

    @contextlib.contextmanager
    def _in_hand(self) -> Iterator[None]:
        """The current task is handling a click until the block ends (what ``drain`` waits for)."""
        task = asyncio.current_task()
        if task is not None:
            self._running.add(task)
        try:
            yield
        finally:
            self._running.discard(task)

    async def drain(self) -> None:
        """Stop taking clicks and let those in hand finish (commit, then answer), for ``DRAIN_TIMEOUT`` at most."""
        self.closing = True
        if self._running:
            _, late = await asyncio.wait(set(self._running), timeout=DRAIN_TIMEOUT)
            if late:
                log.warning(
                    "stopping with %d clicks still being handled after %.0f s", len(late), DRAIN_TIMEOUT
                )


def install(client: discord.Client) -> None:
    """Give ``client`` the lean view store (before it registers any view or item), if discord.py's view
    store still has the method it replaces with this signature; otherwise keep discord.py's and say so."""
    expected = inspect.signature(LeanViewStore.schedule_dynamic_item_call)
    actual = inspect.signature(ViewStore.schedule_dynamic_item_call)
    if list(actual.parameters) != list(expected.parameters):
        log.warning("discord.py's view store changed; clicks go through its own dispatch")
        return
    state: Any = client._connection
    state._view_store = LeanViewStore(state)


async def drain(client: discord.Client) -> None:
    """At a stop, before the HTTP session closes: take no more clicks and let those in hand answer, so a
    vote committed during a shutdown is still confirmed to its member (``LeanViewStore.drain``)."""
    store = getattr(client._connection, "_view_store", None)
    if isinstance(store, LeanViewStore):
        await store.drain()
