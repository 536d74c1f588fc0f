from __future__ import annotations

from pathlib import Path

import pytest

from bot.catalog.cards import CardError, parse_card
from bot.catalog.loader import load_cards
from bot.store import Store
from tests.conftest import FILMS_DIR

MINIMAL = """
slug = "{slug}"
title = "{title}"
year = {year}

[sources.doc]
title = "Doc"
kind = "review"
as_of = "2026-01-01"

[[facts]]
key = "runtime_minutes"
value = {runtime}
sources = ["doc"]
"""


def write(folder: Path, slug: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{slug}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def minimal(slug: str = "x", title: str = "X", year: int = 2000, runtime: int = 90) -> str:
    return MINIMAL.format(slug=slug, title=title, year=year, runtime=runtime)


def test_the_100_meters_card_is_complete() -> None:
    card = parse_card(FILMS_DIR / "100-meters.toml")
    assert card.title == "100 Meters" and card.year == 2025
    keys = {f.key for f in card.facts}
    # No document labels a production company or dates the Netflix release, so neither key is here.
    for key in ("source_work", "source_years", "studio", "distributor", "premiere", "release_theatrical",
                "runtime_minutes", "genre", "technique", "tagline", "box_office"):  # fmt: skip
        assert key in keys, key
    roles = {c.role for c in card.credits}
    assert {"director", "original_creator", "composer", "character_designer", "voice"} <= roles
    # The runtime disagreement is kept, each value with its own source.
    runtimes = {(f.value, f.source) for f in card.facts if f.key == "runtime_minutes"}
    assert {v for v, _ in runtimes} == {"106", "107"}
    assert len({s for _, s in runtimes}) == 2
    assert len({f.value for f in card.facts if f.key == "box_office"}) == 2
    scores = {(s.name, s.value) for s in card.scores}
    assert {v for _, v in scores} == {100.0, 92.0, 8.1, 3.8, 7.7}
    assert [p.spoiler_level for p in card.plot] == sorted(p.spoiler_level for p in card.plot)
    assert card.plot[0].spoiler_level == 0


@pytest.mark.parametrize(
    ("text", "field", "says"),
    [
        ("slug = 'x'\ntitle = ", "(file)", "not valid TOML"),
        (minimal().replace('title = "X"', ""), "title", "is required"),
        (minimal().replace("year = 2000", "year = 20000"), "year", "between 1870 and 2100"),
        (minimal(runtime=0), "facts[0].value", "whole minutes"),
        (minimal().replace('sources = ["doc"]', 'sources = ["nope"]'), "facts[0].sources", "unknown source"),
        (minimal().replace('key = "runtime_minutes"', 'key = "mood"'), "facts[0].key", "not a known fact"),
        ("favourite = true\n" + minimal(), "favourite", "not a card field"),
        (minimal() + "colour = 1\n", "facts[0].colour", "not a field here"),
        (
            minimal() + '\n[[scores]]\nname = "IMDb"\nkind = "average"\nvalue = 8\nsources = ["doc"]\n',
            "scores[0].scale",
            "needs its scale",
        ),
        (
            minimal() + '\n[[scores]]\nname = "RT"\nkind = "approval"\nvalue = 120\nsources = ["doc"]\n',
            "scores[0].value",
            "0–100",
        ),
        (
            minimal() + '\n[[facts]]\nkey = "premiere"\nvalue = "Sept 2025"\nsources = ["doc"]\n',
            "facts[1].value",
            "YYYY",
        ),
    ],
)
def test_broken_cards_name_file_field_and_problem(tmp_path: Path, text: str, field: str, says: str) -> None:
    path = write(tmp_path, "x", text)
    with pytest.raises(CardError) as caught:
        parse_card(path)
    assert any(
        p.file == "x.toml" and p.field == field and says in p.message for p in caught.value.problems
    ), caught.value.problems


def test_slug_must_match_file_name(tmp_path: Path) -> None:
    with pytest.raises(CardError, match="must match the file name"):
        parse_card(write(tmp_path, "y", minimal(slug="x")))


def test_unicode_titles_load(tmp_path: Path) -> None:
    card = parse_card(
        write(tmp_path, "amelie", minimal(slug="amelie", title="Le Fabuleux Destin d’Amélie Poulain"))
    )
    assert card.title == "Le Fabuleux Destin d’Amélie Poulain"


async def test_loader_is_idempotent_and_follows_edits_and_removals(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "films"
    write(folder, "a", minimal(slug="a", title="A"))
    write(folder, "b", minimal(slug="b", title="B"))
    first = await load_cards(store, folder)
    assert sorted(first.added) == ["a", "b"]
    again = await load_cards(store, folder)
    assert sorted(again.unchanged) == ["a", "b"] and not again.added and not again.updated
    write(folder, "a", minimal(slug="a", title="A", runtime=95))
    (folder / "b.toml").unlink()
    edited = await load_cards(store, folder)
    assert edited.updated == ["a"] and edited.removed == ["b"]
    record = await store.films.get("a")
    assert record is not None and [f.value for f in record.facts] == ["95"]


async def test_broken_card_is_skipped_and_others_load(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "films"
    write(folder, "good", minimal(slug="good", title="Good"))
    write(folder, "bad", "this is = = not toml")
    report = await load_cards(store, folder)
    assert report.added == ["good"]
    assert [p.file for p in report.problems] == ["bad.toml"]
    assert not report.ok


async def test_a_broken_card_does_not_remove_its_film(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "films"
    write(folder, "a", minimal(slug="a", title="A"))
    await load_cards(store, folder)
    write(folder, "a", "broken = ")
    report = await load_cards(store, folder)
    assert report.removed == [] and len(await store.films.slugs()) == 1


async def test_removed_card_is_kept_when_member_data_refers_to_it(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "films"
    write(folder, "a", minimal(slug="a", title="A"))
    write(folder, "b", minimal(slug="b", title="B"))
    await load_cards(store, folder)
    summary = await store.films.summary_by_slug("a")
    assert summary is not None
    async with store.db.transaction() as conn:
        await conn.execute("CREATE TABLE member_refs (film_id INTEGER NOT NULL REFERENCES films (id))")
        await conn.execute("INSERT INTO member_refs VALUES (?)", (summary.id,))
    (folder / "a.toml").unlink()
    report = await load_cards(store, folder)
    assert report.kept and report.kept[0][0] == "a"
    assert any("kept a" in line for line in report.lines())
