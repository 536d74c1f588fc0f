"""The make-believe server a command runs in offline: one owner, a text channel, and nothing else."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any

import discord

from bot.offline._command_line import Invocation
from bot.offline._recorder import APPLICATION_ID

GUILD_ID = "1100000000000000001"
CHANNEL_ID = "1100000000000000002"
MEMBER = {
    "id": "1100000000000000003",
    "username": "you",
    "global_name": "You",
    "discriminator": "0",
    "avatar": None,
}
_interaction_ids = itertools.count(1)


def guild_payload() -> dict[str, Any]:
    return {
        "id": GUILD_ID,
        "name": "Offline film club",
        "owner_id": MEMBER["id"],
        "icon": None,
        "features": [],
        "roles": [
            {"id": GUILD_ID, "name": "@everyone", "permissions": str(discord.Permissions.general().value),
             "position": 0, "color": 0, "hoist": False, "managed": False, "mentionable": False},
        ],
        "channels": [{"id": CHANNEL_ID, "type": 0, "name": "film-talk", "position": 0, "guild_id": GUILD_ID,
                      "permission_overwrites": []}],
        "emojis": [],
        "stickers": [],
        "member_count": 1,
        "preferred_locale": "en-US",
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "mfa_level": 0,
        "nsfw_level": 0,
        "premium_tier": 0,
        "system_channel_flags": 0,
    }  # fmt: skip


def interaction_payload(invocation: Invocation) -> dict[str, Any]:
    number = next(_interaction_ids)
    permissions = str(discord.Permissions.all().value)
    return {
        "id": str(1_200_000_000_000_000_000 + number),
        "application_id": APPLICATION_ID,
        "type": 4 if invocation.focused is not None else 2,
        "token": f"offline-interaction-{number}",
        "version": 1,
        "data": invocation.data(),
        "guild_id": GUILD_ID,
        "channel_id": CHANNEL_ID,
        "channel": {
            "id": CHANNEL_ID,
            "type": 0,
            "name": "film-talk",
            "guild_id": GUILD_ID,
            "permissions": permissions,
        },
        "member": {
            "user": MEMBER,
            "roles": [],
            "joined_at": datetime(2025, 1, 1, tzinfo=UTC).isoformat(),
            "permissions": permissions,
            "deaf": False,
            "mute": False,
            "flags": 0,
        },
        "app_permissions": permissions,
        "locale": "en-US",
        "guild_locale": "en-US",
        "entitlements": [],
        "authorizing_integration_owners": {"0": GUILD_ID},
        "context": 0,
        "attachment_size_limit": 10 * 1024 * 1024,
    }
