"""Title matching: every spelling a member types (typos, punctuation, word order, aliases) finds the film.

The index keeps each film's names (slug, title, original title, aliases) normalized, and ranks them with
RapidFuzz's scorers, which are compiled and far faster than ``difflib`` at catalog scale.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.films.models import FilmSummary

_NON_WORD = re.compile(r"[^\w]+")
_YEAR = re.compile(r"(?:^|\s)\(?((?:18[7-9]|19\d|20\d)\d)\)?$")
# Spelling variants folded to one form before comparing.
_VARIANTS = {"metres": "meters", "metre": "meter", "colour": "color", "theatre": "theater", "and": "&"}


def normalize(text: str) -> str:
    """Lowercase, strip accents and punctuation, fold spelling variants; '100-Metres!' -> '100 meters'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    words = _NON_WORD.sub(" ", stripped.replace("'", "").replace("’", "")).split()
    return " ".join(_VARIANTS.get(w, w) for w in words)


def split_year(query: str) -> tuple[str, int | None]:
    """'Solaris (1972)' -> ('Solaris', 1972). A title that is only a year stays a title."""
    match = _YEAR.search(query.strip())
    if match and match.start() > 0:
        return query[: match.start()].strip(), int(match.group(1))
    return query, None


@dataclass(frozen=True, slots=True)
class Match:
    film: FilmSummary
    score: float
    matched: str


def _keys(film: FilmSummary) -> Iterable[str]:
    yield film.slug.replace("-", " ")
    yield film.title
    if film.original_title:
        yield film.original_title
    yield from film.aliases


def score_key(query: str, key: str) -> float:
    """0–100: how well a normalized query matches one normalized name."""
    if not query or not key:
        return 0.0
    if query == key:
        return 100.0
    compact_q, compact_k = query.replace(" ", ""), key.replace(" ", "")
    if compact_q == compact_k:
        return 99.0
    if key.startswith(query) or compact_k.startswith(compact_q):
        # A typed prefix: the more of the name it covers, the better.
        return 90.0 + 8.0 * len(compact_q) / max(len(compact_k), 1)
    return max(
        fuzz.ratio(query, key),
        fuzz.token_sort_ratio(query, key),
        fuzz.ratio(compact_q, compact_k),
        # A partial match counts, but less, so a short query does not match every long title.
        fuzz.partial_ratio(query, key) * 0.9 if len(query) >= 4 else 0.0,
    )


class TitleIndex:
    """An in-memory index of every film's names."""

    def __init__(self, films: Iterable[FilmSummary] = ()) -> None:
        self._films: list[FilmSummary] = []
        self._keys: list[str] = []
        self._owner: list[int] = []
        self._by_slug: dict[str, FilmSummary] = {}
        for film in films:
            self.add(film)

    def __len__(self) -> int:
        return len(self._films)

    def add(self, film: FilmSummary) -> None:
        index = len(self._films)
        self._films.append(film)
        self._by_slug[film.slug] = film
        for key in dict.fromkeys(normalize(k) for k in _keys(film)):
            if key:
                self._keys.append(key)
                self._owner.append(index)

    def by_slug(self, slug: str) -> FilmSummary | None:
        return self._by_slug.get(slug)

    def search(self, query: str, limit: int = 25, *, cutoff: float = 55.0) -> list[Match]:
        """The best films for ``query``, best first; a trailing year prefers films of that year."""
        text, year = split_year(query)
        wanted = normalize(text)
        if not wanted:
            return []
        scored = process.extract(
            wanted, self._keys, scorer=_scorer, processor=None, limit=max(limit * 4, 50), score_cutoff=cutoff
        )
        best: dict[int, Match] = {}
        for key, score, position in scored:
            owner = self._owner[position]
            film = self._films[owner]
            if year is not None and film.year is not None:
                score += 5.0 if film.year == year else -5.0
            current = best.get(owner)
            if current is None or score > current.score:
                best[owner] = Match(film=film, score=float(score), matched=key)
        ranked = sorted(
            best.values(),
            key=lambda m: (-m.score, -(m.film.year or 0), m.film.title.casefold(), m.film.slug),
        )
        return ranked[:limit]

    def first(self, limit: int) -> list[FilmSummary]:
        """Films in title order, for an empty query."""
        return sorted(self._films, key=lambda f: (f.title.casefold(), f.year or 0))[:limit]


def _scorer(query: str, key: str, *, score_cutoff: float | None = None, **_: object) -> float:
    score = score_key(query, key)
    return score if score_cutoff is None or score >= score_cutoff else 0.0
