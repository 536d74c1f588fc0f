"""The catalog's restart-proof items keep accepting the ids that earlier versions posted."""

from __future__ import annotations

import re
from typing import Any, cast

import discord
import pytest

from bot.catalog.models import BrowseFilters, BrowsePage
from bot.catalog.views import (
    DYNAMIC_ITEMS,
    AnotherButton,
    OpenSelect,
    PageButton,
    PageCounter,
    browse_message,
)
from bot.films.models import FilmSummary
from bot.ui.items import RestartProofItem
from tests.discord_emulator.validation import validate_message

# The templates as written before the items moved onto RestartProofItem (the page counter's id was
# written by hand as "filmbot:films:noop:{key}", the key always 16 hex digits).
OLD_TEMPLATES: dict[type[RestartProofItem[Any]], str] = {
    PageButton: r"filmbot:films:browse:(?P<page>\d{1,6}):(?P<key>[0-9a-f]{16})",
    OpenSelect: r"filmbot:films:open",
    AnotherButton: r"filmbot:films:random:(?P<genre>.*)",
    PageCounter: r"filmbot:films:noop:(?P<key>[0-9a-f]{16})",
}


@pytest.mark.parametrize("item", list(OLD_TEMPLATES))
def test_templates_are_the_old_ones(item: type[RestartProofItem[Any]]) -> None:
    assert item.__discord_ui_compiled_template__.pattern == OLD_TEMPLATES[item]
    assert item in DYNAMIC_ITEMS


@pytest.mark.parametrize(
    ("custom_id", "item", "fields"),
    [
        ("filmbot:films:browse:12:0123456789abcdef", PageButton, {"page": 12, "key": "0123456789abcdef"}),
        ("filmbot:films:browse:0:0123456789abcdef", PageButton, {"page": 0, "key": "0123456789abcdef"}),
        ("filmbot:films:open", OpenSelect, {}),
        ("filmbot:films:random:Drama", AnotherButton, {"genre": "Drama"}),
        ("filmbot:films:random:", AnotherButton, {"genre": ""}),
        ("filmbot:films:noop:0123456789abcdef", PageCounter, {"key": "0123456789abcdef"}),
    ],
)
def test_old_ids_parse_and_rebuild(
    custom_id: str, item: type[RestartProofItem[Any]], fields: dict[str, Any]
) -> None:
    assert re.fullmatch(OLD_TEMPLATES[item], custom_id)
    assert item.parse_id(custom_id) == fields
    assert item(**fields).custom_id == custom_id


@pytest.mark.parametrize(
    "custom_id",
    [
        "filmbot:films:browse:1234567:0123456789abcdef",
        "filmbot:films:browse:1:0123456789ABCDEF",
        "filmbot:films:browse:1:0123456789abcde",
        "filmbot:films:browse:x:0123456789abcdef",
        "filmbot:films:open:1",
        "filmbot:films:random",
        "filmbot:films:noop:",
    ],
)
def test_ids_the_old_templates_refused_are_still_refused(custom_id: str) -> None:
    for item, old in OLD_TEMPLATES.items():
        assert re.fullmatch(old, custom_id) is None
        assert item.parse_id(custom_id) is None


async def test_a_clicked_menu_keeps_its_options() -> None:
    options = [discord.SelectOption(label="100 Meters (2025)", value="7")]
    clicked = discord.ui.Select[Any](custom_id="filmbot:films:open", options=options)
    match = OpenSelect.__discord_ui_compiled_template__.fullmatch("filmbot:films:open")
    assert match is not None
    no_interaction = cast("discord.Interaction[Any]", None)  # from_custom_id does not read it
    rebuilt = await OpenSelect.from_custom_id(no_interaction, clicked, match)
    assert [o.value for o in rebuilt.item.options] == ["7"]


def test_a_browse_page_shows_its_buttons_and_menu() -> None:
    filters = BrowseFilters(genre="Drama")
    films = tuple(FilmSummary(n, f"film-{n}", f"Film {n}", 2000 + n, None, ()) for n in range(1, 4))
    _, view = browse_message(BrowsePage(filters, page=2, pages=3, total=23, films=films))
    ids = [child.custom_id for child in view.children if isinstance(child, RestartProofItem)]
    assert ids == [
        f"filmbot:films:browse:1:{filters.key}",
        f"filmbot:films:noop:{filters.key}",
        f"filmbot:films:browse:3:{filters.key}",
        "filmbot:films:open",
    ]


def test_a_page_of_the_longest_titles_shows_every_film() -> None:
    # Titles at the checker's bound (300 characters), all markdown: every line of the page still shows.
    films = tuple(
        FilmSummary(id=n, slug=f"f{n}", title=f"{n}" + "*_`|" * 75, year=2000 + n) for n in range(10)
    )
    page = BrowsePage(BrowseFilters(genre="Drama"), 1, 3, 30, films)
    embed, view = browse_message(page)
    payload = {"embeds": [embed.to_dict()], "components": view.to_components()}
    assert not validate_message(payload), validate_message(payload).describe()
    lines = (embed.description or "").splitlines()
    assert len(lines) == 10 and all(line.endswith(f"… ({2000 + n})") for n, line in enumerate(lines)), lines
    assert [line.split("`")[1].strip() for line in lines] == [str(n) for n in range(1, 11)]
