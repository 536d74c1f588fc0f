"""Validation of message bodies: content, embeds, allowed_mentions, attachments, polls, flags."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from .. import limits as L
from .components import validate_message_components
from .core import FormErrors, Path, check_int, check_list, check_snowflake, check_str, is_dict


def embed_length(embed: dict[str, Any]) -> int:
    """Characters Discord counts toward the 6,000 total for one embed."""
    total = 0
    for key in ("title", "description"):
        if isinstance(embed.get(key), str):
            total += len(embed[key])
    for field in embed.get("fields") or []:
        if isinstance(field, dict):
            total += len(str(field.get("name") or "")) + len(str(field.get("value") or ""))
    footer = embed.get("footer")
    if isinstance(footer, dict) and isinstance(footer.get("text"), str):
        total += len(footer["text"])
    author = embed.get("author")
    if isinstance(author, dict) and isinstance(author.get("name"), str):
        total += len(author["name"])
    return total


def validate_embed(errs: FormErrors, path: Path, embed: Any) -> None:
    if not is_dict(errs, path, embed):
        return
    check_str(errs, (*path, "title"), embed.get("title"), max_len=L.EMBED_TITLE_MAX)
    check_str(errs, (*path, "description"), embed.get("description"), max_len=L.EMBED_DESCRIPTION_MAX)
    check_str(errs, (*path, "url"), embed.get("url"), max_len=L.EMBED_URL_MAX)
    check_int(errs, (*path, "color"), embed.get("color"), minimum=0, maximum=L.EMBED_COLOR_MAX)
    fields = check_list(errs, (*path, "fields"), embed.get("fields"), max_items=L.EMBED_FIELDS_MAX)
    for index, field in enumerate(fields):
        fpath = (*path, "fields", index)
        if not is_dict(errs, fpath, field):
            continue
        check_str(errs, (*fpath, "name"), field.get("name"), max_len=L.EMBED_FIELD_NAME_MAX, required_=True)
        check_str(
            errs, (*fpath, "value"), field.get("value"), max_len=L.EMBED_FIELD_VALUE_MAX, required_=True
        )
    footer = embed.get("footer")
    if footer is not None and is_dict(errs, (*path, "footer"), footer):
        check_str(
            errs,
            (*path, "footer", "text"),
            footer.get("text"),
            max_len=L.EMBED_FOOTER_TEXT_MAX,
            required_=True,
        )
    author = embed.get("author")
    if author is not None and is_dict(errs, (*path, "author"), author):
        check_str(
            errs,
            (*path, "author", "name"),
            author.get("name"),
            max_len=L.EMBED_AUTHOR_NAME_MAX,
            required_=True,
        )
    for media in ("image", "thumbnail"):
        item = embed.get(media)
        if item is not None and is_dict(errs, (*path, media), item):
            check_str(errs, (*path, media, "url"), item.get("url"), max_len=L.EMBED_URL_MAX, required_=True)


def validate_embeds(errs: FormErrors, embeds: Any) -> None:
    items = check_list(errs, ("embeds",), embeds, max_items=L.EMBEDS_MAX)
    for index, embed in enumerate(items):
        validate_embed(errs, ("embeds", index), embed)
    total = sum(embed_length(e) for e in items if isinstance(e, dict))
    if total > L.EMBED_TOTAL_MAX:
        errs.add(
            ("embeds",), "MAX_EMBED_SIZE_EXCEEDED", f"Embed size exceeds maximum size of {L.EMBED_TOTAL_MAX}"
        )


def validate_allowed_mentions(errs: FormErrors, value: Any) -> None:
    path: Path = ("allowed_mentions",)
    if value is None or not is_dict(errs, path, value):
        return
    parse = check_list(errs, (*path, "parse"), value.get("parse"), max_items=3)
    for index, item in enumerate(parse):
        if item not in L.ALLOWED_MENTIONS_PARSE:
            errs.add(
                (*path, "parse", index),
                "BASE_TYPE_CHOICES",
                "Value must be one of {'roles', 'users', 'everyone'}.",
            )
    for key in ("users", "roles"):
        ids = check_list(errs, (*path, key), value.get(key), max_items=L.ALLOWED_MENTIONS_IDS_MAX)
        for index, item in enumerate(ids):
            check_snowflake(errs, (*path, key, index), item)
        if key in parse and ids:
            errs.add(
                path,
                "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE",
                f'parse:["{key}"] and {key}: [ids] are mutually exclusive.',
            )
    if "replied_user" in value and not isinstance(value["replied_user"], bool):
        errs.add((*path, "replied_user"), "BASE_TYPE_BOOLEAN", "Must be either true or false.")


def validate_attachments(
    errs: FormErrors, value: Any, uploaded: Collection[int], existing: Collection[int] = ()
) -> None:
    """``attachments`` entries must name an uploaded ``files[n]`` index or an attachment already on the message."""
    items = check_list(errs, ("attachments",), value, max_items=L.ATTACHMENTS_MAX)
    for index, item in enumerate(items):
        path: Path = ("attachments", index)
        if not is_dict(errs, path, item):
            continue
        ident = (
            check_snowflake(errs, (*path, "id"), item.get("id"), required_=True) if item.get("id") != 0 else 0
        )
        if ident is None:
            continue
        if ident not in uploaded and ident not in existing:
            errs.add(
                (*path, "id"),
                "ATTACHMENT_NOT_FOUND",
                f"Attachment {ident} was not uploaded with this request.",
            )
        check_str(errs, (*path, "filename"), item.get("filename"), max_len=1024)
        check_str(errs, (*path, "description"), item.get("description"), max_len=L.ATTACHMENT_DESCRIPTION_MAX)


def validate_poll(errs: FormErrors, poll: Any) -> None:
    if poll is None or not is_dict(errs, ("poll",), poll):
        return
    question = poll.get("question")
    if is_dict(errs, ("poll", "question"), question):
        check_str(
            errs,
            ("poll", "question", "text"),
            question.get("text"),
            max_len=L.POLL_QUESTION_MAX,
            required_=True,
        )
    answers = check_list(
        errs,
        ("poll", "answers"),
        poll.get("answers"),
        max_items=L.POLL_ANSWERS_MAX,
        min_items=1,
        required_=True,
    )
    for index, answer in enumerate(answers):
        media = answer.get("poll_media") if isinstance(answer, dict) else None
        if is_dict(errs, ("poll", "answers", index, "poll_media"), media) and isinstance(media, dict):
            check_str(
                errs,
                ("poll", "answers", index, "poll_media", "text"),
                media.get("text"),
                max_len=L.POLL_ANSWER_TEXT_MAX,
            )


def validate_message(
    payload: dict[str, Any],
    *,
    uploaded: Collection[int] = (),
    existing_attachments: Collection[int] = (),
) -> FormErrors:
    """Validate a message create/edit body (channel message, interaction response or webhook)."""
    errs = FormErrors()
    check_str(errs, ("content",), payload.get("content"), max_len=L.CONTENT_MAX)
    flags = check_int(errs, ("flags",), payload.get("flags"), minimum=0) or 0
    if flags & ~L.SENDABLE_FLAGS:
        errs.add(("flags",), "MESSAGE_FLAGS_INVALID", "Invalid message flags")
    components_v2 = bool(flags & L.FLAG_IS_COMPONENTS_V2)
    if components_v2 and (payload.get("content") or payload.get("embeds") or payload.get("poll")):
        errs.add(
            ("content",),
            "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2",
            "The 'content', 'embeds', 'stickers' and 'poll' fields cannot be used with IS_COMPONENTS_V2",
        )
    validate_embeds(errs, payload.get("embeds"))
    validate_allowed_mentions(errs, payload.get("allowed_mentions"))
    validate_message_components(errs, payload.get("components"), components_v2=components_v2)
    validate_attachments(errs, payload.get("attachments"), uploaded, existing_attachments)
    validate_poll(errs, payload.get("poll"))
    check_list(errs, ("sticker_ids",), payload.get("sticker_ids"), max_items=L.STICKERS_MAX)
    if "tts" in payload and not isinstance(payload["tts"], bool):
        errs.add(("tts",), "BASE_TYPE_BOOLEAN", "Must be either true or false.")
    return errs


def is_empty_message(payload: dict[str, Any], file_count: int) -> bool:
    return not (
        payload.get("content")
        or payload.get("embeds")
        or payload.get("components")
        or payload.get("sticker_ids")
        or payload.get("poll")
        or file_count
    )


def validate_autocomplete(data: Any) -> FormErrors:
    errs = FormErrors()
    if not is_dict(errs, ("data",), data):
        return errs
    choices = check_list(
        errs, ("data", "choices"), data.get("choices"), max_items=L.AUTOCOMPLETE_CHOICES_MAX, required_=True
    )
    for index, choice in enumerate(choices):
        path: Path = ("data", "choices", index)
        if not is_dict(errs, path, choice):
            continue
        check_str(
            errs, (*path, "name"), choice.get("name"), min_len=1, max_len=L.CHOICE_NAME_MAX, required_=True
        )
        value = choice.get("value")
        if value is None:
            errs.add((*path, "value"), "BASE_TYPE_REQUIRED", "This field is required")
        elif isinstance(value, str):
            check_str(errs, (*path, "value"), value, max_len=L.CHOICE_STRING_VALUE_MAX)
        elif isinstance(value, bool) or not isinstance(value, int | float):
            errs.add((*path, "value"), "BASE_TYPE_STRING", f'Could not interpret "{value}" as string.')
    return errs
