"""The scheduled refresh (``FILMBOT_IMDB_REFRESH``): one timer row at a time, the download run in a child
process against the local dataset server, the film index catching up, restarts and failures."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.catalog.download.child import ChildRefresh
from bot.catalog.download.service import TIMER_KIND, TIMER_REF, ImdbRefreshService, after
from bot.clock import ManualClock
from bot.films.service import FilmService
from bot.settings import Settings
from bot.store import Store
from bot.timers import Timer, TimerDispatcher
from tests.catalog._dataset_server import DatasetServer, dataset, partly_downloaded
from tests.conftest import NOW

WEEK = timedelta(weeks=1)


class Bot:
    """The pieces of a running bot the refresh touches: store, clock, dispatcher, film index."""

    def __init__(
        self, store: Store, clock: ManualClock, server: DatasetServer, folder: Path, every: str = "weekly"
    ) -> None:
        self.store, self.clock = store, clock
        settings = Settings(
            database=store.db.location,
            imdb_dir=folder / "imdb",
            imdb_datasets_url=server.url,
            imdb_refresh=every,
        )
        self.films = FilmService(store)
        self.dispatcher = TimerDispatcher(store, clock)
        self.refresh = ImdbRefreshService(store, clock, every, ChildRefresh(settings))
        self.refresh.register_timers(self.dispatcher)

    async def start(self) -> Timer | None:
        pending = await self.refresh.schedule()
        self.dispatcher.start()
        return pending

    async def settle(self, by: timedelta = timedelta(0)) -> None:
        await self.clock.advance(by)
        await asyncio.wait_for(self.dispatcher.idle(), 120)

    async def stop(self) -> None:
        await self.refresh.stop()
        await self.dispatcher.stop()

    async def rows(self) -> list[tuple[str, datetime]]:
        return [(t.state, t.due_at) for t in await self.store.timers.for_ref(TIMER_KIND, TIMER_REF)]


async def refreshed_once(store: Store, clock: ManualClock, server: DatasetServer, folder: Path) -> None:
    """A bot that started, refreshed at once, and stopped."""
    first = Bot(store, clock, server, folder)
    await first.start()
    await first.settle()
    await first.stop()


async def imports(store: Store) -> int:
    row = await store.db.fetchone("SELECT count(*) FROM catalog_imports")
    assert row is not None
    return int(row[0])


async def test_the_refresh_runs_imports_and_schedules_the_next_one(
    store: Store, clock: ManualClock, server: DatasetServer, tmp_path: Path
) -> None:
    bot = Bot(store, clock, server, tmp_path)
    try:
        pending = await bot.start()
        assert pending is not None and pending.due_at == NOW  # never refreshed: at once
        assert await bot.refresh.schedule() == pending  # asked again (a restart): still the one row
        await bot.settle()

        assert await bot.rows() == [("fired", NOW), ("pending", NOW + WEEK)]
        assert await imports(store) == 1
        # The running bot finds what the child process imported, without a restart.
        assert [c.name for c in await bot.films.autocomplete("princess bride")] == [
            "The Princess Bride (1987)"
        ]

        # A week later IMDb's files are the same: 304s, nothing downloaded, nothing imported.
        server.requests.clear()
        await bot.settle(WEEK)
        assert {r.status for r in server.requests} == {304}
        assert await imports(store) == 1
        assert await bot.rows() == [("fired", NOW), ("fired", NOW + WEEK), ("pending", NOW + 2 * WEEK)]
    finally:
        await bot.stop()


async def test_one_pending_row_across_restarts_and_setting_changes(
    store: Store, clock: ManualClock, server: DatasetServer, tmp_path: Path
) -> None:
    await refreshed_once(store, clock, server, tmp_path)
    again = Bot(store, clock, server, tmp_path)  # a restart with the same setting: the row stays as it is
    assert (await again.refresh.schedule()) is not None
    assert await again.rows() == [("fired", NOW), ("pending", NOW + WEEK)]

    daily = Bot(store, clock, server, tmp_path, every="daily")  # a restart with another period: rescheduled
    pending = await daily.refresh.schedule()
    assert pending is not None and pending.due_at == NOW + timedelta(days=1)
    assert await daily.rows() == [  # by due time
        ("fired", NOW),
        ("pending", NOW + timedelta(days=1)),
        ("cancelled", NOW + WEEK),
    ]

    off = Bot(store, clock, server, tmp_path, every="off")
    assert await off.refresh.schedule() is None
    assert [state for state, _ in await off.rows()] == ["fired", "cancelled", "cancelled"]


async def test_a_failed_refresh_is_recorded_and_tried_again_six_hours_later(
    store: Store, clock: ManualClock, server: DatasetServer, tmp_path: Path
) -> None:
    del server.files["title.crew.tsv.gz"]
    bot = Bot(store, clock, server, tmp_path)
    try:
        await bot.start()
        await bot.settle()
        failed, pending = await store.timers.for_ref(TIMER_KIND, TIMER_REF)
        assert failed.state == "failed" and failed.error is not None
        assert "title.crew.tsv.gz" in failed.error and "404 Not Found" in failed.error
        assert (pending.state, pending.due_at) == ("pending", NOW + timedelta(hours=6))
        assert await imports(store) == 0
    finally:
        await bot.stop()


async def test_a_refresh_stopped_by_a_shutdown_resumes_at_the_next_start(
    store: Store, clock: ManualClock, server: DatasetServer, tmp_path: Path
) -> None:
    server.files = DatasetServer(dataset(filler=30_000)).files
    name = "title.principals.tsv.gz"
    server.files[name].pause = 0.01
    bot = Bot(store, clock, server, tmp_path)
    await bot.start()
    await asyncio.wait_for(server.wait_sent(name, 20_000), 120)
    await asyncio.wait_for(partly_downloaded(tmp_path / "imdb" / f"{name}.part"), 120)
    await bot.stop()  # the bot stops mid-download: the child is stopped, the row stays claimed
    assert [state for state, _ in await bot.rows()] == ["running"]
    kept = (tmp_path / "imdb" / f"{name}.part").stat().st_size
    assert kept > 0 and await imports(store) == 0

    server.files[name].pause = 0.0
    restarted = Bot(store, clock, server, tmp_path)
    try:
        assert await restarted.start() is None  # the claimed row is the one to finish
        await restarted.settle()
        assert server.seen(name)[-1].headers["Range"] == f"bytes={kept}-"
        assert await restarted.rows() == [("fired", NOW), ("pending", NOW + WEEK)]
        assert await imports(store) == 1
    finally:
        await restarted.stop()


async def test_a_refresh_missed_while_the_bot_was_down_still_runs(
    store: Store, clock: ManualClock, server: DatasetServer, tmp_path: Path
) -> None:
    await refreshed_once(store, clock, server, tmp_path)
    await clock.advance(3 * WEEK)  # the bot was down for three weeks
    bot = Bot(store, clock, server, tmp_path)
    try:
        await bot.start()
        await bot.settle()
        assert await bot.rows() == [("fired", NOW), ("missed", NOW + WEEK), ("pending", NOW + 4 * WEEK)]
    finally:
        await bot.stop()


@pytest.mark.parametrize(
    ("every", "moment", "expected"),
    [
        ("daily", datetime(2026, 3, 27, 4, 0, tzinfo=UTC), datetime(2026, 3, 28, 4, 0, tzinfo=UTC)),
        ("weekly", datetime(2026, 12, 29, 4, 0, tzinfo=UTC), datetime(2027, 1, 5, 4, 0, tzinfo=UTC)),
        ("monthly", datetime(2026, 1, 31, 4, 0, tzinfo=UTC), datetime(2026, 2, 28, 4, 0, tzinfo=UTC)),
        ("monthly", datetime(2026, 12, 15, 4, 0, tzinfo=UTC), datetime(2027, 1, 15, 4, 0, tzinfo=UTC)),
    ],
)
def test_periods(every: str, moment: datetime, expected: datetime) -> None:
    assert after(moment, every) == expected
