"""The one base for restart-proof buttons and menus.

A restart-proof item is a ``discord.ui.DynamicItem``: discord.py matches a clicked component's
``custom_id`` against the item's template and rebuilds the item from it, so the item works on messages
posted before a restart. Each item states its ``custom_id`` format once, as a class keyword::

    class VoteButton(RestartProofItem[discord.ui.Button[Any]], custom_id="filmbot:poll:vote:{poll}:{option}"):
        def __init__(self, poll: int, option: int) -> None:
            super().__init__(discord.ui.Button(label="Vote", custom_id=self.make_id(poll=poll, option=option)))
            ...

        async def handle(self, interaction: discord.Interaction[FilmBot]) -> None:
            ...

and everything else is derived from that one string: the template discord.py matches, parsing a clicked
id back into fields (``from_custom_id`` calls ``cls(**fields)``; override ``from_fields`` when the item
needs more), building ids (``make_id``, checked against the template and Discord's 100-character limit),
and answering errors through the one error path (``handle`` runs inside ``answering_errors``).

Format fields: ``{name}`` is a whole number (``\\d+``, given to the item as an ``int``); ``{name:PATTERN}``
matches the regular expression PATTERN and is given as a ``str``, unless PATTERN starts with ``\\d``
(digits only), when it is an ``int`` again. A format once shipped must keep matching every id it made:
messages posted by an earlier version carry them (``tests/ui/test_upgrade.py`` clicks the old ones).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

import discord

from bot.ui.answers import answering_errors

V = TypeVar("V", bound=discord.ui.Item[Any])
ItemT = TypeVar("ItemT", bound="RestartProofItem[Any]")

# Discord's limit on a component's custom_id.
CUSTOM_ID_LIMIT = 100
_FIELD = re.compile(r"\{([a-z_][a-z0-9_]*)(?::)?")


@dataclass(frozen=True, slots=True)
class _Field:
    name: str
    pattern: str

    @property
    def numeric(self) -> bool:
        return self.pattern.startswith(r"\d")


@dataclass(frozen=True, slots=True)
class IdFormat:
    """A parsed custom_id format: the regular expression, its fields, and the text around them."""

    regex: str
    fields: tuple[_Field, ...]
    parts: tuple[str | _Field, ...]  # literal text and fields, in order

    def build(self, owner: str, compiled: re.Pattern[str], values: dict[str, object]) -> str:
        """The custom_id for ``values`` (every field, nothing else), checked against ``compiled`` and
        Discord's 100-character limit; ``owner`` names the item or modal in errors."""
        names = {f.name for f in self.fields}
        if set(values) != names:
            raise TypeError(f"{owner}.make_id needs exactly {sorted(names)}, got {sorted(values)}")
        text = "".join(p if isinstance(p, str) else str(values[p.name]) for p in self.parts)
        if len(text) > CUSTOM_ID_LIMIT:
            raise ValueError(f"{owner} custom_id is over {CUSTOM_ID_LIMIT} characters: {text!r}")
        if not compiled.fullmatch(text):
            raise ValueError(f"{owner} custom_id {text!r} does not match {compiled.pattern!r}")
        return text

    def values(self, match: re.Match[str]) -> dict[str, Any]:
        """A matched id's fields: ints where the format says digits, else strings."""
        return {f.name: int(match[f.name]) if f.numeric else match[f.name] for f in self.fields}


def parse_format(fmt: str) -> IdFormat:
    """Parse a custom_id format. Braces inside a field's pattern may nest (``{key:[0-9a-f]{16}}``)."""
    regex: list[str] = []
    fields: list[_Field] = []
    parts: list[str | _Field] = []
    i = 0
    while i < len(fmt):
        if fmt[i] != "{":
            if fmt[i] == "}":
                raise ValueError(f"unmatched '}}' in custom_id format {fmt!r}")
            regex.append(re.escape(fmt[i]))
            if parts and isinstance(parts[-1], str):
                parts[-1] += fmt[i]
            else:
                parts.append(fmt[i])
            i += 1
            continue
        match = _FIELD.match(fmt, i)
        if match is None:
            raise ValueError(f"bad field at {i} in custom_id format {fmt!r}")
        name, end = match.group(1), match.end()
        if fmt[end - 1] == ":":
            depth, j = 1, end
            while j < len(fmt) and depth:
                depth += {"{": 1, "}": -1}.get(fmt[j], 0)
                j += 1
            if depth:
                raise ValueError(f"unclosed field {name!r} in custom_id format {fmt!r}")
            pattern, i = fmt[end : j - 1], j
        elif end < len(fmt) and fmt[end] == "}":
            pattern, i = r"\d+", end + 1
        else:
            raise ValueError(f"bad field {name!r} in custom_id format {fmt!r}")
        if any(f.name == name for f in fields):
            raise ValueError(f"field {name!r} appears twice in custom_id format {fmt!r}")
        fields.append(_Field(name, pattern))
        parts.append(fields[-1])
        regex.append(f"(?P<{name}>{pattern})")
    return IdFormat("".join(regex), tuple(fields), tuple(parts))


class RestartProofItem(discord.ui.DynamicItem[V], template=r"(?!)"):
    """Base of every restart-proof item; subclasses pass ``custom_id="filmbot:<feature>:…"``."""

    custom_id_format: ClassVar[str]
    _format: ClassVar[IdFormat]

    def __init_subclass__(cls, *, custom_id: str | None = None, **kwargs: Any) -> None:
        if custom_id is None:
            # An intermediate base (shared behaviour for several items): no format of its own.
            super().__init_subclass__(template=r"(?!)", **kwargs)
            return
        cls._format = parse_format(custom_id)
        super().__init_subclass__(template=re.compile(cls._format.regex), **kwargs)
        cls.custom_id_format = custom_id

    @classmethod
    def make_id(cls, **values: object) -> str:
        """This item's custom_id for ``values`` (every field named in the format, nothing else)."""
        return cls._format.build(cls.__name__, cls.__discord_ui_compiled_template__, values)

    @classmethod
    def parse_id(cls, custom_id: str) -> dict[str, Any] | None:
        """The fields of a custom_id this item made (ints where the format says digits), or None."""
        match = cls.__discord_ui_compiled_template__.fullmatch(custom_id)
        return None if match is None else cls._values(match)

    @classmethod
    def _values(cls, match: re.Match[str]) -> dict[str, Any]:
        return cls._format.values(match)

    @classmethod
    async def from_custom_id(
        cls: type[ItemT],
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> ItemT:
        return await cls.from_fields(interaction, item, **cls._values(match))

    @classmethod
    async def from_fields(
        cls: type[ItemT], interaction: discord.Interaction[Any], item: discord.ui.Item[Any], /, **fields: Any
    ) -> ItemT:
        """Rebuild the item from a clicked id's fields; override when it needs the clicked component too."""
        return cls(**fields)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await answering_errors(interaction, self.handle(interaction))

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        """What the item does when used; errors are answered to the member through the one error path."""
        raise NotImplementedError
