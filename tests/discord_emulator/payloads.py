"""INTERACTION_CREATE payloads as Discord sends them (member with permissions, channel object, resolved data)."""

from __future__ import annotations

import base64
import secrets
from typing import Any

from .state import Channel, Guild, Member, Role, WorldState

ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024


def new_token(interaction_id: int) -> str:
    prefix = base64.urlsafe_b64encode(f"interaction:{interaction_id}:".encode()).decode().rstrip("=")
    return prefix + secrets.token_urlsafe(96)


def member_payload(guild: Guild, member: Member, channel: Channel) -> dict[str, Any]:
    data = member.to_dict()
    data["permissions"] = str(guild.channel_permissions(member.user.id, channel.id))
    return data


def resolved_member(guild: Guild, member: Member, channel: Channel) -> dict[str, Any]:
    data = member.to_dict(with_user=False)
    data["permissions"] = str(guild.channel_permissions(member.user.id, channel.id))
    return data


def channel_payload(state: WorldState, channel: Channel, member: Member | None) -> dict[str, Any]:
    data = channel.to_dict()
    guild = state.guild_of(channel.id)
    if guild is not None and member is not None:
        data["permissions"] = str(guild.channel_permissions(member.user.id, channel.id))
    return data


def role_payload(role: Role) -> dict[str, Any]:
    return role.to_dict()


def interaction_payload(
    state: WorldState,
    *,
    interaction_id: int,
    token: str,
    itype: int,
    data: dict[str, Any],
    member: Member,
    channel: Channel,
    message: dict[str, Any] | None = None,
    locale: str = "en-US",
) -> dict[str, Any]:
    guild = state.guild_of(channel.id)
    payload: dict[str, Any] = {
        "id": str(interaction_id),
        "application_id": str(state.application_id),
        "type": itype,
        "data": data,
        "channel": channel_payload(state, channel, member),
        "channel_id": str(channel.id),
        "token": token,
        "version": 1,
        "locale": locale,
        "entitlements": [],
        "entitlement_sku_ids": [],
        "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
    }
    if guild is not None:
        payload.update(
            guild_id=str(guild.id),
            guild={"id": str(guild.id), "locale": guild.locale, "features": ["COMMUNITY", "NEWS"]},
            guild_locale=guild.locale,
            member=member_payload(guild, member, channel),
            app_permissions=str(guild.channel_permissions(state.bot.id, channel.id)),
            authorizing_integration_owners={"0": str(guild.id)},
            context=0,
        )
    else:
        payload.update(
            user=member.user.to_dict(),
            app_permissions=str((1 << 51) - 1),
            authorizing_integration_owners={"0": "0"},
            context=1,
        )
    if message is not None:
        payload["message"] = message
    return payload
