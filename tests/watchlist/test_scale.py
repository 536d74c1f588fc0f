"""A watchlist of 10,000 films: every page, sort, autocomplete and draw still fits Discord's limits.

Timings are in ``benchmarks/watchlist.py``; this checks what is shown, at the limit.
"""

from __future__ import annotations

import random
from pathlib import Path

import discord
import pytest

from bot.catalog.importing import import_catalog
from bot.clock import ManualClock
from bot.preferences.service import PreferencesService
from bot.store import Store
from bot.store.timers import encode_time
from bot.ui import limits
from bot.watchlist import render
from bot.watchlist.models import PICKS, SORTS, Draw
from bot.watchlist.service import PAGE_SIZE, WatchlistService
from bot.watchlist.views import list_message
from tests.watchlist.conftest import GUILD

FILMS = 10_000
MEMBERS = 1_000


@pytest.fixture
async def big(tmp_path: Path, store: Store, clock: ManualClock) -> WatchlistService:
    """10,000 imported films, every one suggested, with 1–20 wants each from 1,000 members."""
    path = tmp_path / "films.csv"
    lines = ["title,year,imdb_rating,imdb_votes"]
    # Long titles with markdown and a mention in them: the page must escape and still fit.
    lines += [
        f"The *Very* Long Night @everyone of Film {n:05d},{1950 + n % 70},{5 + n % 50 / 10},9"
        for n in range(FILMS)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    await import_catalog(store, path, "csv")
    rng = random.Random(3)
    ids = [row[0] for row in await store.db.fetchall("SELECT id FROM films ORDER BY id")]
    stamp = encode_time(clock.now())
    async with store.db.transaction() as tx:
        await tx.executemany(
            "INSERT INTO watchlist_entries (id, guild_id, film_id, suggested_by, suggested_at, wants) "
            "VALUES (?, ?, ?, ?, ?, 0)",
            [(n + 1, GUILD, film_id, 1 + n % MEMBERS, stamp) for n, film_id in enumerate(ids)],
        )
        wants = {(n + 1, u) for n in range(FILMS) for u in rng.sample(range(1, MEMBERS + 1), 1 + n % 20)}
        await tx.executemany(
            "INSERT INTO watchlist_wants VALUES (?, ?, ?)", [(e, u, stamp) for e, u in sorted(wants)]
        )
        await tx.execute(
            "UPDATE watchlist_entries SET wants = "
            "(SELECT count(*) FROM watchlist_wants w WHERE w.entry_id = watchlist_entries.id)"
        )
    return WatchlistService(store, clock, PreferencesService(store), rng=random.Random(5))


def check_message(embed: discord.Embed, view: discord.ui.View) -> None:
    assert len(embed) <= limits.EMBED_TOTAL and len(embed.description or "") <= limits.EMBED_DESCRIPTION
    assert "@everyone" not in (embed.description or "")
    for item in view.children:
        custom_id = getattr(item, "custom_id", "")
        assert len(custom_id) <= limits.CUSTOM_ID
        if isinstance(item, discord.ui.Select):
            assert len(item.options) <= limits.SELECT_OPTIONS
            assert all(len(o.label) <= limits.SELECT_OPTION_TEXT for o in item.options)
    assert len(view.children) <= limits.ACTION_ROWS * limits.BUTTONS_PER_ROW


async def test_ten_thousand_films_page_sort_autocomplete_and_draw_within_discord_s_limits(
    big: WatchlistService,
) -> None:
    for sort in SORTS:
        first = await big.page(GUILD, sort, None, 0)
        last = await big.page(GUILD, sort, None, 10**6)
        assert (first.total, first.pages, last.page) == (FILMS, FILMS // PAGE_SIZE, FILMS // PAGE_SIZE - 1)
        assert len(first.films) == len(last.films) == PAGE_SIZE
        assert last.films[-1].number == FILMS
        for page in (first, last):
            check_message(*list_message(page))
    wanted = await big.page(GUILD, "wanted", None, 0)
    assert [f.entry.wants for f in wanted.films] == [20] * PAGE_SIZE
    footer = render.list_embed(wanted).footer.text or ""
    assert "Page 1 of 1,000" in footer
    mine = await big.page(GUILD, "score", 7, 0)  # one member's films among the 10,000
    assert 10 <= mine.total < 1_000 and mine.member_id == 7
    check_message(*list_message(mine))
    # The same data, at the limits of autocomplete and of a movie night.
    for typed in ("", "night", "film 09", "x" * 100):
        choices = await big.choices(GUILD, typed)
        assert len(choices) <= limits.AUTOCOMPLETE_CHOICES
        assert all(len(c.name) <= limits.CHOICE_NAME and len(c.value) <= limits.CHOICE_VALUE for c in choices)
    assert len(await big.choices(GUILD, "film 09")) == limits.AUTOCOMPLETE_CHOICES
    for pick in PICKS:
        drawn = await big.draw(GUILD, [], Draw(pick, 10), minimum=2, maximum=10)
        assert len({film.id for film in drawn}) == 10
