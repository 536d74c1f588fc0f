"""IMDb-layout dataset files of synthetic films, and a local server for them, for ``benchmarks.download``.

All six files (``title.basics``, ``title.akas``, ``title.crew``, ``title.principals``, ``title.ratings``,
``name.basics``; ``.tsv.gz``) in IMDb's documented columns, films only (IMDb's own files also hold about
ten times as many other titles, which the importer passes over).
"""

from __future__ import annotations

import contextlib
import gzip
import random
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

from aiohttp import web

from benchmarks._catalog_data import NAMES, SURNAMES, SynthFilm, films, write_imdb
from tests.local_server import serve as serve_locally

PEOPLE = [f"{first} {last}" for first in NAMES for last in SURNAMES]
NCONST = {name: f"nm{n + 1:07d}" for n, name in enumerate(PEOPLE)}


def write_dataset(folder: Path, count: int) -> None:
    """All six files for ``count`` films: basics, ratings and akas from ``benchmarks._catalog_data``; crew,
    principals (directors and four cast) and names made here from the same films."""
    write_imdb(folder, films(count))
    rng = random.Random(12)
    with (
        gzip.open(folder / "title.crew.tsv.gz", "wt", encoding="utf-8", compresslevel=1) as crew,
        gzip.open(folder / "title.principals.tsv.gz", "wt", encoding="utf-8", compresslevel=1) as principals,
    ):
        crew.write("tconst\tdirectors\twriters\n")
        principals.write("tconst\tordering\tnconst\tcategory\tjob\tcharacters\n")
        for film in films(count):
            directors = [NCONST[name] for name in film.directors]
            crew.write(f"{film.tconst}\t{','.join(directors)}\t{rng.choice(list(NCONST.values()))}\n")
            for ordering, (nconst, category, character) in enumerate(_principals(film, directors, rng), 1):
                principals.write(f"{film.tconst}\t{ordering}\t{nconst}\t{category}\t\\N\t{character}\n")
    with gzip.open(folder / "name.basics.tsv.gz", "wt", encoding="utf-8", compresslevel=1) as names:
        names.write("nconst\tprimaryName\tbirthYear\tdeathYear\tprimaryProfession\tknownForTitles\n")
        for name, nconst in NCONST.items():
            names.write(f"{nconst}\t{name}\t1960\t\\N\tactor,director\t\\N\n")


def _principals(film: SynthFilm, directors: list[str], rng: random.Random) -> Iterator[tuple[str, str, str]]:
    for nconst in directors:
        yield nconst, "director", "\\N"
    for n in range(4):
        yield NCONST[rng.choice(PEOPLE)], rng.choice(("actor", "actress")), f'["Role {n + 1}"]'


@contextlib.asynccontextmanager
async def serve(folder: Path) -> AsyncIterator[str]:
    """``folder`` over HTTP on 127.0.0.1, as aiohttp serves static files (ETag, 304, Range)."""
    app = web.Application()
    app.router.add_static("/", folder)
    runner, port = await serve_locally(app, handle_signals=False, access_log=None)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        await runner.cleanup()
