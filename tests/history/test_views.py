"""The history's Discord pieces at their limits: the rating menu (20 options, ids that parse back), the page
buttons, a page of ten long titles inside the embed limits, and text that pings nobody."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.catalog.views import OpenSelect
from bot.films.models import FilmSummary
from bot.history import render
from bot.history.models import HistoryLine, HistoryPage, PartyLink, RatingPrompt, Recorded, Watched
from bot.history.views import HistoryPager, RateSelect, history_message, prompt_view
from bot.scores.aggregate import MemberScore
from bot.ui import limits

AT = datetime(2026, 3, 27, 20, 0, tzinfo=UTC)


def prompt(state: str = "open") -> RatingPrompt:
    return RatingPrompt(7, 10, 20, 1, 3, AT, state, message_id=99)


def test_the_rating_menu_offers_every_step_within_discords_limits() -> None:
    view = prompt_view(prompt())
    select = next(item.item for item in view.children if isinstance(item, RateSelect))
    assert not select.disabled and select.custom_id == "filmbot:history:rate:7"
    values = [option.value for option in select.options]
    assert values == [str(h) for h in range(20, 0, -1)] and len(values) <= limits.SELECT_OPTIONS
    assert select.options[0].label == "10/10" and select.options[-1].label == "0.5/10"
    assert RateSelect.parse_id("filmbot:history:rate:7") == {"prompt": 7}
    closed = prompt_view(prompt("closed"))
    assert next(i.item for i in closed.children if isinstance(i, RateSelect)).disabled


def test_page_buttons_carry_year_and_page() -> None:
    assert HistoryPager.make_id(year=0, page=3, dir="next") == "filmbot:history:page:0:3:next"
    assert HistoryPager.parse_id("filmbot:history:page:2026:0:prev") == {
        "year": 2026,
        "page": 0,
        "dir": "prev",
    }


def line(n: int, title: str) -> HistoryLine:
    film = FilmSummary(n, f"f{n}", title, 1999)
    party = PartyLink(50 + n, 20, message_id=10**18 + n) if n % 2 else None
    entry = Watched(n, 10, n, date(2026, 3, n + 1), AT, party=party)
    members = MemberScore(3, 7.5, 76.0, 78.0, True, ((7.5, 3),)) if n % 3 else None
    return HistoryLine(entry, film, members)


def test_a_page_of_long_titles_fits_and_pings_nobody() -> None:
    title = "@everyone <@123> **" + "A very long film title " * 10
    page = HistoryPage(None, tuple(line(n, title) for n in range(10)), 0, 3, 25)
    embed, view = history_message(page)
    assert len(embed) <= limits.EMBED_TOTAL and len(embed.description or "") <= limits.EMBED_DESCRIPTION
    assert "@everyone" not in (embed.description or "").replace("@\u200beveryone", "")
    assert "<@123>" not in (embed.description or "")
    assert "[watch party #51](https://discord.com/channels/10/20/" in (embed.description or "")
    assert "no member ratings yet" in (embed.description or "")
    pagers = [item for item in view.children if isinstance(item, HistoryPager)]
    assert [p.page for p in pagers] == [0, 1] and pagers[0].item.disabled
    menu = next(item.item for item in view.children if isinstance(item, OpenSelect))
    assert len(menu.options) == 10 and all(len(o.label) <= limits.SELECT_OPTION_TEXT for o in menu.options)


def test_one_page_has_no_page_buttons() -> None:
    _, view = history_message(HistoryPage(2026, (line(1, "Heat"),), 0, 1, 1))
    assert not [item for item in view.children if isinstance(item, HistoryPager)]


def test_texts_show_discord_timestamps_and_escape_titles() -> None:
    film = FilmSummary(1, "x", "**Bold** @here", 2001)
    recorded = render.recorded_text(Recorded(Watched(1, 10, 1, date(2026, 3, 1), AT), film, 3))
    assert f"<t:{int(AT.timestamp())}:D>" in recorded and "(the 3rd time)" in recorded
    assert "**Bold**" not in recorded and "@here" not in recorded.replace("@\u200bhere", "")
    text = render.prompt_text(prompt(), film)
    assert "<@" not in text and f"<t:{int(AT.timestamp())}:R>" in text
    assert len(text) <= limits.MESSAGE_CONTENT
