"""Any card ``filmbot films check`` accepts renders every view within Discord's limits.

Cards are drawn at and near every bound the checker sets (``card_strategies``), written to a real store,
and shown as members see them: the ``/film`` card message and its autocomplete choice, the ``/scores``
embed (with and without a server), and every ``/plot`` message at every ``upto``, every Next phase and
every grown copy. Each payload passes the emulator's validation of Discord's limits; plot messages are
also measured in UTF-16 units and checked for spoiler leaks.
"""

from __future__ import annotations

from typing import Any, cast

from hypothesis import HealthCheck, Phase, given, settings

from bot.catalog.cards import card_from_mapping
from bot.clock import ManualClock
from bot.enrich.service import EnrichService
from bot.films.service import FilmService
from bot.films.views import card_message
from bot.preferences.service import PreferencesService
from bot.scores import render as scores_render
from bot.scores.service import ScoreService
from bot.spoilers.models import PlotReveal
from bot.spoilers.service import PlotService
from bot.spoilers.views import plot_messages
from bot.store import Store
from bot.ui import limits
from bot.ui.text import truncate
from bot.where_to_watch.service import WhereToWatchService
from tests.catalog.card_strategies import SLUG, cards_mapping
from tests.conftest import NOW
from tests.discord_emulator.validation import validate_autocomplete, validate_message
from tests.spoilers.checks import assert_no_spoiler_leak, payload_of
from tests.spoilers.test_render import assert_within_limits
from tests.tmdb.fixtures import tmdb_result

GUILD = 1234


def _valid(payload: dict[str, Any]) -> None:
    errors = validate_message(payload)
    assert not errors, errors.describe()


async def _plot_reveals(plots: PlotService, film: Any) -> list[PlotReveal]:
    phases = await plots.phases(film)
    if not phases:
        return []
    reveals = [await plots.reveal(film)]
    reveals += [await plots.reveal(film, phase.name) for phase in phases]
    for level in sorted({p.level for p in phases})[:-1]:
        reveals += [await plots.next_after(film, level), await plots.grown(film, level)]
    return reveals


@settings(
    max_examples=40,
    phases=[Phase.generate],
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.function_scoped_fixture,
        HealthCheck.data_too_large,
    ],
)
@given(raw=cards_mapping())
async def test_every_view_of_any_valid_card_fits_discord(store: Store, raw: dict[str, Any]) -> None:
    card = card_from_mapping(raw, f"{SLUG}.toml")  # the checker accepts it: CardError fails the test
    assert await store.films.upsert(card) in ("added", "updated", "unchanged")
    films = FilmService(store)
    film = await films.resolve(SLUG)
    scores = ScoreService(store, films, ManualClock(NOW))
    enrich = EnrichService(store, ManualClock(NOW), ())  # offline: the card with no online status
    preferences = PreferencesService(store)
    watch = WhereToWatchService(store, preferences, enabled=True)
    await preferences.set_region(GUILD, "US")
    await watch.record(
        film.id, tmdb_result(), NOW
    )  # TMDB's poster, overview and offers: the card at its fullest
    bot = cast(
        Any, type("Bot", (), {"films": films, "scores": scores, "enrich": enrich, "where_to_watch": watch})
    )

    embed, view = await card_message(bot, film, GUILD)
    _valid(payload_of(embeds=[embed], view=view))
    choices = [{"name": c.name, "value": c.value} for c in await films.autocomplete(card.title[:20])]
    assert not validate_autocomplete({"choices": choices}), choices

    for guild in (None, GUILD):
        summary = await scores.summary(film, guild)
        _valid(
            payload_of(
                embeds=[scores_render.scores_embed(summary, chart=scores_render.chart_filename(summary))]
            )
        )

    plots = PlotService(store)
    secrets = [p.text for p in card.plot if p.spoiler_level > 0]
    premise = "\n\n".join(p.text for p in card.plot if p.spoiler_level == 0)  # as one text, as shown
    # Shown in the clear by design: the film's name, phase names and the Next phase labels made of them.
    labels = [truncate(f"Next phase: {p.phase}", limits.BUTTON_LABEL) for p in card.plot]
    allowed = [premise, *(p.phase for p in card.plot), *labels, film.label]
    for reveal in await _plot_reveals(plots, film):
        for message, next_view in plot_messages(reveal):
            payload = payload_of(embeds=[message], view=next_view)
            _valid(payload)
            assert_within_limits(payload)
            assert_no_spoiler_leak(payload, secrets, allowed=allowed)
