"""The store layer: the only place SQL lives. Rows become typed records here."""

from __future__ import annotations

from pathlib import Path

from bot.store._database import Database, migrations
from bot.store.catalog import CatalogStore
from bot.store.films import FilmStore
from bot.store.meta import MetaStore
from bot.store.polls import PollStore
from bot.store.ratings import RatingStore
from bot.store.spoilers import SpoilerStore
from bot.store.timers import Timer, TimerStore
from bot.store.watch_parties import GuildSettingsStore, WatchPartyStore

__all__ = ["Database", "Store", "Timer", "migrations"]


class Store:
    """The database and one repository per feature."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.films = FilmStore(db)
        self.catalog = CatalogStore(db)
        self.meta = MetaStore(db)
        self.ratings = RatingStore(db)
        self.timers = TimerStore(db)
        self.spoilers = SpoilerStore(db)
        self.polls = PollStore(db)
        self.watch_parties = WatchPartyStore(db)
        self.guild_settings = GuildSettingsStore(db)

    @classmethod
    async def open(cls, path: Path | str) -> Store:
        """Open (creating if needed) and migrate the database at ``path``."""
        return cls(await Database.open(path))

    async def close(self) -> None:
        await self.polls.writer.stop()
        await self.db.close()
