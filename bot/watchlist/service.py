"""The server watchlist: suggest, want to see, list, remove, draw films for a movie night, leave when watched.

Returns plain records (``bot.watchlist.models``); the Discord side is ``bot/watchlist/views.py``.

The contract with the watched history: when the server has watched a film (a party ended, or a moderator
recorded it), the history calls ``mark_watched(guild_id, film_id)``; the film leaves the list (its entry
is kept with the date, so a later suggestion starts afresh and says when it was watched). Inside a unit of
work the same write is ``tx.watchlist.mark_watched(guild_id, film_id, now)``.
"""

from __future__ import annotations

import logging
import math
import random
from collections.abc import Sequence
from datetime import datetime, timedelta

from bot.clock import Clock
from bot.errors import BadInput, Conflict, NotAllowed, NotFound
from bot.films.models import FilmSummary
from bot.films.service import FilmChoice
from bot.preferences.models import WatchlistRules
from bot.preferences.service import PreferencesService
from bot.scores.aggregate import Aggregate, aggregate
from bot.scores.service import summary_line
from bot.store import Store
from bot.ui import limits
from bot.watchlist.models import (
    Draw,
    Entry,
    ListedFilm,
    Pick,
    Sort,
    Suggested,
    WantResult,
    WantToggled,
    WatchlistPage,
)

log = logging.getLogger(__name__)

PAGE_SIZE = 10
# A movie-night poll drawn from the list offers this many films unless told otherwise (they fit as buttons).
DEFAULT_POLL_FILMS = 5
SUGGEST_HINT = "/watchlist add film:… suggests one"
RANKING_KEPT = timedelta(seconds=60)
RANKINGS_KEPT = 64


