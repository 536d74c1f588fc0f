"""The default test world: one realistic film-club guild with an owner, a moderator and ordinary members."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from . import permissions as P
from .snowflakes import SnowflakeGenerator
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
class World:
    """Handles to the notable objects of the default world (all also reachable through ``state``)."""

    state: WorldState
    guild: Guild
    owner: Member
    moderator: Member
    members: list[Member]
    everyone_role: Role
    moderator_role: Role
    bot_role: Role
    channels: dict[str, Channel] = field(default_factory=dict)

    @property
    def bot_member(self) -> Member:
        return self.guild.members[self.state.bot.id]

    def member(self, who: str | int | Member) -> Member:
        """Resolve ``"owner"``, ``"moderator"``, ``"member1"``…, a username, a user id or a Member."""
        if isinstance(who, Member):
            return who
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
        raise KeyError(f"unknown member {who!r}")

    def channel(self, which: str | int | Channel) -> Channel:
        if isinstance(which, Channel):
            return which
        if isinstance(which, int):
            return self.state.channels[which]
        return self.guild.channel_named(which.lstrip("#"))


def build_default_world(
    token: str = "test-token", *, bot_name: str = "filmbot", member_count: int = 4
) -> World:
    ids = SnowflakeGenerator()
    bot = User(ids.next(), bot_name, None, bot=True)
    state = WorldState(ids=ids, bot=bot, token=token)
    guild_id = ids.next()
    people = [User(ids.next(), "olivia", "Olivia (owner)"), User(ids.next(), "morgan", "Morgan (mod)")]
    names = ["alice", "bruno", "chiara", "dmitri", "eun-ji", "farah", "gus", "hana"]
    people += [
        User(ids.next(), names[i % len(names)], names[i % len(names)].title()) for i in range(member_count)
    ]
    guild = Guild(id=guild_id, name="Film Club", owner_id=people[0].id)
    everyone = Role(guild_id, "@everyone", P.EVERYONE_DEFAULT, position=0)
    regular = Role(ids.next(), "Film Buff", 0, position=1, color=0x3498DB, mentionable=True)
    moderator_role = Role(
        ids.next(), "Moderator", MODERATOR_PERMISSIONS, position=3, color=0xE67E22, hoist=True
    )
    bot_role = Role(ids.next(), bot_name, BOT_PERMISSIONS, position=2, managed=True, bot_id=bot.id)
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
    return World(
        state=state,
        guild=guild,
        owner=members[0],
        moderator=members[1],
        members=members[2:-1],
        everyone_role=everyone,
        moderator_role=moderator_role,
        bot_role=bot_role,
        channels=channels,
    )
