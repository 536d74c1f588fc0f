"""The payload validators against Discord's documented limits (pure functions, no network)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.discord_emulator.validation import (
    embed_length,
    validate_autocomplete,
    validate_command_list,
    validate_message,
    validate_modal,
    validate_scheduled_event,
    validate_thread,
)


def codes(errs: Any) -> set[str]:
    return {code for _, code, _ in errs.items}


def paths(errs: Any) -> set[str]:
    return {".".join(map(str, path)) for path, _, _ in errs.items}


def button(custom_id: str, label: str = "Go", **extra: Any) -> dict[str, Any]:
    return {"type": 2, "style": 1, "custom_id": custom_id, "label": label, **extra}


def row(*components: dict[str, Any]) -> dict[str, Any]:
    return {"type": 1, "components": list(components)}


def test_valid_message_passes() -> None:
    embed = {
        "title": "t",
        "description": "d",
        "fields": [{"name": "n", "value": "v"}],
        "footer": {"text": "f"},
    }
    payload = {"content": "hi", "embeds": [embed], "components": [row(button("a"), button("b"))]}
    assert not validate_message(payload)


def test_content_limit() -> None:
    assert not validate_message({"content": "x" * 2000})
    assert "content" in paths(validate_message({"content": "x" * 2001}))


def test_embed_field_count_and_lengths() -> None:
    fields = [{"name": f"n{i}", "value": "v"} for i in range(26)]
    assert "embeds.0.fields" in paths(validate_message({"embeds": [{"fields": fields}]}))
    long_value = {"embeds": [{"fields": [{"name": "n", "value": "v" * 1025}]}]}
    assert paths(validate_message(long_value)) == {"embeds.0.fields.0.value"}
    limits = {"title": 256, "description": 4096}
    for key, limit in limits.items():
        assert not validate_message({"embeds": [{key: "x" * limit}]})
        assert f"embeds.0.{key}" in paths(validate_message({"embeds": [{key: "x" * (limit + 1)}]}))
    assert "embeds.0.footer.text" in paths(validate_message({"embeds": [{"footer": {"text": "x" * 2049}}]}))
    assert "embeds.0.author.name" in paths(validate_message({"embeds": [{"author": {"name": "x" * 257}}]}))
    assert "embeds" in paths(validate_message({"embeds": [{"title": "t"}] * 11}))


def test_embed_total_of_6000_characters_across_embeds() -> None:
    embeds = [{"description": "x" * 3000}, {"description": "x" * 3000}]
    assert not validate_message({"embeds": embeds})
    embeds[1]["title"] = "one too many"
    assert "MAX_EMBED_SIZE_EXCEEDED" in codes(validate_message({"embeds": embeds}))


@given(st.lists(st.integers(min_value=0, max_value=4096), min_size=1, max_size=10))
def test_total_embed_rule_matches_the_sum(lengths: list[int]) -> None:
    embeds = [{"description": "x" * n} for n in lengths]
    rejected = "MAX_EMBED_SIZE_EXCEEDED" in codes(validate_message({"embeds": embeds}))
    assert rejected == (sum(lengths) > 6000)
    assert sum(embed_length(e) for e in embeds) == sum(lengths)


def test_component_rules() -> None:
    too_many_rows = {"components": [row(button(f"b{i}")) for i in range(6)]}
    assert "components" in paths(validate_message(too_many_rows))
    six_buttons = {"components": [row(*(button(f"b{i}") for i in range(6)))]}
    assert "components.0.components" in paths(validate_message(six_buttons))
    select = {"type": 3, "custom_id": "s", "options": [{"label": "a", "value": "a"}]}
    assert "COMPONENT_LAYOUT_WIDTH_EXCEEDED" in codes(
        validate_message({"components": [row(select, button("b"))]})
    )
    duplicated = {"components": [row(button("same"), button("same"))]}
    assert "COMPONENT_CUSTOM_ID_DUPLICATED" in codes(validate_message(duplicated))
    assert paths(validate_message({"components": [row(button("x" * 101))]})) == {
        "components.0.components.0.custom_id"
    }
    assert validate_message({"components": [row(button("ok", label="x" * 81))]})
    link_with_id = {"type": 2, "style": 5, "url": "https://example.org", "label": "l", "custom_id": "nope"}
    assert validate_message({"components": [row(link_with_id)]})
    link_without_url = {"type": 2, "style": 5, "label": "l"}
    assert validate_message({"components": [row(link_without_url)]})


def test_select_rules() -> None:
    def select(**extra: Any) -> dict[str, Any]:
        options = extra.pop("options", [{"label": "a", "value": "a"}, {"label": "b", "value": "b"}])
        return {"components": [row({"type": 3, "custom_id": "s", "options": options, **extra})]}

    assert not validate_message(select(placeholder="p" * 150, min_values=0, max_values=2))
    assert validate_message(select(placeholder="p" * 151))
    assert validate_message(select(options=[]))
    assert validate_message(select(options=[{"label": str(i), "value": str(i)} for i in range(26)]))
    assert validate_message(select(options=[{"label": "l" * 101, "value": "v"}]))
    assert validate_message(select(max_values=26))
    assert validate_message(select(min_values=2, max_values=1))


def test_allowed_mentions() -> None:
    assert not validate_message({"content": "x", "allowed_mentions": {"parse": ["users", "roles"]}})
    assert validate_message({"content": "x", "allowed_mentions": {"parse": ["channels"]}})
    exclusive = {"content": "x", "allowed_mentions": {"parse": ["users"], "users": ["123"]}}
    assert "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE" in codes(validate_message(exclusive))
    assert validate_message({"content": "x", "allowed_mentions": {"users": [str(i + 1) for i in range(101)]}})


def test_attachments_must_match_uploads() -> None:
    payload = {"attachments": [{"id": 0, "filename": "a.txt"}]}
    assert not validate_message(payload, uploaded={0})
    assert "ATTACHMENT_NOT_FOUND" in codes(validate_message(payload, uploaded=set()))
    assert not validate_message({"attachments": [{"id": "987654321"}]}, existing_attachments={987654321})


def test_autocomplete_choices() -> None:
    choices = [{"name": f"c{i}", "value": f"v{i}"} for i in range(25)]
    assert not validate_autocomplete({"choices": choices})
    assert validate_autocomplete({"choices": [*choices, {"name": "x", "value": "x"}]})
    assert validate_autocomplete({"choices": [{"name": "", "value": "x"}]})
    assert validate_autocomplete({"choices": [{"name": "n" * 101, "value": "x"}]})
    assert validate_autocomplete({"choices": [{"name": "n", "value": "v" * 101}]})


def test_modal_rules() -> None:
    text_input = {"type": 4, "custom_id": "q", "style": 1, "label": "Question"}
    ok = {"title": "T", "custom_id": "m", "components": [row(text_input)]}
    assert not validate_modal(ok)
    assert "data.title" in paths(validate_modal({**ok, "title": "t" * 46}))
    six = [row({**text_input, "custom_id": f"q{i}"}) for i in range(6)]
    assert "data.components" in paths(validate_modal({**ok, "components": six}))
    labelled = {"type": 18, "label": "Question", "component": {"type": 4, "custom_id": "q", "style": 2}}
    assert not validate_modal({**ok, "components": [labelled]})


def command(name: str = "film", **extra: Any) -> dict[str, Any]:
    return {"name": name, "description": "Show a film", "type": 1, **extra}


def test_command_names_and_descriptions() -> None:
    assert not validate_command_list([command(), command("série-2"), command("映画")])
    for bad in ("Film", "has space", "x" * 33, "", "emoji🎬"):
        assert validate_command_list([command(bad)]), bad
    assert validate_command_list([command(description="")])
    assert validate_command_list([command(description="d" * 101)])
    assert "APPLICATION_COMMANDS_DUPLICATE_NAME" in codes(validate_command_list([command(), command()]))
    assert not validate_command_list([{"name": "Show Card", "type": 3}])


def test_command_options() -> None:
    def opt(name: str, required: bool = False, **extra: Any) -> dict[str, Any]:
        return {"type": 3, "name": name, "description": "d", "required": required, **extra}

    assert not validate_command_list([command(options=[opt("a", True), opt("b")])])
    order = validate_command_list([command(options=[opt("a"), opt("b", True)])])
    assert "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID" in codes(order)
    assert validate_command_list([command(options=[opt(f"o{i}") for i in range(26)])])
    choices = [{"name": f"c{i}", "value": f"v{i}"} for i in range(26)]
    assert validate_command_list([command(options=[opt("a", choices=choices)])])
    sub = {"type": 1, "name": "create", "description": "d", "options": [opt("question", True)]}
    group = {"type": 2, "name": "admin", "description": "d", "options": [sub]}
    assert not validate_command_list([command("poll", options=[sub, group])])
    assert validate_command_list([command("poll", options=[sub, opt("loose")])])
    huge = [command(f"c{i}") for i in range(101)]
    assert validate_command_list(huge)
    big_choices = [{"name": "n" * 100, "value": "v" * 100} for _ in range(25)]
    too_long = command(options=[opt(f"o{i}", choices=big_choices) for i in range(2)])
    assert "APPLICATION_COMMAND_TOO_LARGE" in codes(validate_command_list([too_long]))


NOW = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
TOMORROW = (NOW + dt.timedelta(days=1)).isoformat()
LATER = (NOW + dt.timedelta(days=1, hours=2)).isoformat()
VOICE_CHANNEL = 42


def event(**extra: Any) -> dict[str, Any]:
    base = {
        "name": "Movie night",
        "privacy_level": 2,
        "entity_type": 3,
        "scheduled_start_time": TOMORROW,
        "scheduled_end_time": LATER,
        "entity_metadata": {"location": "Cinema"},
    }
    base.update(extra)
    return base


def check_event(payload: dict[str, Any], existing: dict[str, Any] | None = None) -> set[str]:
    return paths(
        validate_scheduled_event(payload, existing=existing, channel_types={VOICE_CHANNEL: 2}, now=NOW)
    )


@pytest.mark.parametrize(
    ("payload", "bad_path"),
    [
        (event(name=""), "name"),
        (event(name="n" * 101), "name"),
        (event(description="d" * 1001), "description"),
        (event(privacy_level=1), "privacy_level"),
        (event(entity_type=4), "entity_type"),
        (event(scheduled_start_time=(NOW - dt.timedelta(hours=1)).isoformat()), "scheduled_start_time"),
        (event(entity_metadata={"location": "l" * 101}), "entity_metadata.location"),
        (event(entity_metadata=None), "entity_metadata.location"),
        (event(scheduled_end_time=None), "scheduled_end_time"),
        (event(entity_type=2, entity_metadata=None, scheduled_end_time=None), "channel_id"),
        (event(entity_type=1, channel_id=VOICE_CHANNEL, entity_metadata=None), "channel_id"),
    ],
)
def test_scheduled_event_rules(payload: dict[str, Any], bad_path: str) -> None:
    assert bad_path in check_event(payload)


def test_valid_scheduled_events() -> None:
    assert not check_event(event())
    assert not check_event(event(entity_type=2, channel_id=VOICE_CHANNEL, entity_metadata=None))
    created = {**event(), "status": 1}
    assert not check_event({"status": 2}, existing=created)
    assert check_event({"status": 3}, existing=created) == {"status"}


def test_thread_rules() -> None:
    assert not validate_thread({"name": "Discussion", "auto_archive_duration": 1440}, with_message=True)
    assert validate_thread({"name": ""}, with_message=True)
    assert validate_thread({"name": "t" * 101}, with_message=True)
    assert validate_thread({"name": "ok", "auto_archive_duration": 30}, with_message=False)
