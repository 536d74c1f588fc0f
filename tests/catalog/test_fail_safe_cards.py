"""Cards fail safe (issue #16, items 1, 2 and 5): a missing or empty cards folder changes nothing, a card
that clashes with another film is skipped by name, and every value that would break a view is refused.

Each item is run as the administrator runs it: ``filmbot films check|load|ask`` in a subprocess, its exit
status and stderr checked. Bot start-up through the emulator is in ``tests/e2e/test_catalog_e2e.py``.
"""

from __future__ import annotations

import shutil
import tomllib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.catalog.cards import CardError, card_from_mapping
from bot.catalog.importing import import_catalog
from bot.catalog.loader import NoCards, load_cards
from bot.store import Store
from tests.startup._cli import CONFIG, FILMS_DIR, environment, filmbot, one_sentence

NOW = datetime(2026, 3, 27, 12, tzinfo=UTC)


def card(slug: str, title: str, *, imdb_id: str | None = None, year: int = 2001, extra: str = "") -> str:
    imdb = f'imdb_id = "{imdb_id}"\n' if imdb_id else ""
    return (
        f'slug = "{slug}"\ntitle = "{title}"\nyear = {year}\n{imdb}\n'
        '[sources.doc]\ntitle = "Doc"\nkind = "review"\nas_of = 2026-01-01\n\n'
        '[[credits]]\nperson = "Someone"\nrole = "director"\nsources = ["doc"]\n' + extra
    )


def folder_with(path: Path, **cards: str) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    for slug, text in cards.items():
        (path / f"{slug.replace('_', '-')}.toml").write_text(text, encoding="utf-8")
    return path


async def rated_catalog(database: Path, folder: Path) -> int:
    """The cards loaded, and a member's rating on the first film: data a wrong load must never lose."""
    store = await Store.open(database)
    try:
        assert (await load_cards(store, folder)).ok
        slugs = sorted(await store.films.slugs())
        film = await store.films.summary_by_slug(slugs[0])
        assert film is not None
        await store.ratings.upsert(1, film.id, 2, 8.0, now=NOW)
        return len(slugs)
    finally:
        await store.close()


async def film_slugs(database: Path) -> set[str]:
    store = await Store.open(database)
    try:
        return await store.films.slugs()
    finally:
        await store.close()


# -- item 1: a missing or empty cards folder ----------------------------------------------------------


@pytest.mark.parametrize("command", ["load", "check"])
@pytest.mark.parametrize("kind", ["missing", "empty"])
async def test_a_missing_or_empty_cards_folder_is_an_error_that_changes_nothing(
    tmp_path: Path, command: str, kind: str
) -> None:
    database = tmp_path / "filmbot.sqlite3"
    cards = folder_with(tmp_path / "films", a_film=card("a-film", "A Film"), b_film=card("b-film", "B Film"))
    count = await rated_catalog(database, cards)
    typo = tmp_path / "flims"
    if kind == "empty":
        typo.mkdir()
        (typo / "README.txt").write_text("not a card", encoding="utf-8")
    done = await filmbot(
        "films", command, env=environment(database, FILMBOT_FILMS_DIR=str(typo)), cwd=tmp_path
    )
    says = "does not exist" if kind == "missing" else "holds no film cards"
    one_sentence(done, CONFIG, str(typo), says, "nothing in the catalog was changed")
    assert len(await film_slugs(database)) == count == 2


async def test_ask_with_a_mistyped_cards_folder_still_answers_and_keeps_every_film(tmp_path: Path) -> None:
    database = tmp_path / "filmbot.sqlite3"
    await rated_catalog(database, FILMS_DIR)
    env = environment(database, FILMBOT_FILMS_DIR="data/flims")
    done = await filmbot("ask", "/film 100-meters", env=env, cwd=tmp_path)
    assert done.status == 0, done.stderr
    assert "100 Meters (2025)" in done.stdout
    errors = [line for line in done.stderr.splitlines() if " ERROR " in line]
    assert len(errors) == 1 and "data/flims" in errors[0] and "does not exist" in errors[0], done.stderr
    assert "Traceback" not in done.stderr
    assert await film_slugs(database) == {"100-meters"}


