"""How the watchlist reads: who suggested, how many want it, and a film title that cannot ping."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.films.models import FilmSummary
from bot.films.views import card_view
from bot.watchlist import render
from bot.watchlist.models import Entry, ListedFilm, Suggested, WantToggled, WatchlistPage

WHEN = datetime(2026, 3, 1, 20, 0, tzinfo=UTC)
FILM = FilmSummary(7, "trick", "@everyone *Trick* <@&1>", 2001)


def entry(wants: int = 3, suggested_by: int = 11) -> Entry:
    return Entry(1, 5, FILM, suggested_by, WHEN, wants)


def test_a_new_suggestion_names_the_member_and_a_known_one_names_who_was_first() -> None:
    new = render.suggested_embed(Suggested("added", entry(1), 11, watched_before=WHEN)).description or ""
    assert new.startswith("<@11> suggested **") and "watched it <t:" in new and "back on the list" in new
    assert "@everyone" not in new and "<@&1>" not in new and "\\*Trick\\*" in new
    known = render.suggested_embed(Suggested("wanted", entry(4), 12)).description or ""
    assert "suggested first by <@11>" in known and "You now want to see it too: 4 members" in known
    mine = render.suggested_embed(Suggested("already", entry(1), 11)).description or ""
    assert "suggested first by you" in mine and "1 member wants to see it" in mine


def test_the_toggle_says_what_the_click_did() -> None:
    assert "you suggested it" in (render.toggled_embed(WantToggled("added", entry(1), 12)).description or "")
    wanted = render.toggled_embed(WantToggled("wanted", entry(2), 12)).description or ""
    assert "2 members want to see it" in wanted and "again to take it back" in wanted
    back = render.toggled_embed(WantToggled("unwanted", entry(1), 12))
    assert back.title == "You no longer want to see it" and "suggested by <@11>" in (back.description or "")


def test_a_member_s_page_says_whose_films_these_are() -> None:
    page = WatchlistPage(5, "score", 12, 0, 1, 1, (ListedFilm(entry(), 1, "Aggregate 70/100"),))
    embed = render.list_embed(page)
    assert (embed.description or "").startswith("Films <@12> suggested or wants to see")
    assert "best score first" in (embed.footer.text or "") and embed.title == "Watchlist · 1 film"


def test_a_card_carries_the_want_toggle_only_in_a_server() -> None:
    ids = [getattr(item, "custom_id", "") for item in card_view(FILM, has_plot=False, in_guild=True).children]
    assert "filmbot:watchlist:want:7" in ids
    elsewhere = [getattr(item, "custom_id", "") for item in card_view(FILM, has_plot=False).children]
    assert not any(i.startswith("filmbot:watchlist:") for i in elsewhere)
