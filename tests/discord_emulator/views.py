"""Read-only views over emulator state for assertions: messages and interaction results."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from . import limits as L
from .state import Interaction

if TYPE_CHECKING:
    from .server import Action, Emulator


def walk_components(components: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Every component, depth first, including section accessories and label children."""
    for comp in components:
        yield comp
        if isinstance(comp.get("components"), list):
            yield from walk_components(comp["components"])
        for key in ("accessory", "component"):
            if isinstance(comp.get(key), dict):
                yield from walk_components([comp[key]])


class MessageView:
    """A live view of one message in the emulator (reflects later edits; ``deleted`` once gone)."""

    def __init__(self, emulator: Emulator, message_id: int) -> None:
        self._emulator = emulator
        self.id = int(message_id)

    def __repr__(self) -> str:
        return f"<MessageView id={self.id} content={self.content[:40]!r} embeds={len(self.embeds)}>"

    @property
    def raw(self) -> dict[str, Any]:
        message = self._emulator.state.messages.get(self.id)
        if message is None:
            raise LookupError(f"message {self.id} was deleted")
        return message

    @property
    def deleted(self) -> bool:
        return self.id not in self._emulator.state.messages

    @property
    def channel_id(self) -> int:
        return int(self.raw["channel_id"])

    @property
    def content(self) -> str:
        return str(self.raw.get("content") or "")

    @property
    def embeds(self) -> list[dict[str, Any]]:
        return list(self.raw.get("embeds") or [])

    @property
    def embed(self) -> dict[str, Any]:
        embeds = self.embeds
        if not embeds:
            raise AssertionError(f"message {self.id} has no embed (content: {self.content!r})")
        return embeds[0]

    @property
    def components(self) -> list[dict[str, Any]]:
        return list(self.raw.get("components") or [])

    @property
    def buttons(self) -> list[dict[str, Any]]:
        return [c for c in walk_components(self.components) if c.get("type") == L.BUTTON_TYPE]

    @property
    def selects(self) -> list[dict[str, Any]]:
        return [c for c in walk_components(self.components) if c.get("type") in L.SELECT_TYPES]

    @property
    def flags(self) -> int:
        return int(self.raw.get("flags") or 0)

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & L.FLAG_EPHEMERAL)

    @property
    def loading(self) -> bool:
        return bool(self.flags & L.FLAG_LOADING)

    @property
    def attachments(self) -> list[dict[str, Any]]:
        return list(self.raw.get("attachments") or [])

    @property
    def files(self) -> dict[str, bytes]:
        """Attached files by filename, with the bytes the bot uploaded."""
        return {a["filename"]: self._emulator.state.files.get(int(a["id"]), b"") for a in self.attachments}

    @property
    def text(self) -> str:
        """Everything a member can read: content, embed texts and component text displays."""
        parts = [self.content]
        for embed in self.embeds:
            parts += [
                embed.get("author", {}).get("name", ""),
                embed.get("title", ""),
                embed.get("description", ""),
            ]
            for field in embed.get("fields") or []:
                parts += [field.get("name", ""), field.get("value", "")]
            parts.append(embed.get("footer", {}).get("text", ""))
        for comp in walk_components(self.components):
            if comp.get("type") == 10:
                parts.append(comp.get("content", ""))
        return "\n".join(p for p in parts if p)

    def component(self, custom_id: str | None = None, *, label: str | None = None) -> dict[str, Any]:
        for comp in walk_components(self.components):
            if custom_id is not None and comp.get("custom_id") == custom_id:
                return comp
            if label is not None and comp.get("label") == label:
                return comp
        available = [
            (c.get("custom_id"), c.get("label"))
            for c in walk_components(self.components)
            if c.get("type") != 1
        ]
        raise LookupError(
            f"no component custom_id={custom_id!r} label={label!r} on message {self.id}: {available}"
        )


