"""Title search: which names to fetch from the store for what a member typed, and how to rank them.

A query costs two or three short reads, none of which grows with the catalog:

1. the **vocabulary**: how many names hold each typed word, and the words the last one may be the start
   of (a member is still typing it);
2. for a word no name holds, its **corrections**: the known words one edit away (``typo_variants``);
3. the **candidates**: names starting with the typed text, and with it corrected ('silnet river' ->
   'silentriver'; compared without spaces; with a trailing year, the names equal to it among that year's
   films), and names holding one word of each of the rarest word groups, from about the query's length up
   (word order, partial names, aliases, original titles, typos);
4. **re-ranking** those few hundred names with ``score_key``: the best name of each film counts, a year
   that matches lifts a film, equal matches go to the better known film (more rating votes).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from bot.films.matching import Match, normalize, score_key, split_year, typo_variants
from bot.films.models import NameHit, WordGroup
from bot.store import Store

# Candidates re-ranked per query: names starting with the text (and as many of the year's), names
# holding the words.
PREFIX_CANDIDATES = 96
WORD_CANDIDATES = 160
# At most this many word groups are asked together; a group held by more than COMMON_RATIO times as many
# names as the rarest one narrows the answer little and costs the most to read, so it is left to the
# re-ranking.
MOST_GROUPS = 3
COMMON_RATIO = 8
# The last word is also the start of up to this many known words; when it starts more, the word index's
# three-letter prefix stands for them.
COMPLETIONS = 16
# Corrections of one misspelled word, the most common first.
CORRECTIONS = 8
# A word is only corrected from this length: shorter ones have too many neighbours to mean anything.
CORRECTED_FROM = 3
# A query less its last word is still asked as a title from this length ('solaris tarkovsky').
SHORTEST_TITLE = 4
# Only names at least this close to the query are offered.
CUTOFF = 55.0


@dataclass(frozen=True, slots=True)
class Query:
    """What a member typed, normalized; ``year`` when it ended with one ('Solaris (1972)')."""

    text: str
    year: int | None

    @property
    def compact(self) -> str:
        return self.text.replace(" ", "")

    @property
    def words(self) -> list[str]:
        return self.text.split()


def parse(typed: str) -> Query | None:
    """The query in ``typed``, or None when nothing searchable is left ('  ', '!!')."""
    text, year = split_year(typed)
    wanted = normalize(text)
    return Query(wanted, year) if wanted else None


class TitleSearch:
    """Finds films by any of their names in the store's title index."""

    def __init__(self, store: Store) -> None:
        self._store = store

    async def matches(self, typed: str, limit: int, *, cutoff: float = CUTOFF) -> list[Match]:
        """The best films for ``typed``, best first, at most ``limit``."""
        query = parse(typed)
        if query is None:
            return []
        known, completions, corrections = await self._vocabulary(query)
        hits = await self._store.search.candidates(
            prefixes(query, corrections),
            query.year,
            choose_groups(plan_groups(query.words, known, completions, corrections)),
            prefix_limit=PREFIX_CANDIDATES,
            word_limit=WORD_CANDIDATES,
        )
        return rank(query, hits, limit, cutoff)

    async def _vocabulary(
        self, query: Query
    ) -> tuple[dict[str, int], list[tuple[str, int]], dict[str, list[tuple[str, int]]]]:
        """How many names hold each word, the words the last one starts, and corrections of the others."""
        words = query.words
        last = words[-1]
        completing = last if len(last) >= 3 else None
        known, completions = await self._store.search.vocabulary(set(words), completing, COMPLETIONS + 1)
        if completions:
            # A word being typed is not misspelled until nothing starts with it.
            known.setdefault(last, 0)
        misspelled = [w for w in dict.fromkeys(words) if w not in known and len(w) >= CORRECTED_FROM]
        corrections: dict[str, list[tuple[str, int]]] = {}
        if misspelled:
            variants = {w: typo_variants(w) for w in misspelled}
            found, _ = await self._store.search.vocabulary(set().union(*variants.values()), None, 0)
            for word, spellings in variants.items():
                near = sorted(((s, found[s]) for s in spellings if s in found), key=lambda p: -p[1])
                corrections[word] = near[:CORRECTIONS]
        return known, completions, corrections


def prefixes(query: Query, corrections: Mapping[str, Sequence[tuple[str, int]]]) -> list[str]:
    """What names may start with: what was typed, the same with each misspelled word corrected ('silnet
    river' -> 'silentriver'), and without its last word when that leaves a title ('solaris tarkovsky' ->
    'solaris'), all without spaces."""
    words = query.words
    corrected = [corrections[w][0][0] if corrections.get(w) else w for w in words]
    found = [query.compact, "".join(corrected)]
    if len(words) > 1 and len("".join(corrected[:-1])) >= SHORTEST_TITLE:
        found.append("".join(corrected[:-1]))
    return list(dict.fromkeys(found))


def plan_groups(
    words: Sequence[str],
    known: Mapping[str, int],
    completions: Sequence[tuple[str, int]],
    corrections: Mapping[str, Sequence[tuple[str, int]]],
) -> list[WordGroup]:
    """One group per distinct word that can narrow the search: the word if names hold it, else its
    corrections; the last word also stands for the words it starts. Words that match nothing are left to
    the re-ranking."""
    groups: list[WordGroup] = []
    for word in dict.fromkeys(words):
        terms = dict(corrections.get(word, ()))
        if known.get(word):
            terms[word] = known[word]
        prefix = None
        if word == words[-1]:
            if len(completions) > COMPLETIONS:
                prefix = word[:3]
            else:
                terms.update(completions)
        if terms or prefix:
            docs = sum(terms.values()) + (sum(d for _, d in completions) if prefix else 0)
            groups.append(WordGroup(tuple(sorted(terms)), prefix, docs))
    return groups


def choose_groups(groups: Iterable[WordGroup]) -> list[WordGroup]:
    """The rarest groups, at most ``MOST_GROUPS``, leaving out the far commoner ones and those another
    chosen group implies ('stranger' implies 'stranger or strangers')."""
    chosen: list[WordGroup] = []
    for group in sorted(groups, key=lambda g: g.docs):
        if chosen and group.docs > COMMON_RATIO * max(chosen[0].docs, 1):
            break
        if not any(c.prefix is None and set(c.terms) <= set(group.terms) for c in chosen):
            chosen.append(group)
    return chosen[:MOST_GROUPS]


def rank(query: Query, hits: Iterable[NameHit], limit: int, cutoff: float = CUTOFF) -> list[Match]:
    """Each film once, by its best-scoring name; a film of the typed year gains, one of another loses."""
    best: dict[int, Match] = {}
    votes: dict[int, int] = {}
    for hit in hits:
        score = score_key(query.text, hit.name)
        if score < cutoff:
            continue
        film = hit.film
        if query.year is not None and film.year is not None:
            score += 5.0 if film.year == query.year else -5.0
        current = best.get(film.id)
        if current is None or score > current.score:
            best[film.id] = Match(film=film, score=float(score), matched=hit.name)
            votes[film.id] = hit.votes
    ranked = sorted(
        best.values(),
        key=lambda m: (
            -m.score,
            -votes[m.film.id],
            -(m.film.year or 0),
            m.film.title.casefold(),
            m.film.slug,
        ),
    )
    return ranked[:limit]
