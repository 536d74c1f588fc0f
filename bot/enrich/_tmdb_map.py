"""A TMDB movie (``_tmdb_json.Movie``) as filmbot's records: every value cites TMDB's page for the film.

What TMDB adds: the poster, the overview as a spoiler-free premise (TMDB writes it as one), its vote
average as one more score on its own scale, where to watch by country (data by JustWatch, cited to its
own source), and the runtime, release dates and credits only where the providers asked before it (Wikidata)
found none. The card's own values always win over all of these (the enrichment service's rule).
"""

from __future__ import annotations

from datetime import date

from bot.enrich._tmdb_json import RELEASE_TYPES, CountryOffers, Movie, Release
from bot.enrich.models import ExternalIds, ProviderResult, WatchOption
from bot.films.models import Credit, Fact, Score, Source
from bot.preferences.countries import COUNTRIES

NAME = "TMDB"
# The key of TMDB's source on a film (one per film, replaced at each read).
SOURCE_KEY = "tmdb"
MOVIE_PAGE = "https://www.themoviedb.org/movie/{id}"
POSTER_SIZE = "w342"  # TMDB's poster widths: w92 w154 w185 w342 w500 w780 original; a thumbnail needs w342
CAST_KEPT = 15
# TMDB's crew jobs, as the card's credit roles.
CREW_ROLES = {
    "Director": "director",
    "Screenplay": "screenplay",
    "Writer": "screenplay",
    "Original Music Composer": "composer",
    "Music": "composer",
    "Producer": "producer",
    "Character Designer": "character_designer",
    "Director of Photography": "cinematographer",
    "Editor": "editor",
    "Novel": "original_creator",
    "Comic Book": "original_creator",
    "Author": "original_creator",
    "Original Story": "original_creator",
}
# release_dates' types as the card's release fact keys (physical and TV releases are not shown).
RELEASE_KEYS = {1: "premiere", 2: "release_theatrical", 3: "release_theatrical", 4: "release_streaming"}
VOICE_SUFFIX = "(voice)"


def source(movie: Movie, today: date) -> Source:
    """TMDB's page for the film: what every TMDB value cites (details, overview, score, offers; the offers
    are also credited to JustWatch wherever shown). Undated: read ``today``."""
    label = f"{movie.title} ({movie.year})" if movie.year else movie.title
    return Source(SOURCE_KEY, label, "tmdb", today, "TMDB", MOVIE_PAGE.format(id=movie.id), dated=False)


def to_result(movie: Movie, today: date, images: str, so_far: tuple[ProviderResult, ...]) -> ProviderResult:
    """Everything ``movie`` says, for a film the earlier providers found ``so_far``."""
    page = source(movie, today)
    key = page.key
    facts = _facts(movie, key, so_far)
    credits = _credits(movie, key, so_far)
    scores = _scores(movie, key, today)
    watch = tuple(option for block in movie.watch for option in _watch(block, key))
    return ProviderResult(
        provider=NAME,
        sources=(page,) if facts or credits or scores or watch or movie.overview or movie.poster_path else (),
        facts=facts,
        credits=credits,
        scores=scores,
        ids=ExternalIds(imdb=movie.imdb_id, tmdb=str(movie.id)),
        title=movie.title or None,
        year=movie.year,
        premise=movie.overview,
        premise_source=key if movie.overview else None,
        poster_url=f"{images}/{POSTER_SIZE}{movie.poster_path}" if movie.poster_path else None,
        watch=watch,
    )


def _known(so_far: tuple[ProviderResult, ...]) -> tuple[set[str], set[str]]:
    """The fact keys and credit roles an earlier provider already gave (a better-sourced value wins)."""
    keys = {f.key for result in so_far for f in result.facts}
    roles = {"cast" if c.role == "voice" else c.role for result in so_far for c in result.credits}
    return keys, roles


def _facts(movie: Movie, key: str, so_far: tuple[ProviderResult, ...]) -> tuple[Fact, ...]:
    known, _ = _known(so_far)
    facts: list[Fact] = []
    if movie.runtime and "runtime_minutes" not in known:
        facts.append(Fact("runtime_minutes", str(movie.runtime), key))
    if not known & {"release", *RELEASE_KEYS.values()}:
        facts += [Fact(RELEASE_KEYS[r.type], r.date, key, release_detail(r)) for r in shown_releases(movie)]
    return tuple(facts)


def shown_releases(movie: Movie) -> tuple[Release, ...]:
    """The releases a card has room for: the first of each kind anywhere, and every one in the countries
    that made the film (a film opens in dozens of countries; the card is not a release calendar)."""
    firsts: dict[str, Release] = {}
    for release in movie.releases:  # in date order
        if release.type in RELEASE_KEYS:
            firsts.setdefault(RELEASE_KEYS[release.type], release)
    home = [r for r in movie.releases if r.type in RELEASE_KEYS and r.country in movie.production_countries]
    chosen = dict.fromkeys([*firsts.values(), *home])
    return tuple(sorted(chosen, key=lambda r: (r.date, r.type, r.country)))


def release_detail(release: Release) -> str:
    """ "United States; theatrical (limited); rated PG-13; GKIDS": where, which kind, and TMDB's
    certification and note for it."""
    parts = [COUNTRIES.get(release.country, release.country), RELEASE_TYPES[release.type]]
    if release.certification:
        parts.append(f"rated {release.certification}")
    if release.note:
        parts.append(release.note)
    return "; ".join(parts)


def _credits(movie: Movie, key: str, so_far: tuple[ProviderResult, ...]) -> tuple[Credit, ...]:
    _, known = _known(so_far)
    credits: list[Credit] = []
    for crew in movie.crew:
        role = CREW_ROLES.get(crew.job)
        if role and role not in known:
            credits.append(Credit(crew.name, role, key))
    if "cast" not in known:
        for member in movie.cast[:CAST_KEPT]:
            character = member.character
            role = "cast"
            if character and character.endswith(VOICE_SUFFIX):
                role, character = "voice", character.removesuffix(VOICE_SUFFIX).strip() or None
            credits.append(Credit(member.name, role, key, character))
    return tuple(dict.fromkeys(credits))


def _scores(movie: Movie, key: str, today: date) -> tuple[Score, ...]:
    """TMDB's user score, out of 10, from its vote count; none before anyone has voted. Read live, so it is
    dated the day it was read."""
    if movie.vote_count <= 0:
        return ()
    value = round(movie.vote_average, 1)
    return (Score("TMDB", "average", value, key, today, scale=10, votes=movie.vote_count),)


def _watch(block: CountryOffers, source: str) -> tuple[WatchOption, ...]:
    return tuple(WatchOption(block.country, o.kind, o.service, block.link, source) for o in block.offers)