class InteractionResult:
    """What the bot did with one interaction: its callback, the original response, followups and edits."""

    def __init__(self, emulator: Emulator, interaction: Interaction) -> None:
        self._emulator = emulator
        self.interaction = interaction

    def __repr__(self) -> str:
        return (
            f"<InteractionResult type={self.callback_type} latency={self.latency} message={self.message!r}>"
        )

    @property
    def answered(self) -> bool:
        return self.interaction.acknowledged

    @property
    def callback_type(self) -> int | None:
        return self.interaction.callback_type

    @property
    def callback_data(self) -> dict[str, Any]:
        return self.interaction.callback_data or {}

    @property
    def latency(self) -> float | None:
        """Seconds from dispatch to the first callback."""
        if self.interaction.callback_at is None:
            return None
        return self.interaction.callback_at - self.interaction.dispatched_at

    @property
    def deferred(self) -> bool:
        return self.callback_type in (5, 6)

    @property
    def modal(self) -> dict[str, Any] | None:
        return self.callback_data if self.callback_type == 9 else None

    @property
    def choices(self) -> list[dict[str, Any]]:
        return list(self.callback_data.get("choices") or []) if self.callback_type == 8 else []

    @property
    def original(self) -> MessageView | None:
        ident = self.interaction.original_message_id
        return None if ident is None else MessageView(self._emulator, ident)

    @property
    def source(self) -> MessageView | None:
        ident = self.interaction.source_message_id
        return None if ident is None else MessageView(self._emulator, ident)

    @property
    def followups(self) -> list[MessageView]:
        return [MessageView(self._emulator, i) for i in self.interaction.followup_ids]

    @property
    def actions(self) -> list[Action]:
        return [a for a in self._emulator.actions if a.interaction_id == self.interaction.id]

    @property
    def edits(self) -> list[Action]:
        return [a for a in self.actions if a.kind == "edit"]

    @property
    def message(self) -> MessageView:
        """The message the member now sees as the answer (original response, or the updated clicked message)."""
        if self.interaction.original_message_id is not None:
            return MessageView(self._emulator, self.interaction.original_message_id)
        if self.callback_type in (6, 7) and self.interaction.source_message_id is not None:
            return MessageView(self._emulator, self.interaction.source_message_id)
        if self.followups:
            return self.followups[0]
        raise AssertionError(f"the bot answered with callback type {self.callback_type} and no message")

    # Shortcuts onto the visible message.
    @property
    def content(self) -> str:
        return self.message.content

    @property
    def embeds(self) -> list[dict[str, Any]]:
        return self.message.embeds

    @property
    def embed(self) -> dict[str, Any]:
        return self.message.embed

    @property
    def components(self) -> list[dict[str, Any]]:
        return self.message.components

    @property
    def buttons(self) -> list[dict[str, Any]]:
        return self.message.buttons

    @property
    def files(self) -> dict[str, bytes]:
        return self.message.files

    @property
    def ephemeral(self) -> bool:
        return self.message.ephemeral

    @property
    def text(self) -> str:
        return self.message.text

    async def wait_settled(self, timeout: float = 15.0) -> InteractionResult:  # noqa: ASYNC109
        """After a deferred response, wait until the "thinking…" message was replaced."""
        if self.callback_type == 5:
            await self._emulator.wait_for(
                lambda: not self.interaction.deferred_pending,
                timeout=timeout,
                what="the deferred response to be completed",
            )
        return self

    async def wait_followups(self, count: int = 1, timeout: float = 5.0) -> list[MessageView]:  # noqa: ASYNC109
        await self._emulator.wait_for(
            lambda: len(self.interaction.followup_ids) >= count,
            timeout=timeout,
            what=f"{count} followup message(s)",
        )
        return self.followups

    async def wait_edit(self, count: int = 1, timeout: float = 5.0) -> list[Action]:  # noqa: ASYNC109
        await self._emulator.wait_for(
            lambda: len(self.edits) >= count, timeout=timeout, what=f"{count} edit(s)"
        )
        return self.edits

    async def wait_action(self, kind: str, count: int = 1, timeout: float = 5.0) -> list[Action]:  # noqa: ASYNC109
        """Wait until the bot did ``kind`` (``followup``, ``edit``, ``delete``) ``count`` times."""

        def matching() -> list[Action]:
            found = [a for a in self.actions if a.kind == kind]
            return found if len(found) >= count else []

        return await self._emulator.wait_for(matching, timeout=timeout, what=f"{count} {kind} action(s)")


class AutocompleteResult(InteractionResult):
    """An autocomplete answer; iterates over the choices."""

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.choices)

    def __len__(self) -> int:
        return len(self.choices)

    def __getitem__(self, index: int) -> dict[str, Any]:
        return self.choices[index]

    @property
    def names(self) -> list[str]:
        return [c["name"] for c in self.choices]

    @property
    def values(self) -> list[Any]:
        return [c["value"] for c in self.choices]
