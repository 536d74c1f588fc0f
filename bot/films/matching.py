"""Title matching: how names are normalized, split into words, and scored against what a member typed.

The names themselves live in the database (``bot/store/search.py``: every film's normalized names, a word
index and the catalog's vocabulary, kept in step by every write); ``bot/films/search.py`` decides which of
them to fetch for a query. This module is the part both share: ``normalize`` and ``name_keys`` make the
names the store indexes (the store calls them as SQL functions), and ``score_key`` ranks the few hundred
candidates a query fetches with RapidFuzz's compiled scorers.

Changing what ``normalize`` or ``name_keys`` return needs a migration that rebuilds the index.
"""

from __future__ import annotations

import functools
import re
import string
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz

from bot.films.models import FilmSummary

_NON_WORD = re.compile(r"[^\w]+")
# A release year typed after a title, in ASCII digits ("Solaris (١٩٧٢)" is a title, not a year).
_YEAR = re.compile(r"(?:^|\s)\(?((?:18[7-9]|19[0-9]|20[0-9])[0-9])\)?$")
# Spelling variants folded to one form before comparing.
_VARIANTS = {"metres": "meters", "metre": "meter", "colour": "color", "theatre": "theater", "and": "&"}
# Letters tried in place of (or beside) each letter of a misspelled word, besides the word's own letters.
_TYPO_LETTERS = string.ascii_lowercase + string.digits


# A film's title is normalized for its match key and again among its names, and its original title is
# most often the same text: an import of a million films asks for about half of them twice in a row.
@functools.lru_cache(maxsize=1024)
def normalize(text: str) -> str:
    """Lowercase, strip accents and punctuation, fold spelling variants; '100-Metres!' -> '100 meters'."""
    if text.isascii():  # most titles: nothing to decompose (and a catalog import normalizes a million)
        stripped = text.lower()
    else:
        decomposed = unicodedata.normalize("NFKD", text.casefold())
        stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    parts = _NON_WORD.sub(" ", stripped.replace("'", "").replace("’", "")).split()
    return " ".join(_VARIANTS.get(w, w) for w in parts)


def match_key(title: str, year: int | None) -> str:
    """A film's identity when it has no external id: normalized title and year ('solaris|1972')."""
    return f"{normalize(title)}|{year or ''}"


def split_year(query: str) -> tuple[str, int | None]:
    """'Solaris (1972)' -> ('Solaris', 1972). A title that is only a year stays a title."""
    match = _YEAR.search(query.strip())
    if match and match.start() > 0:
        return query[: match.start()].strip(), int(match.group(1))
    return query, None


def words(key: str) -> list[str]:
    """The distinct words of a normalized name, in order: 'the river the' -> ['the', 'river']."""
    return list(dict.fromkeys(key.split()))


def typo_variants(word: str) -> set[str]:
    """Every spelling one edit away from ``word`` (a letter dropped, added, changed, or two swapped).

    The words a member meant when ``word`` is not in the catalog's vocabulary are among these; the store
    keeps only those it knows. Letters tried are ASCII letters and digits (what ``normalize`` leaves of
    Latin scripts) and, for a word in another script, the lower-case letters near its own in Unicode
    (the Cyrillic alphabet for a Cyrillic word).
    """
    letters = set(_TYPO_LETTERS) | set(word) | _script_letters(word)
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    found = {a + b[1:] for a, b in splits if b}
    found |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    found |= {a + c + b[1:] for a, b in splits if b for c in letters}
    found |= {a + c + b for a, b in splits for c in letters}
    found.discard(word)
    return found


@functools.cache
def _letters_near(block: int) -> frozenset[str]:
    """The lower-case letters among the 128 code points from ``block``."""
    return frozenset(c for c in map(chr, range(block, block + 128)) if c.islower())


def _script_letters(word: str) -> set[str]:
    near: set[str] = set()
    for block in {ord(c) & ~0x7F for c in word if not c.isascii()}:
        near |= _letters_near(block)
    return near


@dataclass(frozen=True, slots=True)
class Match:
    film: FilmSummary
    score: float
    matched: str


_SLUG_SUFFIX = re.compile(r"(?:-(?:18|19|20)\d\d)?(?:-tt\d+)?$")


def slug_name(slug: str) -> str:
    """The name in a slug: 'solaris-1972-tt0069293' -> 'solaris' (less a year or id suffix)."""
    bare = _SLUG_SUFFIX.sub("", slug) or slug
    return bare.replace("-", " ")


def name_keys(slug: str, title: str, original_title: str | None, aliases: Iterable[str]) -> list[str]:
    """A film's distinct normalized names: slug (``slug_name``), title, original title, aliases."""
    raw = [slug_name(slug), title, original_title or "", *aliases]
    return [k for k in dict.fromkeys(normalize(r) for r in raw) if k]


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
    return min(
        max(
            fuzz.ratio(query, key),
            # The same words in another order: a little below the same text with a typo.
            fuzz.token_sort_ratio(query, key) * 0.98,
            fuzz.ratio(compact_q, compact_k),
            # Part of a longer name counts, but less, so a short query does not match every long title
            # (and a short name is not a match for a long query that merely contains it).
            fuzz.partial_ratio(query, key) * 0.9 if 4 <= len(query) <= len(key) else 0.0,
        ),
        # Only the exact name scores 100: the same words in another order are a different film.
        97.0,
    )
