"""The test driver: act as a member in a channel and see what the bot answers.

Example::

    driver = emulator.driver                      # member1 in #general
    card = await driver.slash("film", title="100-meters")
    assert "100 Meters" in card.embed["title"]
    choices = await driver.autocomplete("film", "title", "100 m")
    clicked = await driver.as_member("moderator").click(card, label="Details")
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from . import limits as L
from . import permissions as P
from .options import OptionBuilder
from .payloads import interaction_payload, new_token
from .state import Channel, Guild, Interaction, Member, json_copy
from .views import AutocompleteResult, InteractionResult, MessageView, walk_components

if TYPE_CHECKING:
    from .server import Emulator

APPLICATION_COMMAND, MESSAGE_COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 2, 3, 4, 5
MessageRef = MessageView | InteractionResult | dict[str, Any] | int


class NoAnswer(AssertionError):
    """The bot did not acknowledge an interaction in time."""


@dataclasses.dataclass(frozen=True)
class Driver:
    emulator: Emulator
    who: str | int | Member = "member1"
    where: str | int | Channel = "general"
    timeout: float | None = None  # default: the emulator's ack timeout plus one second
    require_answer: bool = True
    locale: str = "en-US"
    retry_grace: float = 0.5  # how long to wait for a valid answer after Discord rejected one
    guild: int | None = (
        None  # the guild (id) names like "member1" and "general" are found in; None: the first
    )

    # -- who and where -----------------------------------------------------------------------------
    def as_member(self, who: str | int | Member, channel: str | int | Channel | None = None) -> Driver:
        """``"owner"``, ``"moderator"``, ``"member1"``…, a username, a user id or a Member."""
        return dataclasses.replace(self, who=who, where=self.where if channel is None else channel)

    def in_channel(self, channel: str | int | Channel) -> Driver:
        return dataclasses.replace(self, where=channel)

    def in_guild(
        self, guild: int | Guild, who: str | int | Member = "member1", channel: str = "general"
    ) -> Driver:
        """The same kind of member in another guild of a many-guild world (``emulator.world.clubs``)."""
        ident = guild.id if isinstance(guild, Guild) else guild
        return dataclasses.replace(self, guild=ident, who=who, where=channel)

    def lenient(self) -> Driver:
        """A driver that returns unanswered results instead of failing (for fault-injection tests)."""
        return dataclasses.replace(self, require_answer=False)

    @property
    def member(self) -> Member:
        return self.emulator.world.member(self.who, self.guild)

    @property
    def channel(self) -> Channel:
        return self.emulator.world.channel(self.where, self.guild)

    # -- commands ----------------------------------------------------------------------------------
    def command(self, name: str) -> dict[str, Any]:
        """The registered chat-input command ``name`` (guild commands first, then global)."""
        state = self.emulator.state
        guild_id = self.channel.guild_id
        for scope in (guild_id, None):
            for command in state.commands.get(scope, []):
                if command["name"] == name and command.get("type", 1) == 1:
                    return command
        registered = sorted({c["name"] for c in state.all_commands()})
        raise LookupError(f"/{name} is not registered (registered: {registered})")

    def _command_data(
        self, name: str, path: tuple[str, ...], options: dict[str, Any], focused: str | None = None
    ) -> dict[str, Any]:
        words = name.split()
        command = self.command(words[0])
        builder = OptionBuilder(self.emulator.world, self.channel, self.emulator.base_url)
        built = builder.build(
            command.get("options") or [], [*words[1:], *path], options, focused=focused, command=words[0]
        )
        data: dict[str, Any] = {"id": command["id"], "name": command["name"], "type": 1}
        if command.get("guild_id"):
            data["guild_id"] = command["guild_id"]
        if built:
            data["options"] = built
        if builder.resolved:
            data["resolved"] = builder.resolved
        return data

    async def slash(self, name: str, *path: str, **options: Any) -> InteractionResult:
        """Run ``/name [group] [sub] option=value…``; waits for the answer (and for a deferred one to finish)."""
        data = self._command_data(name, path, options)
        result = await self._interact(APPLICATION_COMMAND, data)
        if result.callback_type == 5:
            await result.wait_settled(timeout=self._timeout + 10)
        return result

    async def autocomplete(self, name: str, *path_option_value: str, **options: Any) -> AutocompleteResult:
        """``autocomplete("film", "title", "100 m", year=2020)`` or ``autocomplete("poll create", "question", "x")``."""
        if len(path_option_value) < 2:
            raise TypeError("autocomplete(name, [sub…], option, typed_text, **other_options)")
        *path, focused, typed = path_option_value
        data = self._command_data(name, tuple(path), {**options, focused: typed}, focused=focused)
        result = await self._interact(AUTOCOMPLETE, data, result_cls=AutocompleteResult)
        assert isinstance(result, AutocompleteResult)
        return result

    # -- components and modals -----------------------------------------------------------------------
    def _message(self, ref: MessageRef) -> dict[str, Any]:
        if isinstance(ref, InteractionResult):
            ref = ref.message
        if isinstance(ref, MessageView):
            return ref.raw
        if isinstance(ref, int):
            message = self.emulator.state.messages.get(ref)
            if message is None:
                raise LookupError(f"no message {ref}")
            return message
        return self.emulator.state.messages.get(int(ref["id"]), ref)

    async def click(
        self, message: MessageRef, custom_id: str | None = None, *, label: str | None = None
    ) -> InteractionResult:
        """Click a button (by ``custom_id`` or visible ``label``) on a message the bot posted."""
        raw = self._message(message)
        view = MessageView(self.emulator, int(raw["id"]))
        button = view.component(custom_id, label=label)
        if button.get("type") != L.BUTTON_TYPE:
            raise TypeError(f"{custom_id or label!r} is not a button")
        if button.get("disabled"):
            raise AssertionError(f"button {button.get('label')!r} is disabled; a member cannot click it")
        if button.get("style") == 5:
            raise TypeError("link buttons open a URL; the bot never sees a click")
        data = {"custom_id": button["custom_id"], "component_type": 2}
        if "id" in button:
            data["id"] = button["id"]
        return await self._interact(MESSAGE_COMPONENT, data, message=raw)

    async def select(self, message: MessageRef, custom_id: str, values: list[Any]) -> InteractionResult:
        """Pick ``values`` in a select menu (option values for string selects; members/roles/channels otherwise)."""
        raw = self._message(message)
        select = MessageView(self.emulator, int(raw["id"])).component(custom_id)
        if select.get("type") not in L.SELECT_TYPES:
            raise TypeError(f"{custom_id!r} is not a select menu")
        if select.get("disabled"):
            raise AssertionError(f"select {custom_id!r} is disabled")
        low, high = select.get("min_values", 1), select.get("max_values", 1)
        if not low <= len(values) <= high:
            raise ValueError(f"select {custom_id!r} takes {low}..{high} values, got {len(values)}")
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": select["type"]}
        if select["type"] == 3:
            allowed = {o["value"] for o in select.get("options", [])}
            bad = [v for v in values if v not in allowed]
            if bad:
                raise ValueError(
                    f"select {custom_id!r} has no option(s) {bad}; options are {sorted(allowed)}"
                )
            data["values"] = list(values)
        else:
            builder = OptionBuilder(self.emulator.world, self.channel)
            kind = {5: 6, 6: 8, 7: 9, 8: 7}[select["type"]]
            data["values"] = [builder.convert({"type": kind, "name": custom_id}, v) for v in values]
            data["resolved"] = builder.resolved
        if "id" in select:
            data["id"] = select["id"]
        return await self._interact(MESSAGE_COMPONENT, data, message=raw)

    async def submit_modal(self, shown: InteractionResult, values: dict[str, Any]) -> InteractionResult:
        """Fill in and submit the modal the bot showed in ``shown``; ``values`` maps custom_id (or label) → text."""
        modal = shown.modal
        if modal is None:
            raise AssertionError(f"the bot answered with callback type {shown.callback_type}, not a modal")
        remaining = dict(values)
        components = []
        for comp in modal.get("components", []):
            if comp.get("type") == 10:
                continue
            if comp.get("type") == 1:
                inner = comp["components"][0]
                label = inner.get("label")
                filled = self._fill(inner, label, remaining)
                components.append({"type": 1, "id": comp.get("id"), "components": [filled]})
            elif comp.get("type") == 18:
                filled = self._fill(comp["component"], comp.get("label"), remaining)
                components.append({"type": 18, "id": comp.get("id"), "component": filled})
        if remaining:
            raise TypeError(f"the modal has no inputs {sorted(remaining)}")
        data = {"custom_id": modal["custom_id"], "components": components}
        source = shown.interaction.source_message_id
        message = self.emulator.state.messages.get(source) if source else None
        return await self._interact(MODAL_SUBMIT, data, message=message)

    @staticmethod
    def _fill(comp: dict[str, Any], label: str | None, remaining: dict[str, Any]) -> dict[str, Any]:
        key = comp["custom_id"] if comp["custom_id"] in remaining else (label or "")
        if comp.get("type") == L.TEXT_INPUT_TYPE:
            value = str(remaining.pop(key)) if key in remaining else str(comp.get("value") or "")
            if comp.get("required", True) and not value:
                raise ValueError(f"modal input {comp['custom_id']!r} ({label}) is required")
            low, high = comp.get("min_length", 0), comp.get("max_length", L.TEXT_INPUT_VALUE_MAX)
            if value and not low <= len(value) <= high:
                raise ValueError(f"modal input {comp['custom_id']!r} takes {low}..{high} characters")
            return {"type": 4, "id": comp.get("id"), "custom_id": comp["custom_id"], "value": value}
        picked = remaining.pop(key, [])
        return {
            "type": comp["type"],
            "id": comp.get("id"),
            "custom_id": comp["custom_id"],
            "values": list(picked),
        }

    # -- gateway events ------------------------------------------------------------------------------
    async def event_user_add(self, event_id: int | str) -> None:
        """The member marks themselves "interested" in a scheduled event."""
        await self._event_user("ADD", int(event_id))

    async def event_user_remove(self, event_id: int | str) -> None:
        await self._event_user("REMOVE", int(event_id))

    async def _event_user(self, which: str, event_id: int) -> None:
        state = self.emulator.state
        event = state.scheduled_events.get(event_id)
        if event is None:
            raise LookupError(f"no scheduled event {event_id}")
        subscribers = state.event_subscribers.setdefault(event_id, [])
        user_id = self.member.user.id
        if which == "ADD" and user_id not in subscribers:
            subscribers.append(user_id)
        elif which == "REMOVE" and user_id in subscribers:
            subscribers.remove(user_id)
        payload = {
            "guild_scheduled_event_id": str(event_id),
            "user_id": str(user_id),
            "guild_id": event["guild_id"],
        }
        await self.emulator.dispatch(f"GUILD_SCHEDULED_EVENT_USER_{which}", payload)

    async def delete_channel(self, channel: str | int | Channel) -> None:
        """A moderator deletes a channel: CHANNEL_DELETE is dispatched and the channel is gone."""
        target = self.emulator.world.channel(channel, self.guild)
        target.deleted = True
        await self.emulator.dispatch("CHANNEL_DELETE", target.to_dict())

    # -- reading state --------------------------------------------------------------------------------
    def messages(
        self, channel: str | int | Channel | None = None, *, include_ephemeral: bool = False
    ) -> list[MessageView]:
        """Messages in ``channel`` (default: the driver's), oldest first; ephemeral ones only if asked."""
        target = self.channel if channel is None else self.emulator.world.channel(channel, self.guild)
        found = [
            m
            for m in self.emulator.state.channel_messages(target.id)
            if include_ephemeral or not int(m.get("flags") or 0) & L.FLAG_EPHEMERAL
        ]
        return [MessageView(self.emulator, int(m["id"])) for m in sorted(found, key=lambda m: int(m["id"]))]

    async def wait_for_message(
        self,
        channel: str | int | Channel | None = None,
        predicate: Callable[[MessageView], bool] = lambda _m: True,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> MessageView:
        """Wait for a (non-ephemeral) message in ``channel`` that satisfies ``predicate``."""

        def find() -> MessageView | None:
            for view in reversed(self.messages(channel)):
                if predicate(view):
                    return view
            return None

        return await self.emulator.wait_for(find, timeout=timeout, what="a matching message")

    # -- dispatch --------------------------------------------------------------------------------------
    @property
    def _timeout(self) -> float:
        return self.timeout if self.timeout is not None else self.emulator.ack_timeout + 1.0

    async def _interact(
        self,
        itype: int,
        data: dict[str, Any],
        *,
        message: dict[str, Any] | None = None,
        result_cls: type[InteractionResult] = InteractionResult,
    ) -> InteractionResult:
        emu = self.emulator
        if not emu.gateway.sessions:
            raise AssertionError("the bot has no gateway session; is it running?")
        state = emu.state
        ident = state.ids.next()
        token = new_token(ident)
        member, channel = self.member, self.channel
        guild = state.guild_of(channel.id)
        if guild is not None and not guild.channel_permissions(member.user.id, channel.id) & P.VIEW_CHANNEL:
            raise PermissionError(f"{member.user.username} cannot see #{channel.name}")
        payload = interaction_payload(
            state,
            interaction_id=ident,
            token=token,
            itype=itype,
            data=data,
            member=member,
            channel=channel,
            message=json_copy(message) if message else None,
            locale=self.locale,
        )
        loop = asyncio.get_running_loop()
        record = Interaction(
            ident,
            token,
            itype,
            payload,
            channel.id,
            channel.guild_id,
            member.user.id,
            loop.time(),
            source_message_id=int(message["id"]) if message else None,
        )
        state.interactions[ident] = record
        await emu.dispatch("INTERACTION_CREATE", payload)
        result = result_cls(emu, record)
        what = f"the bot to answer interaction type {itype} ({data.get('name') or data.get('custom_id')})"
        try:
            await record.wait_until(
                lambda: record.acknowledged or record.rejected, timeout=self._timeout, what=what
            )
            if not record.acknowledged:
                # Discord refused the bot's answer; give its error path a moment to answer properly.
                await record.wait_until(lambda: record.acknowledged, timeout=self.retry_grace, what=what)
        except AssertionError as exc:
            if self.require_answer:
                detail = (
                    f" (Discord rejected its callback(s) with {record.rejected})" if record.rejected else ""
                )
                raise NoAnswer(f"{exc}{detail}") from None
        return result


__all__ = ["Driver", "MessageView", "NoAnswer", "walk_components"]
