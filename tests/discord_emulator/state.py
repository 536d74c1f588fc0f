"""The emulator's world: users, guilds, channels, roles, members, and everything the bot created."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from . import permissions as P
from .snowflakes import SnowflakeGenerator, iso

GUILD_TEXT, DM, GUILD_VOICE, GUILD_CATEGORY, PUBLIC_THREAD, PRIVATE_THREAD, GUILD_STAGE = (
    0,
    1,
    2,
    4,
    11,
    12,
    13,
)
THREAD_TYPES = frozenset({10, 11, 12})
T = TypeVar("T")


def json_copy(value: T) -> T:
    """A deep copy of JSON-shaped data (every message and payload here): several times faster than
    ``copy.deepcopy``, which a burst of a thousand clicks on one message would otherwise spend most of its
    time in."""
    copied: T = json.loads(json.dumps(value))
    return copied


@dataclass
class User:
    id: int
    username: str
    global_name: str | None = None
    bot: bool = False
    dms_open: bool = True

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": str(self.id),
            "username": self.username,
            "discriminator": "0",
            "global_name": self.global_name,
            "avatar": None,
            "avatar_decoration_data": None,
            "banner": None,
            "accent_color": None,
            "public_flags": 0,
            "flags": 0,
            "collectibles": None,
            "primary_guild": None,
        }
        if self.bot:
            data["bot"] = True
        return data


@dataclass
class Role:
    id: int
    name: str
    permissions: int
    position: int = 0
    color: int = 0
    hoist: bool = False
    managed: bool = False
    mentionable: bool = False
    bot_id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": str(self.id),
            "name": self.name,
            "description": None,
            "color": self.color,
            "colors": {"primary_color": self.color, "secondary_color": None, "tertiary_color": None},
            "hoist": self.hoist,
            "icon": None,
            "unicode_emoji": None,
            "position": self.position,
            "permissions": str(self.permissions),
            "managed": self.managed,
            "mentionable": self.mentionable,
            "flags": 0,
        }
        if self.bot_id is not None:
            data["tags"] = {"bot_id": str(self.bot_id)}
        return data


@dataclass
class Member:
    user: User
    roles: list[int]
    joined_at: str = field(default_factory=iso)
    nick: str | None = None

    def to_dict(self, *, with_user: bool = True) -> dict[str, Any]:
        data: dict[str, Any] = {
            "nick": self.nick,
            "avatar": None,
            "banner": None,
            "roles": [str(r) for r in self.roles],
            "joined_at": self.joined_at,
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "communication_disabled_until": None,
        }
        if with_user:
            data["user"] = self.user.to_dict()
        return data


@dataclass
class Channel:
    id: int
    type: int
    name: str | None = None
    guild_id: int | None = None
    position: int = 0
    parent_id: int | None = None
    topic: str | None = None
    nsfw: bool = False
    overwrites: list[dict[str, Any]] = field(default_factory=list)
    recipients: list[User] = field(default_factory=list)
    owner_id: int | None = None
    last_message_id: int | None = None
    archived: bool = False
    auto_archive_duration: int = 4320
    deleted: bool = False

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": str(self.id),
            "type": self.type,
            "last_message_id": str(self.last_message_id) if self.last_message_id else None,
            "flags": 0,
        }
        if self.type == DM:
            data["recipients"] = [u.to_dict() for u in self.recipients]
            return data
        data.update(
            guild_id=str(self.guild_id),
            name=self.name,
            position=self.position,
            parent_id=str(self.parent_id) if self.parent_id else None,
            nsfw=self.nsfw,
            rate_limit_per_user=0,
        )
        if self.type in THREAD_TYPES:
            data.update(
                owner_id=str(self.owner_id) if self.owner_id else None,
                message_count=0,
                member_count=1,
                total_message_sent=0,
                thread_metadata={
                    "archived": self.archived,
                    "auto_archive_duration": self.auto_archive_duration,
                    "archive_timestamp": iso(),
                    "locked": False,
                    "create_timestamp": iso(),
                    **({"invitable": True} if self.type == PRIVATE_THREAD else {}),
                },
            )
            return data
        data["permission_overwrites"] = self.overwrites
        if self.type in (GUILD_TEXT, 5):
            data["topic"] = self.topic
            data["default_auto_archive_duration"] = 4320
        if self.type in (GUILD_VOICE, GUILD_STAGE):
            data.update(bitrate=64000, user_limit=0, rtc_region=None, video_quality_mode=1)
        return data


@dataclass
class Guild:
    id: int
    name: str
    owner_id: int
    roles: dict[int, Role] = field(default_factory=dict)
    channels: dict[int, Channel] = field(default_factory=dict)
    members: dict[int, Member] = field(default_factory=dict)
    locale: str = "en-US"

    def role_permissions(self) -> dict[int, int]:
        return {rid: role.permissions for rid, role in self.roles.items()}

    def base_permissions(self, user_id: int) -> int:
        member = self.members[user_id]
        return P.compute_base(self.id, self.owner_id, user_id, member.roles, self.role_permissions())

    def channel_permissions(self, user_id: int, channel_id: int) -> int:
        channel = self.channels[channel_id]
        if channel.type in THREAD_TYPES and channel.parent_id:
            channel = self.channels[channel.parent_id]
        base = self.base_permissions(user_id)
        return P.apply_overwrites(base, self.id, user_id, self.members[user_id].roles, channel.overwrites)

    def channel_named(self, name: str) -> Channel:
        for channel in self.channels.values():
            if channel.name == name and not channel.deleted:
                return channel
        raise KeyError(f"no channel named {name!r} in guild {self.name!r}")

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": None,
            "owner_id": str(self.owner_id),
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 1,
            "default_message_notifications": 1,
            "explicit_content_filter": 2,
            "roles": [r.to_dict() for r in sorted(self.roles.values(), key=lambda r: r.position)],
            "emojis": [],
            "stickers": [],
            "features": ["COMMUNITY", "NEWS"],
            "mfa_level": 0,
            "application_id": None,
            "system_channel_id": None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "safety_alerts_channel_id": None,
            "vanity_url_code": None,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "preferred_locale": self.locale,
            "max_members": 500000,
            "max_video_channel_users": 25,
            "max_stage_video_channel_users": 50,
            "nsfw_level": 0,
            "premium_progress_bar_enabled": False,
            "region": "deprecated",
            "hub_type": None,
            "incidents_data": None,
        }

    def create_payload(self, *, bot_id: int, all_members: bool) -> dict[str, Any]:
        """GUILD_CREATE body. Without GUILD_MEMBERS, Discord only sends the bot's own member (no voice states here)."""
        members = self.members.values() if all_members else [self.members[bot_id]]
        data = self.to_dict()
        data.update(
            joined_at=self.members[bot_id].joined_at,
            large=False,
            unavailable=False,
            member_count=len(self.members),
            voice_states=[],
            members=[m.to_dict() for m in members],
            channels=[
                c.to_dict() for c in self.channels.values() if c.type not in THREAD_TYPES and not c.deleted
            ],
            threads=[
                c.to_dict() for c in self.channels.values() if c.type in THREAD_TYPES and not c.archived
            ],
            presences=[],
            stage_instances=[],
            guild_scheduled_events=[],
            soundboard_sounds=[],
            embedded_activities=[],
            activity_instances=[],
            application_command_counts={},
            lazy=True,
        )
        return data


