"""The default test world: one realistic film-club guild with an owner, a moderator and ordinary members."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from . import permissions as P
from .snowflakes import SnowflakeGenerator, snowflake_at
from .state import GUILD_CATEGORY, GUILD_TEXT, GUILD_VOICE, Channel, Guild, Member, Role, User, WorldState

MODERATOR_PERMISSIONS = (
    P.MANAGE_EVENTS
    | P.MANAGE_MESSAGES
    | P.MANAGE_CHANNELS
    | P.MANAGE_THREADS
    | P.KICK_MEMBERS
    | P.MODERATE_MEMBERS
    | P.VIEW_AUDIT_LOG
    | P.MENTION_EVERYONE
)
# Guilds of a many-guild world were created from 2021-01-01 00:00 UTC on, one per millisecond.
MANY_GUILDS_SINCE_MS = int(dt.datetime(2021, 1, 1, tzinfo=dt.UTC).timestamp() * 1000)
BOT_PERMISSIONS = (
    P.VIEW_CHANNEL
    | P.SEND_MESSAGES
    | P.SEND_MESSAGES_IN_THREADS
    | P.EMBED_LINKS
    | P.ATTACH_FILES
    | P.READ_MESSAGE_HISTORY
    | P.ADD_REACTIONS
    | P.USE_EXTERNAL_EMOJIS
    | P.MANAGE_EVENTS
    | P.CREATE_EVENTS
    | P.MANAGE_MESSAGES
    | P.MANAGE_THREADS
    | P.CREATE_PUBLIC_THREADS
    | P.CREATE_PRIVATE_THREADS
    | P.CONNECT
)


@dataclass
class Club:
    """One film-club guild and its notable objects: an owner, a moderator, members and the usual channels."""

    guild: Guild
    owner: Member
    moderator: Member
    members: list[Member]
    everyone_role: Role
    moderator_role: Role
    bot_role: Role
    channels: dict[str, Channel] = field(default_factory=dict)

    def member(self, who: str | int) -> Member:
        """``"owner"``, ``"moderator"``, ``"member1"``…, a username or a user id, in this guild."""
        if isinstance(who, int):
            return self.guild.members[who]
        if who == "owner":
            return self.owner
        if who in ("moderator", "mod"):
            return self.moderator
        if who.startswith("member") and who[6:].isdigit():
            return self.members[int(who[6:]) - 1]
        for member in self.guild.members.values():
            if who in (member.user.username, member.user.global_name, member.nick):
                return member
        raise KeyError(f"unknown member {who!r} in guild {self.guild.name!r}")

    def shard(self, shard_count: int) -> int:
        return shard_of(self.guild.id, shard_count)


def shard_of(guild_id: int, shard_count: int) -> int:
    """The gateway shard that carries a guild: ``(guild_id >> 22) % shard_count``, as Discord routes it."""
    return (guild_id >> 22) % shard_count


@dataclass
class World:
    """Handles to the notable objects of the world (all also reachable through ``state``).

    ``guild``, ``owner``, ``members``… are the first club's; a world built with ``guild_count=N`` has N
    clubs (``clubs``), spread over gateway shards like guilds created a millisecond apart.
    """

    state: WorldState
    clubs: list[Club]

    @property
    def guild(self) -> Guild:
        return self.clubs[0].guild

    @property
    def owner(self) -> Member:
        return self.clubs[0].owner

    @property
    def moderator(self) -> Member:
        return self.clubs[0].moderator

    @property
    def members(self) -> list[Member]:
        return self.clubs[0].members

    @property
    def everyone_role(self) -> Role:
        return self.clubs[0].everyone_role

    @property
    def moderator_role(self) -> Role:
        return self.clubs[0].moderator_role

    @property
    def bot_role(self) -> Role:
        return self.clubs[0].bot_role

    @property
    def channels(self) -> dict[str, Channel]:
        return self.clubs[0].channels

    @property
    def bot_member(self) -> Member:
        return self.guild.members[self.state.bot.id]

    def club(self, guild: int | Guild | None = None) -> Club:
        """The club of ``guild`` (a guild id or Guild); None: the first."""
        if guild is None:
            return self.clubs[0]
        wanted = guild.id if isinstance(guild, Guild) else guild
        for club in self.clubs:
            if club.guild.id == wanted:
                return club
        raise KeyError(f"no guild {wanted} in this world")

    def clubs_on_shard(self, shard_id: int, shard_count: int) -> list[Club]:
        return [club for club in self.clubs if club.shard(shard_count) == shard_id]

    def member(self, who: str | int | Member, guild: int | Guild | None = None) -> Member:
        """Resolve ``"owner"``, ``"moderator"``, ``"member1"``…, a username, a user id or a Member."""
        if isinstance(who, Member):
            return who
        return self.club(guild).member(who)

    def channel(self, which: str | int | Channel, guild: int | Guild | None = None) -> Channel:
        if isinstance(which, Channel):
            return which
        if isinstance(which, int):
            return self.state.channels[which]
        return self.club(guild).guild.channel_named(which.lstrip("#"))


def build_default_world(
    token: str = "test-token", *, bot_name: str = "filmbot", member_count: int = 4, guild_count: int = 1
) -> World:
    """One film club (``guild_count`` of them: "Film Club", "Film Club 2"…), each with its own members."""
    ids = SnowflakeGenerator()
    bot = User(ids.next(), bot_name, None, bot=True)
    state = WorldState(ids=ids, bot=bot, token=token)
    clubs = []
    for index in range(guild_count):
        # One guild: a fresh id, as always. Several: created a millisecond apart long ago, so that
        # ``(id >> 22) % shard_count`` deals them out over the shards in turn, the same way every run.
        guild_id = ids.next() if guild_count == 1 else snowflake_at(MANY_GUILDS_SINCE_MS + index, index)
        name = "Film Club" if index == 0 else f"Film Club {index + 1}"
        clubs.append(_build_club(state, guild_id, name, member_count))
    return World(state=state, clubs=clubs)


def _build_club(state: WorldState, guild_id: int, name: str, member_count: int) -> Club:
    ids, bot = state.ids, state.bot
    people = [User(ids.next(), "olivia", "Olivia (owner)"), User(ids.next(), "morgan", "Morgan (mod)")]
    names = ["alice", "bruno", "chiara", "dmitri", "eun-ji", "farah", "gus", "hana"]
    people += [
        User(ids.next(), names[i % len(names)], names[i % len(names)].title()) for i in range(member_count)
    ]
    guild = Guild(id=guild_id, name=name, owner_id=people[0].id)
    everyone = Role(guild_id, "@everyone", P.EVERYONE_DEFAULT, position=0)
    regular = Role(ids.next(), "Film Buff", 0, position=1, color=0x3498DB, mentionable=True)
    moderator_role = Role(
        ids.next(), "Moderator", MODERATOR_PERMISSIONS, position=3, color=0xE67E22, hoist=True
    )
    bot_role = Role(ids.next(), bot.username, BOT_PERMISSIONS, position=2, managed=True, bot_id=bot.id)
    for role in (everyone, regular, moderator_role, bot_role):
        guild.roles[role.id] = role

    def add_channel(name: str, ctype: int, parent: int | None = None, **extra: Any) -> Channel:
        channel = Channel(
            ids.next(), ctype, name, guild_id, position=len(guild.channels), parent_id=parent, **extra
        )
        guild.channels[channel.id] = channel
        return channel

    text_cat = add_channel("Text Channels", GUILD_CATEGORY)
    voice_cat = add_channel("Voice Channels", GUILD_CATEGORY)
    channels = {
        "general": add_channel("general", GUILD_TEXT, text_cat.id, topic="Talk about anything film"),
        "film-night": add_channel("film-night", GUILD_TEXT, text_cat.id, topic="Weekly screenings"),
        "spoilers": add_channel("spoilers", GUILD_TEXT, text_cat.id, topic="Spoilers allowed here"),
        "mod-log": add_channel(
            "mod-log",
            GUILD_TEXT,
            text_cat.id,
            overwrites=[
                {"id": str(guild_id), "type": 0, "allow": "0", "deny": str(P.VIEW_CHANNEL)},
                {"id": str(moderator_role.id), "type": 0, "allow": str(P.VIEW_CHANNEL), "deny": "0"},
                {"id": str(bot_role.id), "type": 0, "allow": str(P.VIEW_CHANNEL), "deny": "0"},
            ],
        ),
        "Screening Room": add_channel("Screening Room", GUILD_VOICE, voice_cat.id),
    }
    members = [Member(user, []) for user in people]
    members[1].roles.append(moderator_role.id)
    for member in members[2:]:
        member.roles.append(regular.id)
    members.append(Member(bot, [bot_role.id]))
    for member in members:
        guild.members[member.user.id] = member
    state.add_guild(guild)
    return Club(
        guild=guild,
        owner=members[0],
        moderator=members[1],
        members=members[2:-1],
        everyone_role=everyone,
        moderator_role=moderator_role,
        bot_role=bot_role,
        channels=channels,
    )
