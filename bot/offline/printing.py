"""Printing what the bot answered, readably, in a terminal."""

from __future__ import annotations

import textwrap
from typing import Any

from bot.offline._recorder import Recorded
from bot.offline.runner import AskResult

_WIDTH = 88
_BUTTON_STYLES = {1: "primary", 2: "secondary", 3: "success", 4: "danger", 5: "link", 6: "premium"}


def _wrap(text: str, indent: str = "  ") -> list[str]:
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        lines.extend(
            textwrap.wrap(paragraph, _WIDTH, initial_indent=indent, subsequent_indent=indent) or [indent]
        )
    return lines


def _embed(embed: dict[str, Any]) -> list[str]:
    out = ["  ┌─ embed " + "─" * (_WIDTH - 10)]
    if author := (embed.get("author") or {}).get("name"):
        out += _wrap(author, "  │ ")
    if title := embed.get("title"):
        out += _wrap(f"■ {title}", "  │ ")
    if description := embed.get("description"):
        out += _wrap(description, "  │ ")
    for field in embed.get("fields", []):
        out.append("  │")
        out += _wrap(f"▸ {field['name']}", "  │ ")
        out += _wrap(field["value"], "  │   ")
    if image := (embed.get("image") or {}).get("url"):
        out += _wrap(f"[image: {image}]", "  │ ")
    if footer := (embed.get("footer") or {}).get("text"):
        out.append("  │")
        out += _wrap(footer, "  │ ")
    out.append("  └" + "─" * (_WIDTH - 1))
    return out


def _components(rows: list[dict[str, Any]]) -> list[str]:
    out = []
    for row in rows:
        items = []
        for item in row.get("components", []):
            if item.get("type") == 2:
                label = item.get("label") or (item.get("emoji") or {}).get("name") or "?"
                state = " (disabled)" if item.get("disabled") else ""
                style = _BUTTON_STYLES.get(item.get("style", 2), "")
                items.append(f"[ {label} ]{state}" + (f" → {item['url']}" if style == "link" else ""))
            elif item.get("type") in (3, 5, 6, 7, 8):
                options = ", ".join(o.get("label", "?") for o in item.get("options", [])[:10])
                items.append(
                    f"‹{item.get('placeholder') or 'choose'}›" + (f" {{{options}}}" if options else "")
                )
        if items:
            out.append("  " + "  ".join(items))
    return out


def _message(record: Recorded) -> list[str]:
    payload = record.payload
    where = {
        "response": "reply",
        "followup": "follow-up",
        "channel": "message in the channel",
        "update": "updated message",
    }
    visibility = "only you can see this" if record.ephemeral else "visible to everyone"
    out = [f"── {where.get(record.kind, record.kind)} ({visibility}) " + "─" * 20]
    if payload.get("thinking"):
        out.append("  (filmbot is thinking…)")
    if content := payload.get("content"):
        out += _wrap(content)
    for embed in payload.get("embeds") or []:
        out += _embed(embed)
    out += _components(payload.get("components") or [])
    for path in record.files:
        out.append(f"  attachment: {path}")
    return out


def render(result: AskResult) -> str:
    lines: list[str] = [f"> {result.line}"]
    if result.refused is not None:
        lines.append("── Discord would not send this command " + "─" * 20)
        lines += _wrap(result.refused.message)
        lines += [f"  • {hint}" for hint in result.refused.hints]
        return "\n".join(lines)
    transcript = result.transcript
    shown = [m for m in transcript.messages.values() if not m.deleted]
    for record in shown:
        lines += _message(record)
    if transcript.modal is not None:
        lines.append(f"── a form opens: {transcript.modal.get('title', '')} " + "─" * 20)
        for row in transcript.modal.get("components", []):
            for item in row.get("components", []):
                lines.append(f"  {item.get('label', '?')}: ____")
    statuses = {1: "scheduled", 2: "active", 3: "completed", 4: "cancelled"}
    for event in transcript.events.values():
        state = "deleted" if event.get("deleted") else statuses.get(int(event.get("status") or 1), "?")
        where = (event.get("entity_metadata") or {}).get("location") or f"channel {event.get('channel_id')}"
        lines.append(f"── Discord scheduled event ({state}) " + "─" * 20)
        lines += _wrap(f"{event.get('name')} · starts {event.get('scheduled_start_time')} · {where}")
    if not shown and transcript.modal is None:
        lines.append("(the bot did not answer)")
    return "\n".join(lines)
