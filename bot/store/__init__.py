"""The store layer: the only place SQL lives. Rows become typed records here."""

from __future__ import annotations

from pathlib import Path

from bot.store._database import Database, migrations
from bot.store.catalog import CatalogStore
from bot.store.films import FilmStore
from bot.store.meta import MetaStore
from bot.store.ratings import RatingStore
from bot.store.spoilers import SpoilerStore
from bot.store.timers import Timer, TimerStore

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

    @classmethod
    async def open(cls, path: Path | str) -> Store:
        """Open (creating if needed) and migrate the database at ``path``."""
        return cls(await Database.open(path))

    async def close(self) -> None:
        await self.db.close()
