"""Validation of guild scheduled events and thread creation bodies."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .. import limits as L
from ..snowflakes import parse_iso
from .core import FormErrors, Path, check_choice, check_int, check_snowflake, check_str, is_dict, required

VOICE_TYPES = {L.EVENT_ENTITY_STAGE: 13, L.EVENT_ENTITY_VOICE: 2}
STATUS_TRANSITIONS = {1: {1, 2, 4}, 2: {2, 3}, 3: {3}, 4: {4}}


def _time(errs: FormErrors, path: Path, value: Any) -> dt.datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        errs.add(path, "DATE_TIME_TYPE_PARSE", f"Could not parse {value}. Should be ISO8601.")
        return None
    try:
        return parse_iso(value)
    except ValueError:
        errs.add(path, "DATE_TIME_TYPE_PARSE", f"Could not parse {value}. Should be ISO8601.")
        return None


def validate_scheduled_event(
    payload: Any,
    *,
    existing: dict[str, Any] | None,
    channel_types: dict[int, int],
    now: dt.datetime | None = None,
) -> FormErrors:
    """Validate a create (``existing`` is None) or modify body; ``channel_types`` maps guild channel ids to types."""
    errs = FormErrors()
    if not is_dict(errs, (), payload):
        return errs
    now = now or dt.datetime.now(dt.UTC)
    creating = existing is None
    merged = dict(existing or {})
    merged.update(payload)
    check_str(errs, ("name",), payload.get("name"), min_len=1, max_len=L.EVENT_NAME_MAX, required_=creating)
    check_str(errs, ("description",), payload.get("description"), max_len=L.EVENT_DESCRIPTION_MAX)
    check_choice(
        errs,
        ("privacy_level",),
        payload.get("privacy_level"),
        [L.EVENT_PRIVACY_GUILD_ONLY],
        required_=creating,
    )
    check_choice(errs, ("entity_type",), payload.get("entity_type"), [1, 2, 3], required_=creating)
    _check_times(errs, payload, merged, creating=creating, now=now)
    entity_type = merged.get("entity_type")
    if entity_type == L.EVENT_ENTITY_EXTERNAL:
        _check_external(errs, merged)
    elif entity_type in VOICE_TYPES:
        _check_voice(errs, payload, merged, entity_type, channel_types)
    _check_status(errs, payload, existing)
    return errs


def _check_times(
    errs: FormErrors, payload: dict[str, Any], merged: dict[str, Any], *, creating: bool, now: dt.datetime
) -> None:
    """The start (required on create, not in the past while scheduled) and the end (after the start)."""
    start = _time(errs, ("scheduled_start_time",), payload.get("scheduled_start_time"))
    if creating and payload.get("scheduled_start_time") is None:
        required(errs, ("scheduled_start_time",))
    if start is not None and start <= now and (creating or merged.get("status") == 1):
        errs.add(
            ("scheduled_start_time",),
            "GUILD_SCHEDULED_EVENT_SCHEDULED_START_TIME_IN_PAST",
            "Cannot schedule event in the past.",
        )
    end = _time(errs, ("scheduled_end_time",), payload.get("scheduled_end_time"))
    start_eff = start or _time(errs, ("scheduled_start_time",), merged.get("scheduled_start_time"))
    if end is not None and start_eff is not None and end <= start_eff:
        errs.add(
            ("scheduled_end_time",),
            "GUILD_SCHEDULED_EVENT_END_BEFORE_START",
            "Cannot schedule event to end before starting.",
        )


def _check_external(errs: FormErrors, merged: dict[str, Any]) -> None:
    """An external event: a location and an end time, no channel."""
    meta = merged.get("entity_metadata")
    if not isinstance(meta, dict) or meta.get("location") is None:
        required(errs, ("entity_metadata", "location"))
    else:
        check_str(
            errs,
            ("entity_metadata", "location"),
            meta.get("location"),
            min_len=1,
            max_len=L.EVENT_LOCATION_MAX,
        )
    if merged.get("scheduled_end_time") is None:
        required(errs, ("scheduled_end_time",))
    if merged.get("channel_id") is not None:
        errs.add(
            ("channel_id",),
            "GUILD_SCHEDULED_EVENT_CHANNEL_NOT_ALLOWED",
            "channel_id must be null for external events",
        )


def _check_voice(
    errs: FormErrors,
    payload: dict[str, Any],
    merged: dict[str, Any],
    entity_type: int,
    channel_types: dict[int, int],
) -> None:
    """A stage or voice event: a channel of the matching type, no location."""
    channel_id = check_snowflake(errs, ("channel_id",), merged.get("channel_id"), required_=True)
    if channel_id is not None and channel_types.get(channel_id) != VOICE_TYPES[entity_type]:
        errs.add(
            ("channel_id",),
            "GUILD_SCHEDULED_EVENT_INVALID_CHANNEL",
            "Channel must be a voice channel (entity_type 2) or stage channel (entity_type 1)",
        )
    meta = payload.get("entity_metadata")
    if isinstance(meta, dict) and meta.get("location"):
        errs.add(
            ("entity_metadata", "location"),
            "GUILD_SCHEDULED_EVENT_LOCATION_NOT_ALLOWED",
            "location is only allowed for external events",
        )


def _check_status(errs: FormErrors, payload: dict[str, Any], existing: dict[str, Any] | None) -> None:
    """No status on create; on modify, only the transitions Discord allows."""
    status = check_int(errs, ("status",), payload.get("status"), minimum=1, maximum=4)
    if status is None:
        return
    if existing is None:
        errs.add(("status",), "GUILD_SCHEDULED_EVENT_STATUS_ON_CREATE", "status cannot be set on create")
    elif status not in STATUS_TRANSITIONS[int(existing.get("status", 1))]:
        errs.add(("status",), "GUILD_SCHEDULED_EVENT_INVALID_STATUS_TRANSITION", "Invalid status transition")


def validate_thread(payload: Any, *, with_message: bool) -> FormErrors:
    errs = FormErrors()
    if not is_dict(errs, (), payload):
        return errs
    check_str(errs, ("name",), payload.get("name"), min_len=1, max_len=L.THREAD_NAME_MAX, required_=True)
    duration = payload.get("auto_archive_duration")
    if duration is not None:
        check_choice(errs, ("auto_archive_duration",), duration, sorted(L.THREAD_ARCHIVE_DURATIONS))
    check_int(
        errs,
        ("rate_limit_per_user",),
        payload.get("rate_limit_per_user"),
        minimum=0,
        maximum=L.RATE_LIMIT_PER_USER_MAX,
    )
    if not with_message:
        check_choice(errs, ("type",), payload.get("type", 12), [10, 11, 12])
    return errs
