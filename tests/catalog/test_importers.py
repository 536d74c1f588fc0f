"""The importers on small files written here: IMDb layout, gzip, CSV and JSON, bad rows and values."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.catalog.importing import import_catalog
from bot.catalog.importing.tabular import parse_map
from bot.errors import BadInput
from bot.store import Store
from tests.catalog._helpers import imdb_folder


@pytest.mark.parametrize("gz", [True, False])
async def test_imdb_files_plain_or_gzipped(store: Store, tmp_path: Path, gz: bool) -> None:
    report = await import_catalog(store, imdb_folder(tmp_path / "imdb", gz=gz), "imdb")
    # Solaris ×2, Amélie, Logistics, Broken Runtime, No Year, Bad Year; not the series, the untitled row,
    # the repeated id or the short line.
    assert report.added == 7
    assert report.skipped_rows["not a film (titleType tvSeries)"].lines == [5]
    assert report.skipped_rows["no title"].lines == [9]
    assert report.skipped_rows["duplicate id (the first one is kept)"].lines == [10]
    assert report.skipped_rows["malformed line (3 columns, expected 9)"].lines == [11]
    assert report.skipped_values["runtime: outside 1–60,000 minutes"].lines == [7]
    assert report.skipped_values["year: not a four-digit year"].lines == [12]

    solaris = await store.films.get("solaris-1972")
    assert solaris is not None
    assert solaris.imdb_id == "tt0069293" and solaris.origin == "import"
    assert solaris.summary.original_title == "Solyaris"
    assert "Солярис" in solaris.summary.aliases
    assert [(c.person, c.role, c.character) for c in solaris.credits] == [
        ("Natalya Bondarchuk", "cast", "Hari"),
        ("Donatas Banionis", "cast", "Kris Kelvin"),
        ("Andrei Tarkovsky", "director", None),
    ]
    assert [f.value for f in solaris.facts if f.key == "genre"] == ["Drama", "Mystery", "Sci-Fi"]
    (score,) = solaris.scores
    assert (score.name, score.value, score.scale, score.votes) == ("IMDb", 8.0, 10.0, 100000)
    (source,) = solaris.sources
    assert (source.key, source.kind, source.title) == (
        "imdb-datasets",
        "dataset",
        "IMDb non-commercial datasets",
    )

    # Same title, another year: another film.
    remake = await store.films.get("solaris-2002")
    assert remake is not None and remake.imdb_id == "tt0307479"
    # A huge but real runtime is kept; a broken one is left out, the film kept.
    logistics = await store.films.get("logistics-2012")
    assert logistics is not None and [f.value for f in logistics.facts if f.key == "runtime_minutes"] == [
        "51420"
    ]
    broken = await store.films.get("broken-runtime-2020")
    assert broken is not None and not [f for f in broken.facts if f.key == "runtime_minutes"]
    amelie = await store.films.get("amelie-2001")
    assert amelie is not None and amelie.title == "Amélie"


async def test_reimport_is_idempotent_and_picks_up_changes(store: Store, tmp_path: Path) -> None:
    folder = imdb_folder(tmp_path / "imdb", gz=False)
    await import_catalog(store, folder, "imdb")
    again = await import_catalog(store, folder, "imdb")
    assert (again.added, again.updated, again.unchanged) == (0, 0, 7)
    ratings = folder / "title.ratings.tsv"
    ratings.write_text(ratings.read_text().replace("8.0\t100000", "8.1\t100500"))
    changed = await import_catalog(store, folder, "imdb")
    assert (changed.added, changed.updated, changed.unchanged) == (0, 1, 6)
    solaris = await store.films.get("solaris-1972")
    assert solaris is not None and [(s.value, s.votes) for s in solaris.scores] == [(8.1, 100500)]
    assert len(await store.films.slugs()) == 7


async def test_dry_run_reads_everything_and_writes_nothing(store: Store, tmp_path: Path) -> None:
    report = await import_catalog(store, imdb_folder(tmp_path / "imdb"), "imdb", dry_run=True)
    assert report.added == 7
    assert "would be added" in report.lines()[0]
    assert len(await store.films.slugs()) == 0


async def test_csv_with_map_bad_values_and_unicode(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text(
        "Film Name,Released,Dir,Length,Kinds,Score\n"
        "Heat,1995-12-15,Michael Mann,170,Crime; Drama,8.3\n"
        '"Crouching Tiger, Hidden Dragon",2000,Ang Lee,2h 0m,Action,7.9\n'
        "東京物語,3 November 1953,小津安二郎,136,Drama,8.1\n"
        "Broken,sometime,Nobody,long,Drama,eleven\n"
        ",2000,Someone,90,Drama,5\n"
        "Too,Many,Columns,1,2,3,4\n",
        encoding="utf-8",
    )
    mapping = parse_map(
        "Film Name=title,Released=release_date,Dir=director,Length=runtime,Kinds=genres,Score=imdb_rating"
    )
    report = await import_catalog(store, path, "csv", mapping=mapping)
    assert report.added == 4
    assert report.skipped_rows["no title"].lines == [6]
    assert report.skipped_rows["7 columns where the header has 6"].lines == [7]
    assert report.skipped_values["release_date: not a date like 2025-09-19"].lines == [5]
    assert report.skipped_values["runtime: not a number of minutes"].lines == [5]
    assert report.skipped_values["imdb_rating: not a number"].lines == [5]
    heat = await store.films.get("heat-1995")
    assert heat is not None
    assert [(f.key, f.value) for f in heat.facts] == [
        ("runtime_minutes", "170"), ("release_theatrical", "1995-12-15"), ("genre", "Crime"), ("genre", "Drama")
    ]  # fmt: skip
    tiger = await store.films.get("crouching-tiger-hidden-dragon-2000")
    assert tiger is not None and [f.value for f in tiger.facts if f.key == "runtime_minutes"] == ["120"]
    tokyo = [s for s in await store.films.summaries() if s.title == "東京物語"]
    assert tokyo and tokyo[0].year == 1953
    broken = [s for s in await store.films.summaries() if s.title == "Broken"]
    assert broken and broken[0].year is None


async def test_csv_recognizes_common_headers_and_refuses_unknown_columns(
    store: Store, tmp_path: Path
) -> None:
    path = tmp_path / "imdb-export.csv"
    path.write_text(
        "Const,Title,Title Type,Year,Runtime (mins),Directors,IMDb Rating,Num Votes,Genres\n"
        "tt0111161,The Shawshank Redemption,Movie,1994,142,Frank Darabont,9.3,2900000,Drama\n"
        "tt0903747,Breaking Bad,TV Series,2008,49,,9.5,2000000,Drama\n",
        encoding="utf-8",
    )
    report = await import_catalog(store, path, "csv")
    assert report.added == 1 and report.skipped_rows["not a film (title type)"].lines == [3]
    film = await store.films.get("the-shawshank-redemption-1994")
    assert film is not None and film.imdb_id == "tt0111161"
    assert [(s.name, s.value, s.votes) for s in film.scores] == [("IMDb", 9.3, 2900000)]
    with pytest.raises(BadInput, match="not in the file"):
        await import_catalog(store, path, "csv", mapping={"Nope": "title"})
    with pytest.raises(BadInput, match="must be column=field"):
        parse_map("Title=nonsense")


async def test_json_array_and_json_lines(store: Store, tmp_path: Path) -> None:
    array = tmp_path / "films.json"
    array.write_text(
        json.dumps(
            [
                {
                    "title": "Paprika",
                    "year": 2006,
                    "genres": ["Animation", "Sci-Fi"],
                    "director": "Satoshi Kon",
                },
                {"title": "Perfect Blue", "year": "1997", "runtime": 81},
                "not an object",
                {"year": 2001},
                {"title": "Millennium Actress", "year": 2001, "runtime": 99999999},
            ],
            indent=2,
        ),
        encoding="utf-8",
    )
    report = await import_catalog(store, array, "json")
    assert report.added == 3
    assert report.skipped_rows["not a JSON object"].count == 1
    assert report.skipped_rows["no title"].count == 1
    assert report.skipped_values["runtime: outside 1–60,000 minutes"].count == 1
    paprika = await store.films.get("paprika-2006")
    assert paprika is not None and [c.person for c in paprika.credits] == ["Satoshi Kon"]

    lines = tmp_path / "films.jsonl"
    lines.write_text('{"title": "Tokyo Godfathers", "year": 2003}\n{"title": "Broken\n', encoding="utf-8")
    # A list cut short is unusable as a whole: nothing of it is written, the line is named.
    with pytest.raises(BadInput, match=r"films.jsonl: line 2: invalid JSON; nothing was imported"):
        await import_catalog(store, lines, "json")
    assert await store.films.summary_by_slug("tokyo-godfathers-2003") is None


async def test_duplicate_rows_in_one_file_keep_the_first(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "dupes.csv"
    path.write_text("title,year,runtime\nHeat,1995,170\nHEAT,1995,171\nHeat,1986,100\n", encoding="utf-8")
    report = await import_catalog(store, path, "csv")
    assert report.added == 2
    assert report.skipped_rows["duplicate film (the first one is kept)"].lines == [3]
