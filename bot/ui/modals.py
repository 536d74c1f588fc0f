"""Restart-proof modals: a form whose submission is handled from its custom_id alone.

discord.py keeps a sent ``Modal`` in memory and hands its submission to that object; after a restart the
object is gone and the submission is dropped (the member sees "Something went wrong"). A
``RestartProofModal`` states its custom_id format once, as a class keyword, like a ``RestartProofItem``::

    class ScheduleForm(RestartProofModal, custom_id="filmbot:poll:partyform:{poll}:{film}"):
        def __init__(self, poll: int, film: int) -> None:
            super().__init__(title="Schedule the watch party", custom_id=self.make_id(poll=poll, film=film))
            ...

        async def submitted(self, interaction: discord.Interaction[Any], values: dict[str, str]) -> None:
            ...

``show`` sends the form without leaving it in discord.py's memory. Every submission, before a restart or
after one, reaches ``dispatch`` (the bot's ``on_interaction`` listener, added by ``install``), which finds
the form's class by its format, rebuilds it from the id's fields (``from_fields``) and runs ``submitted``
with the values typed, inside the one error path (``bot.ui.answers``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, ClassVar, Protocol

import discord

from bot.ui.answers import answering_errors
from bot.ui.items import IdFormat, parse_format


class RestartProofModal(discord.ui.Modal):
    """Base of every restart-proof form; subclasses pass ``custom_id="filmbot:<feature>:…"``."""

    custom_id_format: ClassVar[str]
    _format: ClassVar[IdFormat]
    _template: ClassVar[re.Pattern[str]]

    def __init_subclass__(cls, *, custom_id: str | None = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if custom_id is not None:
            cls._format = parse_format(custom_id)
            cls._template = re.compile(cls._format.regex)
            cls.custom_id_format = custom_id

    @classmethod
    def make_id(cls, **values: object) -> str:
        """This form's custom_id for ``values`` (every field named in the format, nothing else)."""
        return cls._format.build(cls.__name__, cls._template, values)

    @classmethod
    def parse_id(cls, custom_id: str) -> dict[str, Any] | None:
        match = cls._template.fullmatch(custom_id)
        return None if match is None else cls._format.values(match)

    @classmethod
    def from_fields(cls, **fields: Any) -> RestartProofModal:
        """Rebuild the form for a submission from its id's fields; override when it needs more."""
        return cls(**fields)

    async def show(self, interaction: discord.Interaction[Any]) -> None:
        """Open the form. It is stopped first, so discord.py does not keep it (``send_modal`` keeps only
        unfinished ones): its submission reaches ``dispatch`` alone, whether or not the bot restarted."""
        self.stop()
        await interaction.response.send_modal(self)

    async def submitted(self, interaction: discord.Interaction[Any], values: dict[str, str]) -> None:
        """What the form does when submitted; ``values`` maps each input's custom_id to what was typed."""
        raise NotImplementedError


def typed_values(data: Any) -> dict[str, str]:
    """The text inputs of a modal submission: custom_id → value (in action rows or labels)."""
    values: dict[str, str] = {}
    for component in data.get("components", []) if isinstance(data, dict) else []:
        inner = component.get("components") or [component.get("component") or component]
        for item in inner:
            if isinstance(item, dict) and "custom_id" in item and "value" in item:
                values[str(item["custom_id"])] = str(item["value"])
    return values


async def dispatch(interaction: discord.Interaction[Any], forms: Sequence[type[RestartProofModal]]) -> bool:
    """Hand a modal submission to the form it belongs to; False when it belongs to none of ``forms``."""
    if interaction.type is not discord.InteractionType.modal_submit:
        return False
    data: Any = interaction.data or {}
    custom_id = str(data.get("custom_id", ""))
    for form in forms:
        fields = form.parse_id(custom_id)
        if fields is not None:
            await answering_errors(
                interaction, form.from_fields(**fields).submitted(interaction, typed_values(data))
            )
            return True
    return False


class _Listens(Protocol):
    def add_listener(self, func: Any, /, name: str = ...) -> None: ...


def install(bot: _Listens, *forms: type[RestartProofModal]) -> None:
    """Route the submissions of ``forms`` to them (a cog's ``setup`` calls this, as for dynamic items)."""

    async def on_interaction(interaction: discord.Interaction[Any]) -> None:
        await dispatch(interaction, forms)

    bot.add_listener(on_interaction, "on_interaction")
