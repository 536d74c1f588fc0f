"""Title search: which names to fetch from the store for what a member typed, and how to rank them.

A query costs three or four short reads, none of which grows with the catalog:

1. the **vocabulary**: how many names hold each typed word, and the words the last one may be the start
   of (a member is still typing it);
2. for a word no name holds, its **corrections**: the known words one edit away (``typo_variants``);
3. the **candidates**: names starting with the typed text (a prefix, compared without spaces; with a
   trailing year, also among that year's films), and names holding one word of each of the rarest word
   groups (word order, partial names, aliases, original titles, typos);
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
COMMON_RATIO = 25
# The last word is also the start of up to this many known words; when it starts more, the word index's
# three-letter prefix stands for them.
COMPLETIONS = 16
# Corrections of one misspelled word, the most common first.
CORRECTIONS = 8
# A word is only corrected from this length: shorter ones have too many neighbours to mean anything.
CORRECTED_FROM = 3
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
        # What was typed, and the same with each misspelled word corrected ('silnet river' -> 'silentriver').
        corrected = "".join(corrections[w][0][0] if corrections.get(w) else w for w in query.words)
        hits = await self._store.search.candidates(
            list(dict.fromkeys([query.compact, corrected])),
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
    """The rarest groups, at most ``MOST_GROUPS``, leaving out the far commoner ones."""
    ordered = sorted(groups, key=lambda g: g.docs)
    if not ordered:
        return []
    rarest = max(ordered[0].docs, 1)
    return [g for g in ordered if g.docs <= COMMON_RATIO * rarest][:MOST_GROUPS]


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
