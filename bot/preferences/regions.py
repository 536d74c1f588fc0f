"""A server's region: an ISO 3166-1 alpha-2 country code, read from what a moderator types, and its
autocomplete (at most 25 choices). Where-to-watch data is given per country, so the region picks which."""

from __future__ import annotations

import functools
import unicodedata

from rapidfuzz import fuzz, process

from bot.errors import BadInput
from bot.parsing import shown
from bot.preferences.countries import ALIASES, COUNTRIES, POPULAR
from bot.ui import limits


def country_label(code: str) -> str:
    """``France (FR)``; a code the table lacks (saved by a later version, say) shows as itself."""
    name = COUNTRIES.get(code)
    return f"{name} ({code})" if name else code


def _folded(text: str) -> str:
    """Lower case, accents off, spaces collapsed: "Côte d’Ivoire" and "cote d'ivoire" read alike."""
    text = text.replace("’", "'").replace(".", "")
    text = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).split())


@functools.cache
def _names() -> dict[str, str]:
    """Folded name or alias -> code."""
    found = {_folded(name): code for code, name in COUNTRIES.items()}
    found.update(ALIASES)
    return found


def country_code(text: str) -> str:
    """The ISO 3166-1 alpha-2 code for ``text``: a code in any case (``fr``), a country's name or a common
    other name (``United Kingdom``, ``UK``), or an autocomplete label (``France (FR)``). ``BadInput`` says
    what would work otherwise."""
    typed = text.strip()
    if typed.endswith(")") and "(" in typed:  # an autocomplete label, typed or pasted back
        typed = typed.rsplit("(", 1)[1][:-1].strip()
    code = typed.upper()
    if code in COUNTRIES:
        return code
    named = _names().get(_folded(typed))
    if named is not None:
        return named
    raise BadInput(
        f"“{shown(text)}” is not a country I know: a region is a two-letter ISO 3166-1 country code.",
        hints=(
            "Type a country's name and pick it from the list, or its code, such as US, GB, FR, DE or JP.",
            "Leave the option out to see the current region, or use clear to remove it.",
        ),
    )


def suggest_countries(text: str, limit: int = limits.AUTOCOMPLETE_CHOICES) -> list[tuple[str, str]]:
    """Autocomplete: ``(label, code)`` pairs, best first, at most ``limit``: an exact code, then names
    starting with the text, names containing it, and close spellings."""
    query = _folded(text)
    if not query:
        return [(country_label(code), code) for code in POPULAR[:limit]]
    picks: list[str] = []
    if query.upper() in COUNTRIES:
        picks.append(query.upper())
    names = _names()
    picks += [names[n] for n in sorted(n for n in names if n.startswith(query))]
    picks += [names[n] for n in sorted(n for n in names if query in n and not n.startswith(query))]
    if len(set(picks)) < limit and len(query) > 2:
        for name, _, _ in process.extract(
            query, list(names), scorer=fuzz.WRatio, limit=limit, score_cutoff=75
        ):
            picks.append(names[name])
    codes = list(dict.fromkeys(picks))[:limit]
    return [(country_label(code)[: limits.CHOICE_NAME], code) for code in codes]
