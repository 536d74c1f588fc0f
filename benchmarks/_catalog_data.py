"""A realistic synthetic film catalog, deterministic for a seed, for catalog tests and benchmarks.

Varied title shapes ("The Silent River", "Night of the Iron Wolf", "Harbor 3"), remakes (one title in
several years), foreign original titles with accents and other scripts, aliases, directors, genres,
runtimes and IMDb-style ratings. Written as IMDb-layout TSV or as CSV, the formats the importer reads.
"""

from __future__ import annotations

import csv
import gzip
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ADJECTIVES = [
    "Silent",
    "Last",
    "Hidden",
    "Broken",
    "Golden",
    "Dark",
    "Lost",
    "Burning",
    "Quiet",
    "Crimson",
    "Endless",
    "Wild",
    "Frozen",
    "Secret",
    "Little",
    "Electric",
    "Hollow",
    "Distant",
    "Bitter",
    "Sacred",
    "Savage",
    "Gentle",
    "Velvet",
    "Iron",
    "Paper",
    "Glass",
    "Midnight",
    "Northern",
    "Lonely",
    "Restless",
    "Scarlet",
    "Forgotten",
    "Wandering",
    "Eternal",
    "Shattered",
    "Painted",
    "Sleeping",
    "Final",
    "Brave",
    "Strange",
    "Pale",
]
NOUNS = [
    "River",
    "Night",
    "Road",
    "Garden",
    "Mirror",
    "Storm",
    "House",
    "Kingdom",
    "Shadow",
    "Promise",
    "Summer",
    "Winter",
    "Harbor",
    "Station",
    "Island",
    "Empire",
    "Letter",
    "Voyage",
    "Heart",
    "Crown",
    "Machine",
    "Orchard",
    "Dream",
    "Witness",
    "Stranger",
    "Horizon",
    "Signal",
    "Tide",
    "Frontier",
    "Wolf",
    "Sparrow",
    "Lantern",
    "Canyon",
    "Circus",
    "Forest",
    "Bridge",
    "Mountain",
    "Desert",
    "Ocean",
    "Planet",
    "Ghost",
    "Soldier",
    "Dancer",
    "Hunter",
    "Pilgrim",
    "Prophet",
    "Thief",
    "Detective",
    "Runner",
    "Meters",
    "Miles",
    "Ticket",
    "Orbit",
    "Echo",
    "Harvest",
    "Fever",
    "Angel",
]
NAMES = [
    "Anna",
    "Marco",
    "Yuki",
    "Lena",
    "Tomas",
    "Ines",
    "Ravi",
    "Sofia",
    "Kenji",
    "Amara",
    "Pablo",
    "Mira",
    "Oskar",
    "Nadia",
    "Hugo",
    "Elif",
    "Ivan",
    "Chloé",
    "Jonas",
    "Leila",
    "Mateo",
    "Astrid",
    "Kwame",
    "Noor",
    "Dmitri",
    "Zoé",
    "Björn",
    "Aiko",
    "Luca",
    "Ingrid",
]
SURNAMES = [
    "Iwaisawa",
    "Moreau",
    "Okafor",
    "Lindqvist",
    "Tanaka",
    "Novak",
    "Fernández",
    "Kowalski",
    "Haddad",
    "Rossi",
    "Nakamura",
    "Petrov",
    "Dubois",
    "Mendes",
    "Schmidt",
    "Kim",
    "Abebe",
    "Larsen",
    "Costa",
    "Yilmaz",
    "Horvat",
    "Silva",
    "Sato",
    "Weber",
    "Ortiz",
    "Varga",
    "Kaur",
    "Berg",
    "Laine",
    "Moretti",
]
FOREIGN = [
    "La Nuit Étoilée",
    "Le Fabuleux Voyage",
    "Das Schweigen",
    "Der Lange Weg",
    "El Laberinto",
    "Los Olvidados",
    "Il Sorpasso",
    "La Strada Bianca",
    "Yoru no Kawa",
    "Kaze no Oka",
    "Hoshi o Ou",
    "Солнечный удар",
    "Тихий Дон",
    "Сталкер",
    "Människor",
    "Skammen",
    "Ça Commence",
    "Ángeles Caídos",
    "Mädchen in Uniform",
    "Żywot",
    "東京物語",
    "千と千尋",
    "Ölüm Yolu",
    "Cœurs",
]
GENRES = [
    "Drama",
    "Comedy",
    "Thriller",
    "Horror",
    "Romance",
    "Animation",
    "Documentary",
    "Sci-Fi",
    "Fantasy",
    "Crime",
    "Mystery",
    "War",
    "Western",
    "Musical",
    "Adventure",
    "Family",
    "Sport",
    "History",
]
NUMERALS = ("II", "III", "2", "3", "Part Two", "Returns")


@dataclass(frozen=True, slots=True)
class SynthFilm:
    tconst: str
    title: str
    original_title: str
    year: int
    runtime: int | None
    genres: tuple[str, ...]
    directors: tuple[str, ...]
    aliases: tuple[str, ...]
    rating: float | None
    votes: int | None


