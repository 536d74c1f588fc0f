"""Reading a typed slash command line (``/rate film:100-meters score:8``) against the bot's command tree.

Named options use Discord's ``name:value`` form; text before the first named option fills the first
option not given by name, so ``/film 100 meters`` works as typed. Checks mirror what Discord's own
client enforces before it sends a command: known command, required options, choices, types and ranges.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from discord import AppCommandOptionType, app_commands

from bot import parsing
from bot.errors import BadInput, NotFound

# The longest text Discord accepts in a string option that sets no max_length.
STRING_MAX = 6000
_TRUE = {"true", "yes", "y", "1", "on"}
_FALSE = {"false", "no", "n", "0", "off"}


@dataclass(frozen=True, slots=True)
class Invocation:
    command: app_commands.Command[Any, ..., Any]
    path: tuple[str, ...]
    options: dict[str, tuple[AppCommandOptionType, Any]]
    # An autocomplete request: the option being typed (its value is the text so far, unchecked).
    focused: str | None = None

    def data(self) -> dict[str, Any]:
        """The interaction's ``data``: options nested under subcommand groups as Discord sends them."""
        leaf: list[dict[str, Any]] = [
            {"name": name, "type": kind.value, "value": value}
            | ({"focused": True} if name == self.focused else {})
            for name, (kind, value) in self.options.items()
        ]
        for depth in range(len(self.path) - 1, 0, -1):
            kind = (
                AppCommandOptionType.subcommand
                if depth == len(self.path) - 1
                else AppCommandOptionType.subcommand_group
            )
            leaf = [{"name": self.path[depth], "type": kind.value, "options": leaf}]
        return {"id": "0", "name": self.path[0], "type": 1, "options": leaf}


def _command_names(tree: app_commands.CommandTree[Any]) -> list[str]:
    return sorted(
        c.name
        for c in tree.get_commands(type=None)
        if isinstance(c, app_commands.Command | app_commands.Group)
    )


def parse(tree: app_commands.CommandTree[Any], line: str) -> Invocation:
    text = line.strip()
    if not text.startswith("/"):
        raise BadInput("A command starts with '/', like: /film 100-meters")
    words = text[1:].split(maxsplit=1)
    if not words:
        raise BadInput("Type a command after '/', like: /film 100-meters")
    name, rest = words[0].lower(), (words[1] if len(words) > 1 else "")
    node = tree.get_command(name)
    if node is None:
        raise NotFound(f"Unknown command /{name}.", hints=[f"/{n}" for n in _command_names(tree)])
    path = [name]
    while isinstance(node, app_commands.Group):
        parts = rest.split(maxsplit=1)
        sub = node.get_command(parts[0].lower()) if parts else None
        if sub is None:
            choices = sorted(c.name for c in node.commands)
            raise BadInput(
                f"/{' '.join(path)} needs a subcommand.", hints=[f"/{' '.join(path)} {c}" for c in choices]
            )
        path.append(sub.name)
        node, rest = sub, (parts[1] if len(parts) > 1 else "")
    assert isinstance(node, app_commands.Command)
    return Invocation(node, tuple(path), _converted(node, _given(node, rest)))


def invocation(
    tree: app_commands.CommandTree[Any],
    path: Sequence[str],
    given: Mapping[str, str],
    *,
    focused: str | None = None,
) -> Invocation:
    """The command at ``path`` (``("poll", "create")``) with option values typed one by one, checked as
    Discord's client checks them; for callers that have the values already apart (the fuzz run).

    With ``focused``, an autocomplete request while that option is typed: Discord sends its text so far as
    it is, and the options not filled in yet are simply absent."""
    node: Any = tree.get_command(path[0])
    for name in path[1:]:
        node = node.get_command(name) if isinstance(node, app_commands.Group) else None
    if not isinstance(node, app_commands.Command):
        raise NotFound(f"Unknown command /{' '.join(path)}.")
    if focused is None:
        return Invocation(node, tuple(path), _converted(node, dict(given)))
    params = {p.display_name: p for p in node.parameters}
    others = {name: value for name, value in given.items() if name != focused and name in params}
    options = {name: (params[name].type, _convert(params[name], value)) for name, value in others.items()}
    options[focused] = (params[focused].type, given[focused])
    return Invocation(node, tuple(path), options, focused)


