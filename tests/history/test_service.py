"""``/watched`` and ``/history`` through the service: days in the server's zone, duplicates refused, viewings
removed, pages newest first with member scores, clear answers when there is nothing, the watchlist told."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import date, datetime

import pytest

from bot.errors import BadInput, Conflict, NotFound
from bot.films.models import FilmData, FilmSummary, Source
from bot.films.service import FilmService
from bot.history.models import Recorded
from bot.history.service import HISTORY_PER_PAGE, HistoryService
from bot.preferences.service import PreferencesService
from bot.scores.service import ScoreService
from bot.store import Store
from tests.history.conftest import GUILD, MODERATOR


async def add_films(store: Store, films: FilmService, count: int) -> list[FilmSummary]:
    source = Source(key="doc", title="A listing", kind="listing", as_of=date(2026, 1, 1))
    for n in range(count):
        await store.films.upsert(
            FilmData(
                slug=f"film-{n:02d}", title=f"Film {n:02d}", origin="card", year=1990 + n, sources=(source,)
            )
        )
    return [await films.resolve(f"film-{n:02d}") for n in range(count)]


async def test_a_day_is_read_in_the_servers_zone(
    catalog_store: Store, history: HistoryService, film: FilmSummary
) -> None:
    # NOW is Friday 27 March 2026, 12:00 UTC: already Saturday 01:00 in Auckland.
    await PreferencesService(catalog_store).set_guild_timezone(GUILD, "Pacific/Auckland")
    today = await history.record(GUILD, film, MODERATOR, None)
    assert today.entry.watched_on == date(2026, 3, 28) and today.times == 1
    assert today.entry.recorded_by == MODERATOR and today.entry.party is None
    # Shown at noon that day in the server's zone (UTC+13 in New Zealand summer time).
    assert today.entry.watched_at == datetime.fromisoformat("2026-03-27T23:00:00+00:00")
    friday = await history.record(GUILD, film, MODERATOR, "yesterday")
    assert friday.entry.watched_on == date(2026, 3, 27) and friday.times == 2


async def test_the_same_day_twice_is_refused_other_days_count(
    history: HistoryService, film: FilmSummary
) -> None:
    await history.record(GUILD, film, MODERATOR, "2026-03-01")
    with pytest.raises(Conflict, match="already in the history on 01 March 2026"):
        await history.record(GUILD, film, MODERATOR, "1 March")
    third = await history.record(GUILD, film, MODERATOR, "2025-12-24")
    assert third.times == 2
    with pytest.raises(BadInput, match="after today"):
        await history.record(GUILD, film, MODERATOR, "Dec 25 2026")
    with pytest.raises(BadInput, match="after today"):
        await history.record(GUILD, film, MODERATOR, "2026-03-28")
    assert (await history.page(GUILD, None, 0)).total == 2


async def test_two_moderators_recording_one_day_at_once_make_one_viewing(
    history: HistoryService, film: FilmSummary
) -> None:
    results = await asyncio.gather(
        *(history.record(GUILD, film, MODERATOR + n, "2026-03-01") for n in range(4)), return_exceptions=True
    )
    assert len([r for r in results if isinstance(r, Recorded)]) == 1
    assert all(isinstance(r, Conflict) for r in results if not isinstance(r, Recorded))
    assert (await history.page(GUILD, None, 0)).total == 1


async def test_removing_takes_the_latest_or_the_named_day(history: HistoryService, film: FilmSummary) -> None:
    with pytest.raises(NotFound, match="not in this server's watched history"):
        await history.unrecord(GUILD, film, None)
    for day in ("2026-01-10", "2026-02-10", "2026-03-10"):
        await history.record(GUILD, film, MODERATOR, day)
    latest = await history.unrecord(GUILD, film, None)
    assert latest.entry.watched_on == date(2026, 3, 10) and latest.times == 2
    with pytest.raises(NotFound) as missing:
        await history.unrecord(GUILD, film, "2026-03-10")
    assert missing.value.hints == ("It is on: 2026-02-10, 2026-01-10",)
    named = await history.unrecord(GUILD, film, "Jan 10")
    assert named.entry.watched_on == date(2026, 1, 10) and named.times == 1


async def test_pages_are_newest_first_with_member_scores(
    catalog_store: Store, films: FilmService, scores: ScoreService, history: HistoryService
) -> None:
    listed = await add_films(catalog_store, films, HISTORY_PER_PAGE + 3)
    for n, film in enumerate(listed):
        await history.record(GUILD, film, MODERATOR, f"{n + 1} days ago")
    await scores.rate(GUILD, listed[0], 501, 9)
    await scores.rate(GUILD, listed[0], 502, 7)
    first = await history.page(GUILD, None, 0)
    assert (first.page, first.pages, first.total) == (0, 2, HISTORY_PER_PAGE + 3)
    assert [line.film for line in first.lines] == listed[:HISTORY_PER_PAGE]
    top = first.lines[0].members
    assert top is not None and (top.count, top.mean) == (2, 8.0)
    assert all(line.members is None for line in first.lines[1:])
    last = await history.page(GUILD, None, 99)
    assert last.page == 1 and [line.film for line in last.lines] == listed[HISTORY_PER_PAGE:]
    with pytest.raises(NotFound):
        await history.page(GUILD + 1, None, 0)  # another server's history is its own


async def test_a_year_is_the_servers_calendar_year(history: HistoryService, film: FilmSummary) -> None:
    await history.record(GUILD, film, MODERATOR, "2025-12-31")
    await history.record(GUILD, film, MODERATOR, "2026-01-01")
    assert [line.entry.watched_on for line in (await history.page(GUILD, 2025, 0)).lines] == [
        date(2025, 12, 31)
    ]
    assert (await history.page(GUILD, 2026, 0)).total == 1
    with pytest.raises(NotFound) as nothing:
        await history.page(GUILD, 1999, 0)
    assert "Nothing is in the watched history for 1999" in nothing.value.message
    assert nothing.value.hints == ("Years with viewings: 2026, 2025",)


async def test_an_empty_history_says_how_to_fill_it(history: HistoryService) -> None:
    with pytest.raises(NotFound, match="history is empty") as empty:
        await history.page(GUILD, None, 0)
    assert "/watched" in empty.value.hints[0]


@dataclass
class Watchlist:
    calls: list[tuple[int, int]] = field(default_factory=list)
    broken: bool = False

    async def mark_watched(self, guild_id: int, film_id: int) -> None:
        self.calls.append((guild_id, film_id))
        if self.broken:
            raise RuntimeError("the watchlist is down")


async def test_the_watchlist_is_told_and_its_failure_loses_nothing(
    history: HistoryService, film: FilmSummary
) -> None:
    watchlist = Watchlist()
    history.watchlist = watchlist
    await history.record(GUILD, film, MODERATOR, "2026-03-01")
    assert watchlist.calls == [(GUILD, film.id)]
    watchlist.broken = True
    recorded = await history.record(GUILD, film, MODERATOR, "2026-03-02")
    assert recorded.times == 2 and len(watchlist.calls) == 2
