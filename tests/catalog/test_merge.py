"""A curated card wins over imported values field by field, whichever is loaded first."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from bot.catalog.importing import import_catalog
from bot.catalog.loader import load_cards
from bot.films.models import Film
from bot.store import Store
from tests.catalog._helpers import CARD, cards_folder, imdb_folder


def _comparable(film: Film) -> Film:
    return dataclasses.replace(film, summary=dataclasses.replace(film.summary, id=0))


async def _card_then_import(store: Store, tmp_path: Path) -> Film:
    assert (await load_cards(store, cards_folder(tmp_path / "cards"))).ok
    await import_catalog(store, imdb_folder(tmp_path / "imdb"), "imdb")
    film = await store.films.get("solaris-tarkovsky")
    assert film is not None
    return film


async def test_card_wins_field_by_field_and_import_fills_the_rest(store: Store, tmp_path: Path) -> None:
    film = await _card_then_import(store, tmp_path)
    assert film.origin == "card" and film.title == "Solaris" and film.imdb_id == "tt0069293"
    # The card's runtime and director stay; the import's (167 min, same director) give way.
    assert [(f.value, f.source) for f in film.facts if f.key == "runtime_minutes"] == [("166", "press")]
    assert [(c.person, c.source) for c in film.credits if c.role == "director"] == [
        ("Andrei Tarkovsky", "press")
    ]
    # What the card lacks comes from IMDb: genres, cast, the IMDb score, alternative titles.
    assert {f.value for f in film.facts if f.key == "genre"} == {"Drama", "Mystery", "Sci-Fi"}
    assert [c.person for c in film.credits if c.role == "cast"] == ["Natalya Bondarchuk", "Donatas Banionis"]
    assert [(s.name, s.source) for s in film.scores] == [("IMDb", "imdb-datasets")]
    assert [s.key for s in film.sources] == ["press", "imdb-datasets"]
    assert film.summary.aliases[0] == "Solaris (Tarkovsky)" and "Солярис" in film.summary.aliases
    # The card film was matched: no second Solaris (1972).
    assert await store.films.get("solaris-1972") is None
    assert len(await store.films.slugs()) == 7


async def test_import_then_card_gives_the_same_film(store: Store, tmp_path: Path) -> None:
    await import_catalog(store, imdb_folder(tmp_path / "imdb"), "imdb")
    imported = await store.films.get("solaris-1972")
    assert imported is not None and imported.origin == "import"
    report = await load_cards(store, cards_folder(tmp_path / "cards"))
    assert report.added == ["solaris-tarkovsky"] and report.ok
    adopted = await store.films.get("solaris-tarkovsky")
    assert adopted is not None
    # The card took over the imported row: same id (member data stays attached), no duplicate.
    assert adopted.id == imported.id and await store.films.get("solaris-1972") is None

    other = await Store.open(tmp_path / "other.sqlite3")
    try:
        reference = await _card_then_import(other, tmp_path)
    finally:
        await other.close()
    assert _comparable(adopted) == _comparable(reference)


async def test_card_changes_keep_imported_rows_and_reimport_keeps_card_rows(
    store: Store, tmp_path: Path
) -> None:
    await _card_then_import(store, tmp_path)
    # The card gains genres: the imported genres give way; reloading does not lose the IMDb score.
    cards_folder(
        tmp_path / "cards",
        CARD + '\n[[facts]]\nkey = "genre"\nvalue = "Science fiction"\nsources = ["press"]\n',
    )
    assert (await load_cards(store, tmp_path / "cards")).updated == ["solaris-tarkovsky"]
    film = await store.films.get("solaris-tarkovsky")
    assert film is not None
    assert [f.value for f in film.facts if f.key == "genre"] == ["Science fiction"]
    assert [s.name for s in film.scores] == ["IMDb"]
    again = await import_catalog(store, imdb_folder(tmp_path / "imdb"), "imdb")
    assert again.unchanged == 7
    film_after = await store.films.get("solaris-tarkovsky")
    assert film_after == film


async def test_card_loader_leaves_imported_films_alone(store: Store, tmp_path: Path) -> None:
    await import_catalog(store, imdb_folder(tmp_path / "imdb"), "imdb")
    other = CARD.replace("solaris-tarkovsky", "stalker").replace('"Solaris"', '"Stalker"')
    other = other.replace("1972", "1979").replace("tt0069293", "tt0079944")
    folder = tmp_path / "cards"
    folder.mkdir()
    (folder / "stalker.toml").write_text(other, encoding="utf-8")
    report = await load_cards(store, folder)
    assert report.added == ["stalker"] and report.removed == []
    assert len(await store.films.slugs(origin="import")) == 7


async def test_same_title_films_stay_distinct(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "remakes.csv"
    path.write_text(
        "imdb_id,title,year\ntt0000001,The Thing,1982\ntt0000002,The Thing,2011\ntt0000003,The Thing,1982\n"
        ",Psycho,1960\n,Psycho,1998\n",
        encoding="utf-8",
    )
    report = await import_catalog(store, path, "csv")
    assert report.added == 5
    slugs = sorted(s.slug for s in await store.films.summaries())
    assert slugs == [
        "psycho-1960",
        "psycho-1998",
        "the-thing-1982",
        "the-thing-1982-tt0000003",
        "the-thing-2011",
    ]
