"""Rendering at Discord's limits: pings split over messages, embeds and names within bounds."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import discord
import pytest

from bot.films.views import CardButton
from bot.ui import limits
from bot.watchparty import render, views
from bot.watchparty.delivery import nonce_for
from bot.watchparty.models import Party, RsvpCounts
from bot.watchparty.views import RsvpButton

START = datetime(2026, 12, 5, 19, 0, tzinfo=UTC)


def party(**extra: Any) -> Party:
    values: dict[str, Any] = {
        "id": 12,
        "guild_id": 1,
        "channel_id": 2,
        "film_id": 3,
        "starts_at": START,
        "timezone": "Europe/Paris",
        "runtime_minutes": 107,
        "status": "scheduled",
        "created_by": 4,
        "reminders": (86400, 600),
    }
    values.update(extra)
    return Party(**values)


IDS = [1_000_000_000_000_000_000 + n for n in range(250)]


@pytest.mark.parametrize("count", [0, 1, 85, 100, 101, 250])
def test_pings_are_split_within_100_ids_and_2000_characters(count: int) -> None:
    ids = IDS[:count]
    messages = render.with_mentions("⏰ header", ids, "-# late note")
    assert messages[0].content.startswith("⏰ header")
    assert messages[-1].content.endswith("-# late note")
    seen: list[int] = []
    for message in messages:
        assert len(message.content) <= limits.MESSAGE_CONTENT
        assert len(message.mention_ids) <= render.MENTIONS_PER_MESSAGE
        pinged = [int(m) for m in re.findall(r"<@(\d+)>", message.content)]
        assert pinged == list(message.mention_ids)
        seen += pinged
    assert seen == ids  # everyone exactly once, in order


def test_allowed_mentions_name_exactly_the_members() -> None:
    message = render.with_mentions("hi @everyone", [5, 6])[0]
    allowed = message.allowed_mentions.to_dict()
    assert allowed["parse"] == []  # no @everyone, no roles, no one else
    assert allowed["users"] == [5, 6]
    assert allowed.get("roles", []) == []


def test_announcement_fits_every_limit_with_huge_inputs() -> None:
    huge = party(note="n" * 500, location="l" * 100)
    embed = render.announcement_embed(huge, "T" * 300, None, RsvpCounts(10**6, 2, 3))
    assert len(embed) <= limits.EMBED_TOTAL
    assert embed.title is not None and len(embed.title) <= limits.EMBED_TITLE
    assert all(len(f.value or "") <= limits.EMBED_FIELD_VALUE for f in embed.fields)
    assert "<t:1796497200:F>" in embed.fields[0].value  # type: ignore[operator]


def test_user_text_cannot_ping() -> None:
    sneaky = party(note="@everyone <@123> <@&456>", location="@here")
    embed = render.announcement_embed(sneaky, "Film", None, RsvpCounts())
    text = " ".join(f.value or "" for f in embed.fields)
    assert "@everyone" not in text and "@here" not in text and "<@123>" not in text and "<@&456>" not in text


def test_event_name_and_description_within_discord_limits() -> None:
    assert len(render.event_name("x" * 500)) <= 100
    assert len(render.event_description(None, party(note="y" * 2000))) <= 1000


def test_rsvp_buttons_round_trip_through_the_dynamic_item_template() -> None:
    view = views.party_view(party(id=10**12), RsvpCounts(3, 1, 0))
    assert view is not None
    buttons = [
        item.item
        for item in view.children
        if isinstance(item, discord.ui.DynamicItem) and isinstance(item.item, discord.ui.Button)
    ]
    assert len(buttons) == len(view.children)
    custom_ids = [str(b.custom_id) for b in buttons]
    assert custom_ids[:3] == [f"filmbot:wp:rsvp:{10**12}:{a}" for a in ("going", "maybe", "cant")]
    assert custom_ids[3] == "filmbot:film:card:3"
    for custom_id in custom_ids[:3]:
        assert len(custom_id) <= limits.CUSTOM_ID
        assert RsvpButton.__discord_ui_compiled_template__.fullmatch(custom_id)
    labels = [b.label for b in buttons]
    assert labels[:3] == ["Going (3)", "Maybe (1)", "Can't (0)"]
    assert views.party_view(party(status="cancelled"), RsvpCounts()) is None


def test_reminder_and_start_texts() -> None:
    header = render.reminder_header(party(), "100 Meters (2025)", 3600)
    assert "<t:1796497200:R>" in header and "1 hour reminder, party #12" in header
    play = START + timedelta(seconds=60)
    start = render.starting_header(party(), "100 Meters", play)
    assert f"<t:{int(play.timestamp())}:R>" in start and f"<t:{int(play.timestamp())}:T>" in start
    assert "12 min late" in render.late_note(timedelta(minutes=12))


def test_nonces_are_deterministic_distinct_and_short() -> None:
    assert nonce_for(1, "channel:0") == nonce_for(1, "channel:0")
    assert nonce_for(1, "channel:0") != nonce_for(1, "channel:1") != nonce_for(2, "channel:0")
    assert len(nonce_for(10**12, "dm:" + "9" * 19)) <= 25


def test_rsvp_button_keeps_the_template_of_earlier_versions() -> None:
    old = r"filmbot:wp:rsvp:(?P<party>\d+):(?P<answer>going|maybe|cant)"
    assert RsvpButton.__discord_ui_compiled_template__.pattern == old


async def test_an_rsvp_id_rebuilds_its_button_and_a_wrong_answer_matches_nothing() -> None:
    match = RsvpButton.__discord_ui_compiled_template__.fullmatch("filmbot:wp:rsvp:4:maybe")
    assert match is not None
    interaction = cast("discord.Interaction[Any]", None)  # rebuilding needs nothing from it
    button = await RsvpButton.from_custom_id(interaction, discord.ui.Button(), match)
    assert isinstance(button, RsvpButton) and (button.party_id, button.answer) == (4, "maybe")
    assert button.item.custom_id == "filmbot:wp:rsvp:4:maybe"
    for item in (*views.DYNAMIC_ITEMS, CardButton):
        assert item.__discord_ui_compiled_template__.fullmatch("filmbot:wp:rsvp:4:no") is None
