"""A database written by filmbot 0.1 opens in place, migrated, with every row it held still readable.

``tests/fixtures/v0_1/filmbot.sql`` is a dump of the database filmbot 0.1 (commit 4abd92a) wrote for
these commands, run with ``filmbot ask`` on 2026-11-30: the 100 Meters card loaded, ``/poll create`` of a
single and a ranked poll, ``/rate`` 8 with a review, ``/watchparty schedule`` in 20 days (reminders and
start/end timers), ``/films browse genre:Drama`` (a saved filter).
"""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from bot.clock import ManualClock
from bot.polls.service import PollService
from bot.store import Store, migrations
from tests.engines import sqlite_only

# Databases written by earlier filmbots, which only ever wrote SQLite files.
pytestmark = sqlite_only

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "v0_1" / "filmbot.sql"
OFFLINE_GUILD = 1100000000000000001
OFFLINE_MEMBER = 1100000000000000003
# Shipped migrations are never edited: a server that applied one must never need it again differently.
SHIPPED = {
    "0001_core.sql": "8c29727705fbb1d8120af7eddda1491c1f2477cfa2bc8ece5563eec96ae12921",
    "0002_ratings.sql": "4af78c3120a25c3eed50c44122b0c8ab2e92f6347485ecf572fbe2d2e51ba22e",
    "0003_spoilers.sql": "968b00fa942c85b816f66eef52f9cc5b433ba958dd6978996c1806cc87de10f9",
    "0004_polls.sql": "a022c0cb02e82d25ed058070ac7db7188a1e1ad89c22d05f2dd03d7e110c6df0",
    "0005_watch_parties.sql": "e47716ff5c991cf111d1db0121553d6d2a0ffecf24149fa2e2b4a9ca13c5b470",
    "0006_catalog_search.sql": "50f5eb24bd2afe8141158c61180e18047391665ce6e9f78abebdd71a1b20db92",
}


def _restore(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.executescript(FIXTURE.read_text(encoding="utf-8"))


async def test_a_version_0_1_database_opens_and_keeps_every_row(tmp_path: Path) -> None:
    path = tmp_path / "filmbot.sqlite3"
    _restore(path)
    clock = ManualClock(datetime(2026, 12, 1, tzinfo=UTC))
    store = await Store.open(path, clock=clock)
    try:
        assert await store.db.user_version() == len(migrations())
        film = await store.films.summary_by_slug("100-meters")
        assert film is not None and film.title == "100 Meters"
        polls = PollService(store, clock)
        single = await polls.get(1)
        assert single.question == "Upgrade?" and [o.label for o in single.options] == ["Yes", "No"]
        assert single.is_open
        (rating,) = await store.ratings.page(OFFLINE_GUILD, film.id, offset=0, limit=5)
        assert (rating.user_id, rating.score, rating.review) == (OFFLINE_MEMBER, 8, "Fast")
        party = await store.watch_parties.get(1)
        assert party is not None and party.film_id == film.id and party.status == "scheduled"
        assert [t.state for t in await store.timers.for_ref("poll-close", "1")] == ["pending"]
        # And it keeps working: a vote on the old poll is stored.
        await polls.vote(1, OFFLINE_MEMBER, (), [1])
        assert (await polls.view(1)).ballots == 1
    finally:
        await store.close()


def test_shipped_migrations_are_never_edited() -> None:
    shipped = {
        name: hashlib.sha256(sql.encode()).hexdigest() for _, name, sql in migrations() if name in SHIPPED
    }
    assert shipped == SHIPPED
