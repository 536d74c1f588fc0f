"""Turns Python keyword arguments into typed application-command options, as the Discord client would."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .payloads import resolved_member
from .state import Channel, Role, User

if TYPE_CHECKING:
    from .world import World

SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER, ATTACHMENT = 3, 4, 5, 6, 7, 8, 9, 10, 11


# Option types whose value is a plain Python conversion of what the test passed.
_SCALARS: dict[int, Callable[[Any], Any]] = {STRING: str, INTEGER: int, NUMBER: float, BOOLEAN: bool}


@dataclass
class FileOption:
    """An attachment option value: ``FileOption("poster.png", b"...", "image/png")``."""

    filename: str
    data: bytes
    content_type: str = "application/octet-stream"


class OptionBuilder:
    def __init__(self, world: World, channel: Channel, base_url: str = "https://cdn.discordapp.com") -> None:
        self.world = world
        self.channel = channel
        # Members, roles and channels named in options are the channel's guild's.
        self.guild = world.state.guilds.get(channel.guild_id or 0, world.guild)
        # Where attachment options are served: the emulator's own /attachments route, so a bot can read them.
        self.base_url = base_url
        self.resolved: dict[str, dict[str, Any]] = {}

    def _resolve(self, kind: str, ident: int, data: dict[str, Any]) -> None:
        self.resolved.setdefault(kind, {})[str(ident)] = data

    def _role(self, value: Any) -> Role | None:
        if isinstance(value, Role):
            return value
        for role in self.guild.roles.values():
            if value in (role.name, role.id, str(role.id)):
                return role
        return None

    def convert(self, definition: dict[str, Any], value: Any) -> Any:
        otype = definition["type"]
        if definition.get("choices"):
            return self._choice(definition, value)
        scalar = _SCALARS.get(otype)
        if scalar is not None:
            return scalar(value)
        if otype in (USER, MENTIONABLE):
            return self._user_or_role(value, mentionable=otype == MENTIONABLE)
        if otype == CHANNEL:
            return self._channel(value)
        if otype == ROLE:
            return self._role_option(value)
        if otype == ATTACHMENT:
            return self._attachment(definition["name"], value)
        raise TypeError(f"unsupported option type {otype}")

    @staticmethod
    def _choice(definition: dict[str, Any], value: Any) -> Any:
        for choice in definition["choices"]:
            if value == choice["value"] or value == choice["name"]:
                return choice["value"]
        allowed = [c["name"] for c in definition["choices"]]
        raise ValueError(f"option {definition['name']!r} only offers the choices {allowed}, not {value!r}")

    def _user_or_role(self, value: Any, *, mentionable: bool) -> str:
        role = self._role(value) if mentionable else None
        if role is not None:
            self._resolve("roles", role.id, role.to_dict())
            return str(role.id)
        if isinstance(value, User):
            value = value.id
        member = self.world.member(value, self.guild.id)
        self._resolve("users", member.user.id, member.user.to_dict())
        self._resolve("members", member.user.id, resolved_member(self.guild, member, self.channel))
        return str(member.user.id)

    def _channel(self, value: Any) -> str:
        channel = self.world.channel(value, self.guild.id)
        data = channel.to_dict()
        data["permissions"] = str(self.guild.channel_permissions(self.world.state.bot.id, channel.id))
        self._resolve("channels", channel.id, data)
        return str(channel.id)

    def _role_option(self, value: Any) -> str:
        role = self._role(value)
        if role is None:
            raise ValueError(f"no role {value!r}")
        self._resolve("roles", role.id, role.to_dict())
        return str(role.id)

    def _attachment(self, name: str, value: Any) -> str:
        if not isinstance(value, FileOption):
            raise TypeError(f"option {name!r} needs a FileOption")
        ident = self.world.state.ids.next()
        self.world.state.files[ident] = value.data
        url = f"{self.base_url}/attachments/{self.channel.id}/{ident}/{value.filename}"
        self._resolve(
            "attachments",
            ident,
            {
                "id": str(ident),
                "filename": value.filename,
                "size": len(value.data),
                "url": url,
                "proxy_url": url,
                "content_type": value.content_type,
                "ephemeral": True,
            },
        )
        return str(ident)

    def build(
        self,
        definitions: list[dict[str, Any]],
        path: list[str],
        values: dict[str, Any],
        *,
        focused: str | None = None,
        command: str = "",
    ) -> list[dict[str, Any]]:
        """Options for ``path`` (sub-command names) and ``values``; ``focused`` marks the autocomplete option."""
        subs = [d for d in definitions if d["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP)]
        if subs:
            if not path:
                raise TypeError(f"/{command} needs a sub-command: {[d['name'] for d in subs]}")
            head, *rest = path
            for sub in subs:
                if sub["name"] == head:
                    inner = self.build(
                        sub.get("options") or [], rest, values, focused=focused, command=f"{command} {head}"
                    )
                    return [{"type": sub["type"], "name": head, "options": inner}]
            raise TypeError(f"/{command} has no sub-command {head!r}: {[d['name'] for d in subs]}")
        if path:
            raise TypeError(f"/{command} has no sub-commands (got {path})")
        known = {d["name"] for d in definitions}
        unknown = set(values) - known
        if unknown:
            raise TypeError(f"/{command} has no option(s) {sorted(unknown)}; it has {sorted(known)}")
        options = []
        for definition in definitions:
            name = definition["name"]
            if name == focused:
                options.append(
                    {
                        "type": definition["type"],
                        "name": name,
                        "value": str(values.get(name, "")),
                        "focused": True,
                    }
                )
            elif name in values:
                options.append(
                    {
                        "type": definition["type"],
                        "name": name,
                        "value": self.convert(definition, values[name]),
                    }
                )
            elif definition.get("required") and focused is None:
                raise TypeError(f"/{command} needs the required option {name!r}")
        return options
