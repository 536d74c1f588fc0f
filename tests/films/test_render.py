from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from bot.films.card import build_card, format_partial_date
from bot.films.models import Credit, Fact, Film, FilmSummary, Source
from bot.films.render import card_embed
from bot.films.service import FilmService
from bot.store import Store
from bot.ui import limits
from bot.ui.text import join_limited, plain


def assert_within_limits(data: Mapping[str, Any]) -> None:
    assert len(data.get("title", "")) <= limits.EMBED_TITLE
    assert len(data.get("description", "") or "") <= limits.EMBED_DESCRIPTION
    assert len(data.get("fields", [])) <= limits.EMBED_FIELDS
    for field in data.get("fields", []):
        assert 0 < len(field["name"]) <= limits.EMBED_FIELD_NAME
        assert 0 < len(field["value"]) <= limits.EMBED_FIELD_VALUE
    assert len((data.get("footer") or {}).get("text", "")) <= limits.EMBED_FOOTER


async def test_100_meters_card_shows_disagreement_and_sources(catalog_store: Store) -> None:
    service = FilmService(catalog_store)
    card = await service.card(await service.resolve("100-meters"))
    embed = card_embed(card)
    data = embed.to_dict()
    assert_within_limits(data)
    assert len(embed) <= limits.EMBED_TOTAL
    fields = {f["name"]: f["value"] for f in data["fields"]}
    assert (
        "106 min" in fields["Runtime"] and "107 min" in fields["Runtime"] and "disagree" in fields["Runtime"]
    )
    assert "Kenji Iwaisawa" in fields["Director"]
    assert "Tori Matsuzaka" in fields["Voice cast"]
    assert "Sources:" in data["footer"]["text"]
    assert data["title"] == "100 Meters (2025)"


def test_huge_card_fits_discord_limits() -> None:
    sources = tuple(
        Source(f"s{i}", "A very long source title " * 8, "review", date(2026, 1, 1)) for i in range(30)
    )
    credits = tuple(
        Credit(person=f"Performer With An Exceptionally Long Name Number {i} " * 2, role="voice",
               character=f"Character With A Long Name {i} " * 3, source=f"s{i % 30}")
        for i in range(60)
    )  # fmt: skip
    facts = tuple(
        Fact(key=key, value=f"{key} value {i} " * 20, detail="detail " * 20, source=f"s{i % 30}")
        for i in range(40)
        for key in ("genre", "production_company", "distributor", "box_office", "technique")
    )
    film = Film(
        summary=FilmSummary(1, "big", "A Title " * 60, 2020, "Original " * 60, ()),
        origin="card",
        imdb_id=None,
        sources=sources,
        facts=facts,
        credits=credits,
        scores=(),
        plot=(),
    )
    embed = card_embed(build_card(film))
    assert len(embed) <= limits.EMBED_TOTAL
    assert_within_limits(embed.to_dict())
    assert "Voice cast" in {f.name for f in embed.fields}


def test_user_text_cannot_ping_or_format() -> None:
    shown = plain("@everyone <@123> <@&456> **bold** ||x||")
    assert "@everyone" not in shown.replace("@\u200beveryone", "")
    assert "<@123>" not in shown and "<@&456>" not in shown
    assert "**" not in shown.replace("\\*", "")


def test_join_limited_says_how_many_were_left_out() -> None:
    items = [f"item {i}" for i in range(100)]
    text = join_limited(items, 100)
    assert len(text) <= 100
    assert text.endswith("more")
    assert join_limited(["a", "b"], 100) == "a\nb"


def test_partial_dates() -> None:
    assert format_partial_date("2025") == "2025"
    assert format_partial_date("2025-09") == "September 2025"
    assert format_partial_date("2025-12-31") == "31 December 2025"


def test_card_shows_only_what_is_known() -> None:
    film = Film(
        summary=FilmSummary(1, "x", "X", None, None, ()),
        origin="import",
        imdb_id=None,
        sources=(Source("d", "Dataset", "dataset", date(2026, 1, 1)),),
        facts=(Fact("genre", "Drama", "d"),),
        credits=(),
        scores=(),
        plot=(),
    )
    data = card_embed(build_card(film)).to_dict()
    assert [f["name"] for f in data["fields"]] == ["Genres"]
    assert data["title"] == "X"
    assert "Imported" in data["footer"]["text"]


async def test_card_buttons_offer_the_plot_only_when_there_is_one(catalog_store: Store) -> None:
    from bot.films.views import card_view

    service = FilmService(catalog_store)
    film = await service.resolve("100-meters")
    card = await service.card(film)
    assert card.has_plot
    with_plot = [item.custom_id for item in card_view(film, has_plot=True).children]  # type: ignore[attr-defined]
    without = [item.custom_id for item in card_view(film, has_plot=False).children]  # type: ignore[attr-defined]
    assert any(c.startswith("filmbot:plot:open:") for c in with_plot)
    assert not any(c.startswith("filmbot:plot:") for c in without)
    assert any(c.startswith("filmbot:scores:open:") for c in without)


def test_footer_names_each_kind_of_source_plainly() -> None:
    """Fetched sources read "Wikipedia article", "Wikidata item", "TMDB" as press documents read "press
    review"; a kind the renderer does not know is a "source", never the stored word."""
    day = date(2026, 11, 2)
    sources = (
        Source("wd", "item Q7 (Sprint)", "wikidata", day, "Wikidata", dated=False, licence="CC0 1.0"),
        Source("wp", "Sprint (2025 film)", "wikipedia", day, "Wikipedia", dated=False, revision=5),
        Source("tm", "Sprint (2025)", "tmdb", day, "TMDB", dated=False),
        Source("rv", "A review", "review", day, "The Paper"),
        Source("xx", "Something", "telegram", day),
    )
    film = Film(
        summary=FilmSummary(1, "sprint", "Sprint", 2025, None, ()),
        origin="import",
        imdb_id=None,
        sources=sources,
        facts=tuple(Fact("genre", f"genre {s.key}", s.key) for s in sources),
        credits=(),
        scores=(),
        plot=(),
    )
    footer = card_embed(build_card(film)).to_dict()["footer"]["text"]
    assert "Wikidata item: item Q7 (Sprint) (undated; retrieved 2026-11-02; CC0 1.0)" in footer
    assert "Wikipedia article: Sprint (2025 film) (undated; retrieved 2026-11-02)" in footer
    assert "TMDB: Sprint (2025) (undated" in footer
    assert "press review: The Paper: A review (2026-11-02)" in footer
    assert "source: Something (2026-11-02)" in footer
    for raw in ("wikipedia:", "wikidata:", "tmdb:", "telegram"):
        assert raw not in footer