@dataclass
class Interaction:
    """One interaction the driver dispatched, and everything the bot did with it."""

    id: int
    token: str
    type: int
    payload: dict[str, Any]
    channel_id: int
    guild_id: int | None
    user_id: int
    dispatched_at: float
    source_message_id: int | None = None
    callback_type: int | None = None
    callback_data: dict[str, Any] | None = None
    callback_at: float | None = None
    original_message_id: int | None = None
    followup_ids: list[int] = field(default_factory=list)
    deferred_pending: bool = False
    rejected: list[int] = field(default_factory=list)  # error codes of callbacks Discord refused
    # Set whenever the bot's callback is accepted or refused: the driver waits on this interaction alone.
    answered: asyncio.Event = field(default_factory=asyncio.Event, repr=False, compare=False)

    @property
    def acknowledged(self) -> bool:
        return self.callback_type is not None

    async def wait_until(self, predicate: Callable[[], object], *, timeout: float, what: str) -> None:  # noqa: ASYNC109
        """Wait until ``predicate()`` holds, woken by this interaction's callbacks; AssertionError on timeout."""
        try:
            async with asyncio.timeout(timeout):
                while not predicate():
                    await self.answered.wait()
                    self.answered.clear()
        except TimeoutError:
            if not predicate():
                raise AssertionError(f"timed out after {timeout:.1f}s waiting for {what}") from None


@dataclass
class WorldState:
    """Everything the emulator knows. Messages, events and commands are plain Discord-shaped dicts."""

    ids: SnowflakeGenerator
    bot: User
    token: str
    guilds: dict[int, Guild] = field(default_factory=dict)
    users: dict[int, User] = field(default_factory=dict)
    channels: dict[int, Channel] = field(default_factory=dict)
    messages: dict[int, dict[str, Any]] = field(default_factory=dict)
    files: dict[int, bytes] = field(default_factory=dict)
    commands: dict[int | None, list[dict[str, Any]]] = field(default_factory=dict)
    scheduled_events: dict[int, dict[str, Any]] = field(default_factory=dict)
    event_subscribers: dict[int, list[int]] = field(default_factory=dict)
    interactions: dict[int, Interaction] = field(default_factory=dict)
    dm_channels: dict[int, int] = field(default_factory=dict)
    reactions: dict[int, dict[str, set[int]]] = field(default_factory=dict)

    @property
    def application_id(self) -> int:
        return self.bot.id

    def add_guild(self, guild: Guild) -> Guild:
        self.guilds[guild.id] = guild
        for channel in guild.channels.values():
            self.channels[channel.id] = channel
        for member in guild.members.values():
            self.users[member.user.id] = member.user
        return guild

    def add_channel(self, channel: Channel) -> Channel:
        self.channels[channel.id] = channel
        if channel.guild_id is not None:
            self.guilds[channel.guild_id].channels[channel.id] = channel
        return channel

    def guild_of(self, channel_id: int) -> Guild | None:
        channel = self.channels.get(channel_id)
        if channel is None or channel.guild_id is None:
            return None
        return self.guilds.get(channel.guild_id)

    def channel_messages(self, channel_id: int) -> list[dict[str, Any]]:
        return [m for m in self.messages.values() if int(m["channel_id"]) == channel_id]

    def interaction_by_token(self, token: str) -> Interaction | None:
        for interaction in self.interactions.values():
            if interaction.token == token:
                return interaction
        return None

    def all_commands(self) -> list[dict[str, Any]]:
        return [c for cmds in self.commands.values() for c in cmds]

    def snapshot_message(self, message_id: int) -> dict[str, Any] | None:
        message = self.messages.get(message_id)
        return None if message is None else json_copy(message)
