"""Small dataset files written by the tests, in each format the importer reads."""

from __future__ import annotations

import gzip
from pathlib import Path

BASICS_HEADER = (
    "tconst\ttitleType\tprimaryTitle\toriginalTitle\tisAdult\tstartYear\tendYear\truntimeMinutes\tgenres"
)


def write_tsv(path: Path, header: str, rows: list[str], *, gz: bool) -> Path:
    text = "\n".join([header, *rows]) + "\n"
    if gz:
        target = path.with_name(path.name + ".gz")
        with gzip.open(target, "wt", encoding="utf-8") as handle:
            handle.write(text)
        return target
    path.write_text(text, encoding="utf-8")
    return path


def imdb_folder(folder: Path, *, gz: bool = True, basics: list[str] | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    write_tsv(
        folder / "title.basics.tsv",
        BASICS_HEADER,
        basics
        or [
            "tt0069293\tmovie\tSolaris\tSolyaris\t0\t1972\t\\N\t167\tDrama,Mystery,Sci-Fi",
            "tt0307479\tmovie\tSolaris\tSolaris\t0\t2002\t\\N\t99\tDrama,Romance,Sci-Fi",
            "tt0211915\tmovie\tAmélie\tLe Fabuleux Destin d'Amélie Poulain\t0\t2001\t\\N\t122\tComedy,Romance",
            "tt0903747\ttvSeries\tBreaking Bad\tBreaking Bad\t0\t2008\t2013\t49\tCrime,Drama",
            "tt2659636\tmovie\tLogistics\tLogistics\t0\t2012\t\\N\t51420\tDocumentary",
            "tt9999991\tmovie\tBroken Runtime\tBroken Runtime\t0\t2020\t\\N\t99999999\tDrama",
            "tt9999992\ttvMovie\tNo Year\tNo Year\t0\t\\N\t\\N\t\\N\t\\N",
            "tt9999993\tmovie\t\\N\t\\N\t0\t2000\t\\N\t90\tDrama",
            "tt0069293\tmovie\tSolaris Again\tSolaris\t0\t1972\t\\N\t167\tDrama",
            "tt9999994\tmovie\ttoo few columns",
            "tt9999995\tmovie\tBad Year\tBad Year\t0\t19x5\t\\N\t90\tDrama",
        ],
        gz=gz,
    )
    write_tsv(
        folder / "title.ratings.tsv",
        "tconst\taverageRating\tnumVotes",
        [
            "tt0069293\t8.0\t100000",
            "tt0307479\t6.2\t90000",
            "tt0903747\t9.5\t2000000",
            "tt0211915\t8.3\t800000",
        ],
        gz=gz,
    )
    write_tsv(
        folder / "title.akas.tsv",
        "titleId\tordering\ttitle\tregion\tlanguage\ttypes\tattributes\tisOriginalTitle",
        [
            "tt0069293\t1\tSolyaris\t\\N\t\\N\toriginal\t\\N\t1",
            "tt0069293\t2\tСолярис\tSU\tru\t\\N\t\\N\t0",
            "tt0211915\t1\tAmelie from Montmartre\tGB\t\\N\t\\N\t\\N\t0",
        ],
        gz=gz,
    )
    write_tsv(
        folder / "title.principals.tsv",
        "tconst\tordering\tnconst\tcategory\tjob\tcharacters",
        [
            'tt0069293\t1\tnm0001\tactress\t\\N\t["Hari"]',
            'tt0069293\t2\tnm0002\tactor\t\\N\t["Kris Kelvin"]',
            "tt0069293\t5\tnm0003\tdirector\t\\N\t\\N",
            "tt0307479\t1\tnm0004\tdirector\t\\N\t\\N",
        ],
        gz=gz,
    )
    write_tsv(
        folder / "name.basics.tsv",
        "nconst\tprimaryName\tbirthYear\tdeathYear\tprimaryProfession\tknownForTitles",
        [
            "nm0001\tNatalya Bondarchuk\t1950\t\\N\tactress\ttt0069293",
            "nm0002\tDonatas Banionis\t1924\t2014\tactor\ttt0069293",
            "nm0003\tAndrei Tarkovsky\t1932\t1986\tdirector\ttt0069293",
            "nm0004\tSteven Soderbergh\t1963\t\\N\tdirector\ttt0307479",
            "nm0009\tSomeone Else\t1963\t\\N\tactor\ttt0000001",
        ],
        gz=gz,
    )
    return folder


CARD = """
slug = "solaris-tarkovsky"
title = "Solaris"
year = 1972
imdb_id = "tt0069293"
aliases = ["Solaris (Tarkovsky)"]

[sources.press]
title = "A press kit"
kind = "official"
as_of = "2024-05-01"

[[facts]]
key = "runtime_minutes"
value = 166
sources = ["press"]

[[credits]]
person = "Andrei Tarkovsky"
role = "director"
sources = ["press"]
"""


def cards_folder(folder: Path, card: str = CARD) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "solaris-tarkovsky.toml").write_text(card, encoding="utf-8")
    return folder
