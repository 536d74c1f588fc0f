"""The title index filmbot kept in memory before the index moved to the database (migration 0007),
kept as the baseline ``benchmarks.catalog`` measures against: its memory and start-up grow with the
catalog.

Each film's names are normalized once into Python objects; a query takes names that *start with* it from a
sorted array found by bisection, and names sharing the most word trigrams with it (counted with
``numpy.bincount`` over a compressed trigram → names table), then re-ranks them as filmbot does
(``bot.films.search.rank``).
"""

from __future__ import annotations

import bisect
import heapq
from collections.abc import Iterable, Mapping

import numpy as np
import numpy.typing as npt

from bot.films.matching import Match, name_keys
from bot.films.models import FilmSummary, NameHit
from bot.films.search import parse, rank

# How many trigram candidates and prefix candidates are re-ranked per query.
TRIGRAM_CANDIDATES = 160
PREFIX_CANDIDATES = 96
# At most this many trigram postings are counted per query (the rarest trigrams first).
POSTINGS_BUDGET = 40_000


def trigrams(key: str) -> set[str]:
    """Word trigrams of a normalized name, each word padded: word order does not change them."""
    grams: set[str] = set()
    for word in key.split():
        padded = f" {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return grams


IntArray = npt.NDArray[np.int32]


class TitleIndex:
    """An immutable in-memory index of every film's names; build a new one when the catalog changes."""

    def __init__(
        self, films: Iterable[FilmSummary] = (), popularity: Mapping[int, int] | None = None
    ) -> None:
        """``popularity``: film id -> rating votes; among equally good matches the better known comes first."""
        popularity = popularity or {}
        self._films: list[FilmSummary] = []
        self._by_slug: dict[str, FilmSummary] = {}
        keys: list[str] = []
        owners: list[int] = []
        for film in films:
            position = len(self._films)
            self._films.append(film)
            self._by_slug[film.slug] = film
            for key in name_keys(film.slug, film.title, film.original_title, film.aliases):
                keys.append(key)
                owners.append(position)
        self._votes = [popularity.get(f.id, 0) for f in self._films]
        self._keys = keys
        self._owner: IntArray = np.asarray(owners, dtype=np.int32)
        self._build_prefixes(keys)
        self._build_trigrams(keys)
        self._first: list[FilmSummary] | None = None

    def _build_prefixes(self, keys: list[str]) -> None:
        # Every name compact ('100meters'), sorted for bisection: a name starting with the typed text
        # ('100 m') also starts with it compacted ('100m'), so one form serves both.
        entries = sorted((key.replace(" ", ""), i) for i, key in enumerate(keys))
        self._prefix_text = [form for form, _ in entries]
        self._prefix_key: IntArray = np.asarray([i for _, i in entries], dtype=np.int32)
        self._prefix_len: IntArray = np.asarray([len(form) for form, _ in entries], dtype=np.int32)

    def _build_trigrams(self, keys: list[str]) -> None:
        postings: dict[str, list[int]] = {}
        sizes = np.zeros(len(keys), dtype=np.int32)
        for i, key in enumerate(keys):
            grams = trigrams(key)
            sizes[i] = len(grams)
            for gram in grams:
                postings.setdefault(gram, []).append(i)
        self._gram_row = {gram: row for row, gram in enumerate(postings)}
        lengths = np.fromiter((len(p) for p in postings.values()), dtype=np.int64, count=len(postings))
        self._gram_start = np.zeros(len(postings) + 1, dtype=np.int64)
        np.cumsum(lengths, out=self._gram_start[1:])
        flat = np.empty(int(self._gram_start[-1]), dtype=np.int32)
        for row, ids in enumerate(postings.values()):
            flat[self._gram_start[row] : self._gram_start[row + 1]] = ids
        self._postings: IntArray = flat
        self._key_grams: IntArray = sizes

    def __len__(self) -> int:
        return len(self._films)

    @property
    def films(self) -> list[FilmSummary]:
        return self._films

    def by_slug(self, slug: str) -> FilmSummary | None:
        return self._by_slug.get(slug)

    # -- candidates ----------------------------------------------------------------------------------

    def _prefix_candidates(self, wanted: str, limit: int) -> set[int]:
        """Names starting with ``wanted`` (compared compact), the shortest when there are many."""
        form = wanted.replace(" ", "")
        lo = bisect.bisect_left(self._prefix_text, form)
        hi = bisect.bisect_left(self._prefix_text, form + "\U0010ffff", lo)
        if hi - lo <= limit:
            return set(self._prefix_key[lo:hi].tolist())
        shortest = np.argpartition(self._prefix_len[lo:hi], limit)[:limit]
        return set(self._prefix_key[lo + shortest].tolist())

    def _trigram_candidates(self, wanted: str, limit: int) -> set[int]:
        """Names sharing the most word trigrams with ``wanted``, by Dice coefficient."""
        grams = trigrams(wanted)
        rows = [self._gram_row[g] for g in grams if g in self._gram_row]
        if not rows:
            return set()
        sizes = self._gram_start[1:][rows] - self._gram_start[:-1][rows]
        # Count the rarest trigrams first, within a budget of postings: the commonest ('the', ' of') cost
        # the most and tell the least. Latency stays bounded however common the query's words are.
        order = np.argsort(sizes, kind="stable")
        within = np.cumsum(sizes[order]) <= POSTINGS_BUDGET
        keep = order[: max(int(within.sum()), 1)]
        hits = np.concatenate(
            [self._postings[self._gram_start[rows[k]] : self._gram_start[rows[k] + 1]] for k in keep]
        )
        counts = np.bincount(hits, minlength=len(self._keys))
        touched = np.flatnonzero(counts)
        query_grams = len(grams)
        dice = counts[touched] * 2.0 / (self._key_grams[touched] + query_grams)
        if len(touched) > limit:
            best = np.argpartition(dice, -limit)[-limit:]
            touched = touched[best]
            dice = dice[best]
        # A name sharing under a fifth of its trigrams is noise, not a typo.
        return set(touched[dice >= 0.2].tolist())

    # -- search --------------------------------------------------------------------------------------

    def search(self, query: str, limit: int = 25, *, cutoff: float = 55.0) -> list[Match]:
        """The best films for ``query``, best first, ranked as the database index ranks its candidates."""
        parsed = parse(query)
        if parsed is None:
            return []
        wanted = parsed.text
        candidates = self._prefix_candidates(wanted, PREFIX_CANDIDATES)
        if len(wanted.replace(" ", "")) >= 3:
            candidates |= self._trigram_candidates(wanted, TRIGRAM_CANDIDATES)
        hits = []
        for position in candidates:
            owner = int(self._owner[position])
            hits.append(NameHit(self._films[owner], self._keys[position], self._votes[owner]))
        return rank(parsed, hits, limit, cutoff)

    def first(self, limit: int) -> list[FilmSummary]:
        """Films in title order, for an empty query (computed once per index)."""
        if self._first is None or len(self._first) < min(limit, len(self._films)):
            self._first = heapq.nsmallest(
                max(limit, 25), self._films, key=lambda f: (f.title.casefold(), f.year or 0, f.slug)
            )
        return self._first[:limit]