async def test_the_loader_refuses_an_empty_folder_before_touching_the_store(
    store: Store, tmp_path: Path
) -> None:
    await load_cards(store, folder_with(tmp_path / "films", a_film=card("a-film", "A Film")))
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(NoCards, match="holds no film cards"):
        await load_cards(store, empty)
    with pytest.raises(NoCards, match="is not a folder"):
        await load_cards(store, tmp_path / "films" / "a-film.toml")
    assert await store.films.slugs() == {"a-film"}


# -- item 2: two cards with the same IMDb id, and other clashes ---------------------------------------


def twins(tmp_path: Path) -> Path:
    return folder_with(
        tmp_path / "films",
        heat=card("heat", "Heat", imdb_id="tt0113277", year=1995),
        heat_copy=card("heat-copy", "Heat (copy)", imdb_id="tt0113277", year=1995),
        alien=card("alien", "Alien", imdb_id="tt0078748", year=1979),
    )


async def test_check_reports_two_cards_with_one_imdb_id(tmp_path: Path) -> None:
    env = environment(tmp_path / "filmbot.sqlite3", FILMBOT_FILMS_DIR=str(twins(tmp_path)))
    done = await filmbot("films", "check", env=env, cwd=tmp_path)
    assert done.status == 1, done.stderr
    assert "problem  heat-copy.toml: imdb_id: tt0113277 is also the IMDb id of heat.toml" in done.stdout
    assert "ok       heat: Heat (1995)" in done.stdout and "ok       alien: Alien (1979)" in done.stdout
    assert done.stdout.splitlines()[-1] == "2 card(s) valid, 1 with problems"


async def test_load_skips_the_later_card_by_name_and_loads_the_rest(tmp_path: Path) -> None:
    database = tmp_path / "filmbot.sqlite3"
    env = environment(database, FILMBOT_FILMS_DIR=str(twins(tmp_path)))
    done = await filmbot("films", "load", env=env, cwd=tmp_path)
    assert done.status == 1, done.stderr
    assert "2 added, 0 updated, 0 unchanged, 0 removed, 1 card(s) skipped" in done.stdout
    assert "skipped: heat-copy.toml: imdb_id: tt0113277 is also the IMDb id of heat.toml" in done.stdout
    assert "UNIQUE" not in done.stdout + done.stderr and "Traceback" not in done.stderr
    assert await film_slugs(database) == {"heat", "alien"}
    # ask (and run) load the same way: the command answers.
    asked = await filmbot("ask", "/film heat", env=env, cwd=tmp_path)
    assert asked.status == 0 and "Heat (1995)" in asked.stdout, asked.stderr
    assert "heat-copy.toml: imdb_id" in asked.stderr


async def test_a_card_claiming_a_slug_of_another_imported_film_is_skipped(
    store: Store, tmp_path: Path
) -> None:
    films_csv = tmp_path / "films.csv"
    films_csv.write_text("imdb_id,title,year\ntt0000011,The Thing,1982\n", encoding="utf-8")
    await import_catalog(store, films_csv, "csv")
    other = card("the-thing-1982", "The Thing", imdb_id="tt0000099", year=1982)
    report = await load_cards(store, folder_with(tmp_path / "films", the_thing_1982=other))
    (problem,) = report.problems
    assert (problem.file, problem.field) == ("the-thing-1982.toml", "slug")
    assert "imported film “The Thing” (1982) (tt0000011), another film" in problem.message
    film = await store.films.get("the-thing-1982")
    assert film is not None and film.origin == "import" and film.imdb_id == "tt0000011"


async def test_same_title_and_year_with_another_imdb_id_is_another_film(store: Store, tmp_path: Path) -> None:
    films_csv = tmp_path / "films.csv"
    films_csv.write_text("imdb_id,title,year\ntt0000011,The Thing,1982\n", encoding="utf-8")
    await import_catalog(store, films_csv, "csv")
    other = card("thing-remake", "The Thing", imdb_id="tt0000099", year=1982)
    report = await load_cards(store, folder_with(tmp_path / "films", thing_remake=other))
    assert report.added == ["thing-remake"] and report.ok
    assert {
        f.imdb_id
        for f in [await store.films.get("thing-remake"), await store.films.get("the-thing-1982")]
        if f
    } == {
        "tt0000099",
        "tt0000011",
    }