class WatchlistService:
    def __init__(
        self, store: Store, clock: Clock, preferences: PreferencesService, *, rng: random.Random | None = None
    ) -> None:
        self._store = store
        self._clock = clock
        self._preferences = preferences
        self._rng = rng or random.SystemRandom()
        # Score rankings being paged through: (server, member) -> (when ranked, film ids in order).
        self._rankings: dict[tuple[int, int | None], tuple[datetime, tuple[int, ...]]] = {}

    # -- suggesting and wanting ----------------------------------------------------------------------

    async def add(self, guild_id: int, film: FilmSummary, user_id: int) -> Suggested:
        """``/watchlist add``: suggest the film, or want to see it if it is on the list already."""
        rules = await self._preferences.watchlist_rules(guild_id)
        result = await self._want(guild_id, film.id, user_id, toggle=False, rules=rules)
        entry = _written(result, rules)
        watched = None
        if result.status == "added":
            watched = await self._store.watchlist.last_watched(guild_id, film.id)
            log.info("film %d suggested to the watchlist of guild %d", film.id, guild_id)
        assert result.status in ("added", "wanted", "already")
        return Suggested(result.status, entry, user_id, watched)

    async def toggle_want(self, guild_id: int, film_id: int, user_id: int) -> WantToggled:
        """The card's **Want to see**: want the film (suggesting it if it is not on the list), or, when
        the member already wants it, take that back.

        A click is usually on a listed film, so the server's rules are read only when it is not.
        """
        result = await self._want(guild_id, film_id, user_id, toggle=True, rules=None)
        rules = None
        if result.status == "unlisted":
            rules = await self._preferences.watchlist_rules(guild_id)
            result = await self._want(guild_id, film_id, user_id, toggle=True, rules=rules)
        entry = _written(result, rules)
        assert result.status in ("added", "wanted", "unwanted")
        return WantToggled(result.status, entry, user_id)

    async def _want(
        self, guild_id: int, film_id: int, user_id: int, *, toggle: bool, rules: WatchlistRules | None
    ) -> WantResult:
        result = await self._store.watchlist.want(
            guild_id,
            film_id,
            user_id,
            self._clock.now(),
            toggle=toggle,
            may_suggest=None if rules is None else user_id not in rules.blocked,
            cap=None if rules is None else rules.cap,
        )
        self._changed(guild_id)  # after the commit: a ranking made meanwhile is dropped too
        return result

    async def remove(self, guild_id: int, film: FilmSummary, user_id: int, *, can_manage: bool) -> Entry:
        """``/watchlist remove``: by the member who suggested it, or a member with Manage Messages."""
        entry = await self._store.watchlist.open_entry(guild_id, film.id)
        if entry is None:
            raise NotFound(f"{film.label} is not on this server's watchlist.", hints=["/watchlist list"])
        if entry.suggested_by != user_id and not can_manage:
            raise NotAllowed(
                f"Only the member who suggested {film.label}, or a member with Manage Messages, can take it "
                "off the watchlist. You can take back your own Want to see with the button on its card."
            )
        removed = await self._store.watchlist.remove(entry.id)
        self._changed(guild_id)
        if not removed:
            raise NotFound(f"{film.label} has just left the watchlist (removed, or watched).")
        log.info("film %d removed from the watchlist of guild %d by %d", film.id, guild_id, user_id)
        return entry

    async def mark_watched(self, guild_id: int, film_id: int, when: datetime | None = None) -> Entry | None:
        """The server watched the film: it leaves the list. The entry it had, or None. Idempotent."""
        entry = await self._store.watchlist.mark_watched(guild_id, film_id, when or self._clock.now())
        self._changed(guild_id)
        if entry is not None:
            log.info("film %d watched in guild %d: off the watchlist", film_id, guild_id)
        return entry

    # -- reading -------------------------------------------------------------------------------------

    async def page(self, guild_id: int, sort: Sort, member_id: int | None, page: int) -> WatchlistPage:
        """One page of the list: each film with its wants and this server's score line."""
        total = await self._store.watchlist.count(guild_id, member_id)
        if total == 0:
            raise NotFound(_empty(member_id), hints=[SUGGEST_HINT])
        pages = math.ceil(total / PAGE_SIZE)
        page = min(max(page, 0), pages - 1)
        if sort == "score":
            entries = await self._by_score(guild_id, member_id, page)
        else:
            entries = await self._store.watchlist.page(
                guild_id, sort=sort, member_id=member_id, offset=page * PAGE_SIZE, limit=PAGE_SIZE
            )
        scores = await self._aggregates(guild_id, [e.film.id for e in entries])
        films = tuple(
            ListedFilm(entry, page * PAGE_SIZE + n, summary_line(scores[entry.film.id]))
            for n, entry in enumerate(entries, start=1)
        )
        return WatchlistPage(guild_id, sort, member_id, page, pages, total, films)

    async def _by_score(self, guild_id: int, member_id: int | None, page: int) -> list[Entry]:
        ranked = await self._ranking(guild_id, member_id)
        return await self._store.watchlist.entries(
            guild_id, ranked[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
        )

    async def _ranking(self, guild_id: int, member_id: int | None) -> tuple[int, ...]:
        """The list ranked by the film's aggregate score (none last; most wanted first on ties), kept for
        ``RANKING_KEPT`` so that paging neither skips nor repeats films while members rate; any change
        to the list made here starts a new ranking at once."""
        key, now = (guild_id, member_id), self._clock.now()
        kept = self._rankings.pop(key, None)
        if kept is None or now - kept[0] >= RANKING_KEPT:
            ids = await self._store.watchlist.film_ids(guild_id, member_id)
            scores = await self._aggregates(guild_id, ids)
            values = [scores[i].aggregate for i in ids]
            order = sorted(range(len(ids)), key=lambda n: (values[n] is None, -(values[n] or 0.0), n))
            kept = (now, tuple(ids[n] for n in order))
        self._rankings[key] = kept
        while len(self._rankings) > RANKINGS_KEPT:
            self._rankings.pop(next(iter(self._rankings)))
        return kept[1]

    def _changed(self, guild_id: int) -> None:
        for key in [key for key in self._rankings if key[0] == guild_id]:
            del self._rankings[key]

    async def _aggregates(self, guild_id: int, film_ids: Sequence[int]) -> dict[int, Aggregate]:
        """Each film's figures in this server (``bot.scores.aggregate``: the one method)."""
        ratings = self._store.ratings
        outside = await ratings.outside_scores(film_ids)
        if len(film_ids) <= PAGE_SIZE:
            rated = {i: await ratings.scores(guild_id, i) for i in film_ids}
        else:
            rated = {r.film_id: list(r.ratings) for r in await ratings.by_film(guild_id)}
        return {i: aggregate(outside.get(i, []), rated.get(i, [])) for i in film_ids}

    async def choices(self, guild_id: int, text: str) -> list[FilmChoice]:
        """Autocomplete: films on the list matching ``text`` (most wanted first, at most 25)."""
        entries = await self._store.watchlist.search(guild_id, text.strip(), limits.AUTOCOMPLETE_CHOICES)
        return [
            FilmChoice(name=f"{e.film.label} · {_wants(e.wants)}"[: limits.CHOICE_NAME], value=e.film.slug)
            for e in entries
        ]

    # -- movie nights --------------------------------------------------------------------------------

    async def draw(
        self, guild_id: int, named: Sequence[FilmSummary], draw: Draw, *, minimum: int, maximum: int
    ) -> list[FilmSummary]:
        """Films from the list for a movie-night poll, besides the ``named`` ones (never drawn twice).

        ``draw.count`` is the number of films in the poll in all; ``BadInput`` when the poll would have
        fewer than ``minimum`` films, before anything is written.
        """
        wanted = _how_many(len(named), draw.count, maximum)
        exclude = {film.id for film in named}
        waiting = [i for i in await self._store.watchlist.film_ids(guild_id) if i not in exclude]
        picked = self._pick(waiting, wanted, draw.pick)
        drawn = [entry.film for entry in await self._store.watchlist.entries(guild_id, picked)]
        if len(named) + len(drawn) < minimum:
            raise BadInput(_too_few(len(named), drawn, minimum), hints=[SUGGEST_HINT])
        return drawn

    def _pick(self, waiting: list[int], wanted: int, pick: Pick) -> list[int]:
        """``waiting`` is most wanted first: take its head, a random draw from the rest, or half of each."""
        top = {"wanted": wanted, "random": 0, "mixed": (wanted + 1) // 2}[pick]
        chosen, rest = waiting[:top], waiting[top:]
        return chosen + self._rng.sample(rest, min(wanted - len(chosen), len(rest)))


def _written(result: WantResult, rules: WatchlistRules | None) -> Entry:
    """The entry a suggestion or want wrote, or the member told why nothing was written."""
    if result.status == "missing":
        raise NotFound("That film is no longer in the catalog.")
    if result.status == "blocked":
        raise NotAllowed(
            "A moderator has stopped you from suggesting films to this server's watchlist. "
            "You can still mark films already on it as Want to see."
        )
    if result.status == "capped":
        label = result.film.label if result.film else "This film"
        raise Conflict(
            f"You have {result.suggestions} suggestions on the watchlist, the most this server allows "
            f"({rules.cap if rules else result.suggestions}); {label} was not added. Remove one of yours "
            "with /watchlist remove, or wait until the server watches one.",
            hints=["/watchlist list member:<you> shows yours"],
        )
    assert result.entry is not None, result.status
    return result.entry


def _how_many(named: int, count: int | None, maximum: int) -> int:
    """How many films to draw so that the poll has ``count`` in all (the default when None)."""
    if named >= maximum:
        raise BadInput(
            f"You named {named} films, the most a movie night offers; "
            "leave out from_watchlist, or name fewer films."
        )
    total = min(count if count is not None else max(DEFAULT_POLL_FILMS, named + 1), maximum)
    if total <= named:
        raise BadInput(
            f"count is the number of films in the poll in all: you named {named}, so give count:{named + 1} "
            f"or more (up to {maximum}) to draw any from the watchlist."
        )
    return total - named


def _too_few(named: int, drawn: list[FilmSummary], minimum: int) -> str:
    waiting = {0: "no film", 1: f"only one film ({drawn[0].label if drawn else '?'})"}.get(
        len(drawn), f"{len(drawn)} films"
    )
    besides = " besides the ones you named" if named else ""
    return (
        f"The watchlist has {waiting} waiting to be watched{besides}, and a movie night needs at least "
        f"{minimum} films. Name films with film1, film2…, or suggest more to the watchlist."
    )


def _empty(member_id: int | None) -> str:
    if member_id is None:
        return "This server's watchlist is empty: no film is waiting to be watched."
    return "That member has not suggested, and does not want to see, any film on this server's watchlist."


def _wants(count: int) -> str:
    return f"{count} want{'s' if count == 1 else ''} it"