def _title(rng: random.Random) -> str:
    shape = rng.random()
    adj, noun, noun2 = rng.choice(ADJECTIVES), rng.choice(NOUNS), rng.choice(NOUNS)
    if shape < 0.25:
        return f"The {adj} {noun}"
    if shape < 0.40:
        return f"{noun} of the {adj} {noun2}"
    if shape < 0.52:
        return f"{rng.choice(NAMES)}'s {noun}"
    if shape < 0.62:
        return f"{adj} {noun}s"
    if shape < 0.70:
        return f"{noun} {rng.randint(1, 999)}"
    if shape < 0.78:
        return f"{adj} {noun}: {rng.choice(NUMERALS)}"
    if shape < 0.86:
        return f"{noun} and {noun2}"
    if shape < 0.93:
        return f"A {noun} in {rng.choice(NAMES)}'s {noun2}"
    return f"{adj} {noun} {noun2}"


def films(count: int, seed: int = 8, *, first_id: int = 1_000_000) -> Iterator[SynthFilm]:
    """``count`` films; about 3% share a title with an earlier film (a remake in another year). IMDb ids
    count up from tt``first_id``."""
    rng = random.Random(seed)
    titles: list[str] = []
    for n in range(count):
        if titles and rng.random() < 0.03:
            title = rng.choice(titles[-5000:])  # a remake
        else:
            title = _title(rng)
            titles.append(title)
        foreign = rng.random() < 0.12
        original = (
            rng.choice(FOREIGN) + (f" {rng.randint(2, 99)}" if rng.random() < 0.7 else "")
            if foreign
            else title
        )
        aliases: tuple[str, ...] = ()
        if rng.random() < 0.15:
            aliases = (f"{title.split(':')[0]} ({rng.choice(('US', 'UK', 'working title'))})",)
        yield SynthFilm(
            tconst=f"tt{first_id + n:07d}",
            title=title,
            original_title=original,
            year=rng.randint(1920, 2025),
            runtime=rng.randint(60, 200) if rng.random() < 0.9 else None,
            genres=tuple(rng.sample(GENRES, rng.randint(1, 3))),
            directors=tuple(
                f"{rng.choice(NAMES)} {rng.choice(SURNAMES)}" for _ in range(1 if rng.random() < 0.9 else 2)
            ),
            aliases=aliases,
            rating=round(rng.uniform(1.0, 9.8), 1) if rng.random() < 0.8 else None,
            votes=rng.randint(5, 2_000_000) if rng.random() < 0.8 else None,
        )


def write_csv(path: Path, catalog: Iterator[SynthFilm]) -> int:
    """A CSV with the importer's default headers; returns the number of films written."""
    written = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["imdb_id", "title", "original_title", "year", "director", "runtime", "genres", "aliases",
             "imdb_rating", "imdb_votes"]
        )  # fmt: skip
        for film in catalog:
            writer.writerow(
                [
                    film.tconst, film.title, film.original_title, film.year, "; ".join(film.directors),
                    film.runtime or "", ", ".join(film.genres), "; ".join(film.aliases),
                    film.rating if film.rating is not None else "", film.votes if film.votes is not None else "",
                ]
            )  # fmt: skip
            written += 1
    return written


def write_imdb(folder: Path, catalog: Iterator[SynthFilm], *, gz: bool = True) -> int:
    """IMDb dataset files (title.basics, title.ratings, title.akas) for the catalog."""
    folder.mkdir(parents=True, exist_ok=True)
    suffix = ".tsv.gz" if gz else ".tsv"

    def opener(name: str):  # type: ignore[no-untyped-def]
        path = folder / f"{name}{suffix}"
        return (
            gzip.open(path, "wt", encoding="utf-8", compresslevel=1)
            if gz
            else path.open("w", encoding="utf-8")
        )

    written = 0
    with opener("title.basics") as basics, opener("title.ratings") as ratings, opener("title.akas") as akas:
        basics.write("tconst\ttitleType\tprimaryTitle\toriginalTitle\tisAdult\tstartYear\tendYear\t"
                     "runtimeMinutes\tgenres\n")  # fmt: skip
        ratings.write("tconst\taverageRating\tnumVotes\n")
        akas.write("titleId\tordering\ttitle\tregion\tlanguage\ttypes\tattributes\tisOriginalTitle\n")
        for film in catalog:
            runtime = str(film.runtime) if film.runtime else "\\N"
            basics.write(
                f"{film.tconst}\tmovie\t{film.title}\t{film.original_title}\t0\t{film.year}\t\\N\t{runtime}\t"
                f"{','.join(film.genres)}\n"
            )
            if film.rating is not None and film.votes is not None:
                ratings.write(f"{film.tconst}\t{film.rating}\t{film.votes}\n")
            for n, alias in enumerate(film.aliases, start=1):
                akas.write(f"{film.tconst}\t{n}\t{alias}\tUS\t\\N\t\\N\t\\N\t0\n")
            written += 1
    return written