async def test_a_card_given_the_imdb_id_of_an_imported_copy_replaces_it(store: Store, tmp_path: Path) -> None:
    folder = folder_with(tmp_path / "films", heat=card("heat", "Heat", year=1995))
    await load_cards(store, folder)
    films_csv = tmp_path / "films.csv"
    films_csv.write_text("imdb_id,title,year\ntt0113277,Heat (Director's Cut),1995\n", encoding="utf-8")
    await import_catalog(store, films_csv, "csv")
    assert len(await store.films.slugs()) == 2
    folder_with(folder, heat=card("heat", "Heat", imdb_id="tt0113277", year=1995))
    report = await load_cards(store, folder)
    assert report.updated == ["heat"] and report.ok
    assert await store.films.slugs() == {"heat"}
    heat = await store.films.get("heat")
    assert heat is not None and heat.imdb_id == "tt0113277"


async def test_a_renamed_card_keeps_its_film_and_member_data(store: Store, tmp_path: Path) -> None:
    folder = folder_with(tmp_path / "films", heat=card("heat", "Heat", imdb_id="tt0113277", year=1995))
    await load_cards(store, folder)
    before = await store.films.summary_by_slug("heat")
    assert before is not None
    await store.ratings.upsert(1, before.id, 2, 9.0, now=NOW)
    (folder / "heat.toml").unlink()
    folder_with(folder, heat_1995=card("heat-1995", "Heat", imdb_id="tt0113277", year=1995))
    report = await load_cards(store, folder)
    assert report.updated == ["heat-1995"] and report.ok and not report.removed
    after = await store.films.summary_by_slug("heat-1995")
    assert after is not None and after.id == before.id


async def test_a_card_may_not_use_an_importers_source_id(tmp_path: Path) -> None:
    raw = (
        card("x", "X")
        .replace("[sources.doc]", "[sources.imdb-datasets]")
        .replace('["doc"]', '["imdb-datasets"]')
    )
    with pytest.raises(CardError, match="the importers' own"):
        card_from_mapping(tomllib.loads(raw), "x.toml")


# -- item 5: values that would break a view later ------------------------------------------------------

BROKEN_VALUES = [
    ("as_of = 2026-01-01", "as_of = 2026-01-01T10:00:00", "sources.doc.as_of", "without a time of day"),
    ("as_of = 2026-01-01", 'as_of = "2026-02-30"', "sources.doc.as_of", "not a real date"),
    ("as_of = 2026-01-01", "as_of = 1066-10-14", "sources.doc.as_of", "outside 1870–2100"),
    ("", '[[scores]]\nname = "X"\nkind = "average"\nscale = inf\nvalue = inf\nsources = ["doc"]\n',
     "scores[0].scale", "finite"),
    ("", '[[scores]]\nname = "X"\nkind = "average"\nscale = 10\nvalue = nan\nsources = ["doc"]\n',
     "scores[0].value", "finite"),
    ("", '[[scores]]\nname = "X"\nkind = "approval"\nvalue = 100.5\nsources = ["doc"]\n', "scores[0].value",
     "outside 0–100"),
    ("", '[[scores]]\nname = "X"\nkind = "average"\nscale = 10\nvalue = 8\nvotes = -1\nsources = ["doc"]\n',
     "scores[0].votes", "between 0 and"),
    ("", '[[scores]]\nname = "X"\nkind = "average"\nscale = 10\nvalue = "8"\nsources = ["doc"]\n',
     "scores[0].value", "a number without quotes"),
    ("", '[[facts]]\nkey = "runtime_minutes"\nvalue = 5.5\nsources = ["doc"]\n', "facts[0].value", "whole minutes"),
    ("", '[[facts]]\nkey = "premiere"\nvalue = "２０２５"\nsources = ["doc"]\n', "facts[0].value", "YYYY-MM-DD"),
    ("", '[[facts]]\nkey = "premiere"\nvalue = "2025-13"\nsources = ["doc"]\n', "facts[0].value", "not a real date"),
    ('title = "Heat"', 'title = "\\u200b "', "title", "only blanks or invisible"),
    ('title = "Heat"', 'title = "Heat\\u202e"', "title", "bidi control U+202E"),
    ('title = "Heat"', 'title = "Heat\\nTwo"', "title", "one line"),
    ('title = "Heat"', f'title = "{"H" * 301}"', "title", "at most 300"),
    ("", '[[plot]]\nphase = "Start"\nlevel = 100\ntext = "x"\n', "plot[0].level", "between 0 and 99"),
    ("", '[[plot]]\nphase = "?!"\nlevel = 0\ntext = "x"\n', "plot[0].phase", "letter or digit"),
    ("", "".join(f'[[plot]]\nphase = "P"\nlevel = 0\ntext = "{"x" * 8000}"\n' for _ in range(6)), "plot",
     "at most 40,000 in all"),
    ("year = 1995", "year = 1995.0", "year", "without quotes"),
    ("", 'aliases = [""]\n', "aliases[0]", "only blanks"),
]  # fmt: skip


