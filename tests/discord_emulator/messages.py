"""Builds Discord message objects from request bodies, and applies edits."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from . import limits as L
from .snowflakes import iso, snowflake_time
from .state import Channel, Interaction, User, WorldState


@dataclass
class Upload:
    """One ``files[n]`` part of a multipart request."""

    index: int
    filename: str
    content_type: str
    data: bytes


def _number_components(components: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Discord assigns sequential numeric ``id``s to components that have none."""
    counter = [0]

    def walk(items: list[dict[str, Any]]) -> None:
        for comp in items:
            counter[0] += 1
            comp.setdefault("id", counter[0])
            if isinstance(comp.get("components"), list):
                walk(comp["components"])
            for key in ("accessory", "component"):
                if isinstance(comp.get(key), dict):
                    walk([comp[key]])

    result = copy.deepcopy(components)
    walk(result)
    return result


def _attachments(
    state: WorldState,
    base_url: str,
    channel_id: int,
    payload: dict[str, Any],
    uploads: list[Upload],
    existing: list[dict[str, Any]],
    ephemeral: bool,
) -> list[dict[str, Any]]:
    by_index = {u.index: u for u in uploads}
    old = {int(a["id"]): a for a in existing}
    refs = payload.get("attachments")
    if refs is None:
        refs = [{"id": u.index} for u in uploads]
        kept = list(existing)
    else:
        kept = []
    result = list(kept)
    for ref in refs:
        ident = int(ref.get("id", 0))
        if ident in old and ident not in by_index:
            result.append(old[ident])
            continue
        upload = by_index.get(ident)
        if upload is None:
            continue
        attachment_id = state.ids.next()
        state.files[attachment_id] = upload.data
        filename = ref.get("filename") or upload.filename
        url = f"{base_url}/attachments/{channel_id}/{attachment_id}/{filename}"
        item: dict[str, Any] = {
            "id": str(attachment_id),
            "filename": filename,
            "size": len(upload.data),
            "url": url,
            "proxy_url": url,
            "content_type": upload.content_type,
        }
        if ref.get("description"):
            item["description"] = ref["description"]
        if ephemeral:
            item["ephemeral"] = True
        result.append(item)
    return result


def build_message(
    state: WorldState,
    *,
    channel: Channel,
    payload: dict[str, Any],
    uploads: list[Upload],
    base_url: str,
    author: User,
    interaction: Interaction | None = None,
    flags_extra: int = 0,
    message_type: int = 0,
) -> dict[str, Any]:
    message_id = state.ids.next()
    flags = (int(payload.get("flags") or 0) | flags_extra) & (L.SENDABLE_FLAGS | L.FLAG_LOADING)
    if interaction is None:
        flags &= ~L.FLAG_EPHEMERAL
    ephemeral = bool(flags & L.FLAG_EPHEMERAL)
    message: dict[str, Any] = {
        "type": 0,
        "content": payload.get("content") or "",
        "mentions": [],
        "mention_roles": [],
        "attachments": _attachments(state, base_url, channel.id, payload, uploads, [], ephemeral),
        "embeds": [{"type": "rich", **e} for e in payload.get("embeds") or []],
        "timestamp": iso(snowflake_time(message_id)),
        "edited_timestamp": None,
        "flags": flags,
        "components": _number_components(payload.get("components") or []),
        "id": str(message_id),
        "channel_id": str(channel.id),
        "author": author.to_dict(),
        "pinned": False,
        "mention_everyone": False,
        "tts": bool(payload.get("tts", False)),
    }
    if payload.get("poll"):
        message["poll"] = {**payload["poll"], "results": {"is_finalized": False, "answer_counts": []}}
    if interaction is not None:
        user = state.users[interaction.user_id]
        data = interaction.payload.get("data", {})
        message["type"] = message_type
        message["webhook_id"] = str(state.application_id)
        message["application_id"] = str(state.application_id)
        message["interaction_metadata"] = {
            "id": str(interaction.id),
            "type": interaction.type,
            "user": user.to_dict(),
            "authorizing_integration_owners": {"0": str(interaction.guild_id or 0)},
            **({"name": data["name"], "command_type": 1} if interaction.type == 2 else {}),
            **(
                {"interacted_message_id": str(interaction.source_message_id)}
                if interaction.source_message_id
                else {}
            ),
        }
        if interaction.type == 2:
            message["interaction"] = {
                "id": str(interaction.id),
                "type": 2,
                "name": data.get("name", ""),
                "user": user.to_dict(),
            }
    reference = payload.get("message_reference")
    if isinstance(reference, dict) and reference.get("message_id"):
        referenced = state.messages.get(int(reference["message_id"]))
        message["type"] = 19
        message["message_reference"] = {
            "type": 0,
            "message_id": str(reference["message_id"]),
            "channel_id": str(reference.get("channel_id") or channel.id),
            **({"guild_id": str(channel.guild_id)} if channel.guild_id else {}),
        }
        message["referenced_message"] = copy.deepcopy(referenced)
    state.messages[message_id] = message
    channel.last_message_id = message_id
    return message


def apply_edit(
    state: WorldState,
    message: dict[str, Any],
    payload: dict[str, Any],
    uploads: list[Upload],
    base_url: str,
) -> dict[str, Any]:
    """PATCH semantics: only the given fields change; ``attachments`` lists the attachments to keep."""
    if "content" in payload:
        message["content"] = payload["content"] or ""
    if "embeds" in payload:
        message["embeds"] = [{"type": "rich", **e} for e in payload["embeds"] or []]
    if "components" in payload:
        message["components"] = _number_components(payload["components"] or [])
    if "flags" in payload and payload["flags"] is not None:
        keep = int(message["flags"]) & (L.FLAG_EPHEMERAL | L.FLAG_IS_COMPONENTS_V2)
        message["flags"] = keep | (int(payload["flags"]) & L.FLAG_SUPPRESS_EMBEDS)
    message["flags"] = int(message["flags"]) & ~L.FLAG_LOADING
    if "attachments" in payload or uploads:
        message["attachments"] = _attachments(
            state,
            base_url,
            int(message["channel_id"]),
            payload,
            uploads,
            message["attachments"],
            bool(int(message["flags"]) & L.FLAG_EPHEMERAL),
        )
    message["edited_timestamp"] = iso()
    return message
