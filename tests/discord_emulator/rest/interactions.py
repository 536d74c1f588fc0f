"""Interaction callbacks and the interaction webhook (original response and followups)."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web

from .. import limits as L
from ..errors import (
    ALREADY_ACKNOWLEDGED,
    EMPTY_MESSAGE,
    UNKNOWN_INTERACTION,
    UNKNOWN_MESSAGE,
    UNKNOWN_WEBHOOK,
    DiscordHTTPError,
    not_found,
)
from ..messages import Upload, apply_edit, build_message
from ..server import Emulator
from ..state import Interaction
from ..validation import (
    FormErrors,
    is_empty_message,
    validate_autocomplete,
    validate_message,
    validate_modal,
)
from .common import emulator_of, message_delete_event, message_event, no_content, ok, read_body

routes = web.RouteTableDef()
API = "/api/v10"

APPLICATION_COMMAND, MESSAGE_COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 2, 3, 4, 5
CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE = 4, 5, 6, 7
AUTOCOMPLETE_RESULT, MODAL = 8, 9
ALLOWED_CALLBACKS = {
    APPLICATION_COMMAND: {CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, MODAL},
    MESSAGE_COMPONENT: {CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE, MODAL},
    AUTOCOMPLETE: {AUTOCOMPLETE_RESULT},
    MODAL_SUBMIT: {CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE},
}


def _unknown_interaction() -> DiscordHTTPError:
    return DiscordHTTPError(404, UNKNOWN_INTERACTION, "Unknown interaction", violation=True)


def _check_message(payload: Any, uploads: list[Upload], existing: list[dict[str, Any]] | None = None) -> None:
    if not isinstance(payload, dict):
        errs = FormErrors()
        errs.add((), "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType")
        errs.raise_if_any()
    existing_ids = {int(a["id"]) for a in existing or []}
    validate_message(
        payload, uploaded={u.index for u in uploads}, existing_attachments=existing_ids
    ).raise_if_any()
    if existing is None and is_empty_message(payload, len(uploads)):
        raise DiscordHTTPError(400, EMPTY_MESSAGE, "Cannot send an empty message", violation=True)


def _callback_summary(inter: Interaction, message: dict[str, Any] | None) -> dict[str, Any]:
    summary: dict[str, Any] = {"id": str(inter.id), "type": inter.type}
    if message is not None:
        summary["response_message_id"] = message["id"]
        summary["response_message_loading"] = bool(int(message["flags"]) & L.FLAG_LOADING)
        summary["response_message_ephemeral"] = bool(int(message["flags"]) & L.FLAG_EPHEMERAL)
    return summary


@routes.post(API + "/interactions/{interaction_id}/{token}/callback")
async def callback(request: web.Request) -> web.Response:
    emu = emulator_of(request)
    payload, uploads = await read_body(request)
    try:
        inter = emu.state.interactions.get(int(request.match_info["interaction_id"]))
    except ValueError:
        inter = None
    if inter is None or inter.token != request.match_info["token"]:
        raise _unknown_interaction()
    if inter.acknowledged:
        raise DiscordHTTPError(
            400, ALREADY_ACKNOWLEDGED, "Interaction has already been acknowledged.", violation=True
        )
    try:
        ctype, data, message = await _checked_callback(emu, inter, payload, uploads)
    except DiscordHTTPError as exc:
        inter.rejected.append(exc.code)
        inter.answered.set()
        emu.notify()
        raise
    inter.callback_type = ctype
    inter.callback_data = data
    inter.callback_at = asyncio.get_running_loop().time()
    inter.answered.set()
    emu.record(
        "callback",
        interaction_id=inter.id,
        message_id=int(message["id"]) if message else None,
        data={"type": ctype, "data": data},
    )
    if request.query.get("with_response", "").lower() not in ("1", "true"):
        return no_content()
    body: dict[str, Any] = {"interaction": _callback_summary(inter, message)}
    if message is not None:
        body["resource"] = {"type": ctype, "message": message}
    return ok(body)


async def _checked_callback(
    emu: Emulator, inter: Interaction, payload: Any, uploads: list[Upload]
) -> tuple[int, dict[str, Any], dict[str, Any] | None]:
    if asyncio.get_running_loop().time() - inter.dispatched_at > emu.ack_timeout:
        raise _unknown_interaction()
    ctype = payload.get("type") if isinstance(payload, dict) else None
    if ctype not in ALLOWED_CALLBACKS[inter.type] or (
        ctype in (DEFERRED_UPDATE, UPDATE_MESSAGE) and inter.source_message_id is None
    ):
        errs = FormErrors()
        errs.add(
            ("type",),
            "INTERACTION_CALLBACK_TYPE_INVALID",
            f"Callback type {ctype} is not valid for interaction type {inter.type}",
        )
        errs.raise_if_any()
    assert isinstance(ctype, int)
    data = payload.get("data") or {}
    return ctype, data, await _apply_callback(emu, inter, ctype, data, uploads)


async def _apply_callback(
    emu: Emulator, inter: Interaction, ctype: int, data: dict[str, Any], uploads: list[Upload]
) -> dict[str, Any] | None:
    state = emu.state
    channel = state.channels[inter.channel_id]
    message_type = 20 if inter.type == APPLICATION_COMMAND else 0
    if ctype == CHANNEL_MESSAGE:
        _check_message(data, uploads)
        message = build_message(
            state,
            channel=channel,
            payload=data,
            uploads=uploads,
            base_url=emu.base_url,
            author=state.bot,
            interaction=inter,
            message_type=message_type,
        )
        inter.original_message_id = int(message["id"])
        await message_event(emu, "MESSAGE_CREATE", message)
        return message
    if ctype == DEFERRED_CHANNEL_MESSAGE:
        flags = int(data.get("flags") or 0) & L.FLAG_EPHEMERAL
        message = build_message(
            state,
            channel=channel,
            payload={"flags": flags},
            uploads=[],
            base_url=emu.base_url,
            author=state.bot,
            interaction=inter,
            flags_extra=L.FLAG_LOADING,
            message_type=message_type,
        )
        inter.original_message_id = int(message["id"])
        inter.deferred_pending = True
        await message_event(emu, "MESSAGE_CREATE", message)
        return message
    if ctype == UPDATE_MESSAGE:
        source = state.messages.get(inter.source_message_id or 0)
        if source is None:
            raise not_found(UNKNOWN_MESSAGE, "Message")
        _check_message(data, uploads, existing=source["attachments"])
        apply_edit(state, source, data, uploads, emu.base_url)
        await message_event(emu, "MESSAGE_UPDATE", source)
        return source
    if ctype == AUTOCOMPLETE_RESULT:
        validate_autocomplete(data).raise_if_any()
    elif ctype == MODAL:
        validate_modal(data).raise_if_any()
    return None


# -- webhook: original response and followups ----------------------------------------------------
def _webhook_interaction(request: web.Request) -> tuple[Emulator, Interaction]:
    emu = emulator_of(request)
    try:
        app_id = int(request.match_info["app_id"])
    except ValueError:
        app_id = 0
    inter = emu.state.interaction_by_token(request.match_info["token"])
    if app_id != emu.state.application_id or inter is None:
        raise DiscordHTTPError(404, UNKNOWN_WEBHOOK, "Unknown Webhook", violation=True)
    if asyncio.get_running_loop().time() - inter.dispatched_at > emu.webhook_token_ttl:
        raise DiscordHTTPError(401, 50027, "Invalid Webhook Token", violation=True)
    if not inter.acknowledged:
        raise DiscordHTTPError(404, UNKNOWN_WEBHOOK, "Unknown Webhook", violation=True)
    return emu, inter


def _target(emu: Emulator, inter: Interaction, request: web.Request) -> dict[str, Any]:
    raw = request.match_info["message_id"]
    if raw == "@original":
        message_id = inter.original_message_id
        if message_id is None and inter.callback_type in (DEFERRED_UPDATE, UPDATE_MESSAGE):
            message_id = inter.source_message_id
    else:
        try:
            message_id = int(raw)
        except ValueError:
            message_id = None
        owned = {inter.original_message_id, inter.source_message_id, *inter.followup_ids}
        if message_id not in owned:
            message_id = None
    message = emu.state.messages.get(message_id or 0)
    if message is None:
        raise not_found(UNKNOWN_MESSAGE, "Message")
    return message


@routes.get(API + "/webhooks/{app_id}/{token}/messages/{message_id}")
async def get_webhook_message(request: web.Request) -> web.Response:
    emu, inter = _webhook_interaction(request)
    return ok(_target(emu, inter, request))


@routes.patch(API + "/webhooks/{app_id}/{token}/messages/{message_id}")
async def edit_webhook_message(request: web.Request) -> web.Response:
    emu, inter = _webhook_interaction(request)
    payload, uploads = await read_body(request)
    message = _target(emu, inter, request)
    _check_message(payload, uploads, existing=message["attachments"])
    was_loading = bool(int(message["flags"]) & L.FLAG_LOADING)
    apply_edit(emu.state, message, payload, uploads, emu.base_url)
    if was_loading:
        inter.deferred_pending = False
    which = "original" if request.match_info["message_id"] == "@original" else "followup"
    emu.record(
        "edit", interaction_id=inter.id, message_id=int(message["id"]), data={"which": which, **payload}
    )
    await message_event(emu, "MESSAGE_UPDATE", message)
    return ok(message)


@routes.delete(API + "/webhooks/{app_id}/{token}/messages/{message_id}")
async def delete_webhook_message(request: web.Request) -> web.Response:
    emu, inter = _webhook_interaction(request)
    message = _target(emu, inter, request)
    if int(message["flags"]) & L.FLAG_LOADING:
        inter.deferred_pending = False  # a deleted "thinking…" message no longer waits for its answer
    emu.state.messages.pop(int(message["id"]), None)
    emu.record("delete", interaction_id=inter.id, message_id=int(message["id"]))
    await message_delete_event(emu, message)
    return no_content()


@routes.post(API + "/webhooks/{app_id}/{token}")
async def followup(request: web.Request) -> web.Response:
    emu, inter = _webhook_interaction(request)
    payload, uploads = await read_body(request)
    _check_message(payload, uploads)
    state = emu.state
    original = state.messages.get(inter.original_message_id or 0)
    if inter.deferred_pending and original is not None and int(original["flags"]) & L.FLAG_LOADING:
        # The first followup after a deferred response replaces the "thinking…" message.
        payload = {**payload, "flags": int(original["flags"]) & L.FLAG_EPHEMERAL}
        message = apply_edit(state, original, payload, uploads, emu.base_url)
        message["edited_timestamp"] = None
        inter.deferred_pending = False
        await message_event(emu, "MESSAGE_UPDATE", message)
    else:
        channel = state.channels[inter.channel_id]
        message = build_message(
            state,
            channel=channel,
            payload=payload,
            uploads=uploads,
            base_url=emu.base_url,
            author=state.bot,
            interaction=inter,
        )
        inter.followup_ids.append(int(message["id"]))
        await message_event(emu, "MESSAGE_CREATE", message)
    emu.record("followup", interaction_id=inter.id, message_id=int(message["id"]))
    if request.query.get("wait", "").lower() in ("1", "true"):
        return ok(message)
    return no_content()