@pytest.mark.parametrize(("old", "new", "field", "says"), BROKEN_VALUES)
def test_values_that_would_break_a_view_are_refused_by_name(
    old: str, new: str, field: str, says: str
) -> None:
    text = card("heat", "Heat", year=1995)
    # A replaced value, else tables after everything and top-level keys before the first table.
    text = text.replace(old, new) if old else (text + "\n" + new if new.startswith("[[") else new + text)
    with pytest.raises(CardError) as caught:
        card_from_mapping(tomllib.loads(text), "heat.toml")
    assert any(
        p.file == "heat.toml" and p.field == field and says in p.message for p in caught.value.problems
    ), caught.value.problems


async def test_check_and_load_name_the_broken_values_and_load_the_other_cards(tmp_path: Path) -> None:
    database = tmp_path / "filmbot.sqlite3"
    folder = shutil.copytree(FILMS_DIR, tmp_path / "films")
    folder_with(
        folder,
        dated=card("dated", "Dated").replace("as_of = 2026-01-01", "as_of = 2026-01-01T10:00:00"),
        infinite=card(
            "infinite",
            "Infinite",
            extra='\n[[scores]]\nname = "X"\nkind = "average"\nscale = inf\nvalue = inf\nsources = ["doc"]\n',
        ),
    )
    env = environment(database, FILMBOT_FILMS_DIR=str(folder))
    checked = await filmbot("films", "check", env=env, cwd=tmp_path)
    assert checked.status == 1, checked.stderr
    assert "problem  dated.toml: sources.doc.as_of: must be a date like 2025-09-19 without a time of day" in (
        checked.stdout
    )
    assert "problem  infinite.toml: scores[0].scale: must be a finite number, got inf" in checked.stdout
    loaded = await filmbot("films", "load", env=env, cwd=tmp_path)
    assert loaded.status == 1 and "1 added" in loaded.stdout and "2 card(s) skipped" in loaded.stdout
    asked = await filmbot("ask", "/film 100-meters", env=env, cwd=tmp_path)
    assert asked.status == 0 and "100 Meters (2025)" in asked.stdout, asked.stderr
    assert await film_slugs(database) == {"100-meters"}


# Any value TOML can hold, under the names a card uses.
_KEYS = st.sampled_from(
    ["slug", "title", "year", "imdb_id", "aliases", "sources", "facts", "credits", "scores", "plot", "doc",
     "key", "value", "detail", "person", "role", "character", "name", "kind", "scale", "votes", "as_of",
     "note", "phase", "level", "text", "url", "runtime_minutes", "average", "approval", "director"]
)  # fmt: skip
_SCALARS = st.one_of(
    st.text(max_size=20),
    st.sampled_from(
        ["heat", "doc", "runtime_minutes", "premiere", "average", "approval", "director", "review"]
    ),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.times(),
)
_TOML = st.recursive(
    _SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_KEYS, inner, max_size=6)
)


@settings(max_examples=300, deadline=None)
@given(raw=st.dictionaries(_KEYS, _TOML, max_size=10))
def test_the_checker_only_ever_refuses_with_named_problems(raw: dict[str, object]) -> None:
    try:
        card_from_mapping(raw, "any.toml")
    except CardError as exc:
        assert exc.problems and all(p.file == "any.toml" and p.field and p.message for p in exc.problems)


async def test_an_imdb_id_moved_to_a_new_card_goes_with_it(store: Store, tmp_path: Path) -> None:
    folder = folder_with(tmp_path / "films", zulu=card("zulu", "Zulu", imdb_id="tt0058777", year=1964))
    await load_cards(store, folder)
    # In one edit: the id leaves zulu.toml (sorted last) for a new card sorted first.
    folder_with(
        folder, zulu=card("zulu", "Zulu", year=1964), alpha=card("alpha", "Zulu", imdb_id="tt0058777")
    )
    report = await load_cards(store, folder)
    assert report.ok and report.added == ["alpha"] and report.updated == ["zulu"]
    alpha = await store.films.get("alpha")
    assert alpha is not None and alpha.imdb_id == "tt0058777"