def _usage(command: app_commands.Command[Any, ..., Any]) -> str:
    return f"/{command.qualified_name} " + " ".join(
        f"{p.display_name}:…" if p.required else f"[{p.display_name}:…]" for p in command.parameters
    )


def _given(command: app_commands.Command[Any, ..., Any], rest: str) -> dict[str, str]:
    """The typed value of each option in ``rest`` (``name:value`` pairs, or one value for the first)."""
    params = {p.display_name: p for p in command.parameters}
    usage = _usage(command)
    if params:
        names = "|".join(re.escape(n) for n in sorted(params, key=len, reverse=True))
        pieces = re.split(rf"(?:^|\s)({names}):", rest)
    else:
        pieces = [rest]
    given: dict[str, str] = {}
    positional = pieces[0].strip()
    for index in range(1, len(pieces), 2):
        key, value = pieces[index], pieces[index + 1].strip()
        if key in given:
            raise BadInput(f"The option {key} is given twice.", hints=[usage])
        given[key] = _unquote(value)
    if positional:
        free = next((n for n in params if n not in given), None)
        if free is None:
            raise BadInput(f"Not sure what “{positional[:80]}” is for.", hints=[usage])
        given[free] = _unquote(positional)
    return given


def _converted(
    command: app_commands.Command[Any, ..., Any], given: dict[str, str]
) -> dict[str, tuple[AppCommandOptionType, Any]]:
    params = {p.display_name: p for p in command.parameters}
    unknown = [n for n in given if n not in params]
    if unknown:
        raise BadInput(
            f"/{command.qualified_name} has no option {', '.join(unknown)}.", hints=[_usage(command)]
        )
    missing = [n for n, p in params.items() if p.required and n not in given]
    if missing:
        raise BadInput(f"Missing required option: {', '.join(missing)}.", hints=[_usage(command)])
    return {name: (params[name].type, _convert(params[name], value)) for name, value in given.items()}


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def _convert(param: app_commands.Parameter, raw: str) -> Any:
    if param.choices:
        return _choice(param, raw)
    kind = param.type
    if kind is AppCommandOptionType.string:
        return _string(param, raw)
    if kind is AppCommandOptionType.boolean:
        return _boolean(param, raw)
    if kind in (AppCommandOptionType.integer, AppCommandOptionType.number):
        return _number(param, raw)
    raise BadInput(
        f"{param.display_name} takes a Discord {kind.name}, which offline ask cannot pick; try it on Discord."
    )


def _choice(param: app_commands.Parameter, raw: str) -> Any:
    for choice in param.choices:
        if raw.casefold() in (choice.name.casefold(), str(choice.value).casefold()):
            return choice.value
    raise BadInput(
        f"{param.display_name} must be one of the listed choices.", hints=[c.name for c in param.choices]
    )


def _string(param: app_commands.Parameter, raw: str) -> str:
    name = param.display_name
    # For strings, discord.py keeps min_length/max_length in min_value/max_value; Discord's own cap is 6000.
    if param.min_value is not None and len(raw) < param.min_value:
        raise BadInput(f"{name} must be at least {param.min_value} characters.")
    longest = param.max_value if param.max_value is not None else STRING_MAX
    if len(raw) > longest:
        raise BadInput(f"{name} must be at most {longest} characters.")
    return raw


def _boolean(param: app_commands.Parameter, raw: str) -> bool:
    if raw.casefold() in _TRUE:
        return True
    if raw.casefold() in _FALSE:
        return False
    raise BadInput(f"{param.display_name} must be True or False.")


def _number(param: app_commands.Parameter, raw: str) -> int | float:
    """As Discord's client reads a number option: ASCII digits, within the option's bounds or Discord's."""
    low = param.min_value if param.min_value is not None else -parsing.DISCORD_INTEGER_MAX
    high = param.max_value if param.max_value is not None else parsing.DISCORD_INTEGER_MAX
    if param.type is AppCommandOptionType.integer:
        return parsing.whole_number(raw, int(low), int(high), what=param.display_name)
    return parsing.number(raw, low, high, what=param.display_name)
