"""Where to watch, kept and shown: TMDB's offers stored per film (replaced whole at each read, kept when a
read fails), picked for the server's region, and rendered with JustWatch's credit and TMDB's page."""

from __future__ import annotations

import re
from dataclasses import fields, replace
from datetime import timedelta

from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.enrich._tmdb_json import WATCH_KINDS
from bot.enrich.models import ProviderResult, WatchOption
from bot.enrich.tmdb import watch_page
from bot.films import render
from bot.films.card import FilmCard
from bot.films.models import FilmSummary
from bot.preferences.countries import COUNTRIES
from bot.preferences.service import PreferencesService
from bot.store import Store
from bot.ui import limits
from bot.where_to_watch.models import TmdbCard, WhereToWatch
from bot.where_to_watch.render import JUSTWATCH, KIND_LABELS, where_field
from bot.where_to_watch.service import WhereToWatchService
from tests.conftest import NOW
from tests.discord_emulator.validation import validate_message
from tests.spoilers.checks import payload_of
from tests.tmdb.fixtures import HUNDRED_METERS, tmdb_result

# A mention that would ping: @everyone/@here, or a user or role id in brackets.
MENTION = re.compile(r"@(everyone|here)|<@[!&]?\d+>")
# A card with nothing but a title: every value field (the 8th on) empty.
EMPTY_CARD = FilmCard(
    "any", "Any Film", 2000, None, "import", None, False, **{f.name: () for f in fields(FilmCard)[7:]}
)

GUILD = 10


async def watch_service(
    store: Store, *, enabled: bool = True
) -> tuple[WhereToWatchService, PreferencesService]:
    preferences = PreferencesService(store)
    return WhereToWatchService(store, preferences, enabled=enabled), preferences


async def test_offers_for_the_servers_region(catalog_store: Store, film: FilmSummary) -> None:
    service, preferences = await watch_service(catalog_store)
    result = tmdb_result()
    assert await service.record(film.id, result, NOW)
    # In a server with no region: the poster, and the line saying a moderator can set one.
    assert await service.for_card(film.id, GUILD) == TmdbCard(
        result.poster_url, result.premise, WhereToWatch("no_region")
    )
    assert await service.for_card(film.id, None) == TmdbCard(
        result.poster_url, result.premise
    )  # a DM: no server region
    await preferences.set_region(GUILD, "us")
    card = await service.for_card(film.id, GUILD)
    us = HUNDRED_METERS.watch["US"]
    assert card.where.state == "offers" and card.where.country == "US" and card.where.link == us.link
    assert [(o.kind, o.service) for o in card.where.options] == [
        (kind, name) for kind in WATCH_KINDS for name in getattr(us, kind)
    ]
    await preferences.set_region(GUILD, "FR")  # no offers there
    none = (await service.for_card(film.id, GUILD)).where
    assert none.state == "offers" and none.options == ()
    assert none.link == watch_page(HUNDRED_METERS.id, "FR")


async def test_a_new_read_replaces_the_offers_a_failed_one_keeps_them_and_a_missing_one_forgets(
    catalog_store: Store, film: FilmSummary
) -> None:
    service, preferences = await watch_service(catalog_store)
    await preferences.set_region(GUILD, "GB")
    await service.record(film.id, tmdb_result(), NOW)
    assert [o.service for o in (await service.for_card(film.id, GUILD)).where.options] == ["Netflix"]
    later = NOW + timedelta(days=40)
    gone = ProviderResult("TMDB", ids=tmdb_result().ids, poster_url=None)  # every offer withdrawn
    assert await service.record(film.id, gone, later)
    card = await service.for_card(film.id, GUILD)
    assert card.poster_url is None and card.where.options == () and card.where.fetched_at == later
    assert not await service.record(film.id, ProviderResult.failed("TMDB", "down"), later + timedelta(days=1))
    wikidata = ProviderResult("Wikidata", ids=tmdb_result().ids)  # Wikidata knows the TMDB id, not the offers
    assert not await service.record(film.id, wikidata, later + timedelta(days=2))
    assert (await service.for_card(film.id, GUILD)).where.fetched_at == later
    # TMDB no longer has the film: what was kept of it goes (the offers with it).
    assert await service.record(film.id, ProviderResult.missing("TMDB", "gone"), later + timedelta(days=3))
    assert await service.for_card(film.id, GUILD) == TmdbCard()
    assert not await service.record(
        film.id, ProviderResult.missing("TMDB", "gone"), later + timedelta(days=4)
    )


async def test_nothing_is_shown_without_tmdb_or_a_read(catalog_store: Store, film: FilmSummary) -> None:
    service, preferences = await watch_service(catalog_store)
    await preferences.set_region(GUILD, "US")
    assert await service.for_card(film.id, GUILD) == TmdbCard()  # never read
    await service.record(film.id, tmdb_result(), NOW)
    off, _ = await watch_service(catalog_store, enabled=False)
    assert await off.for_card(film.id, GUILD) == TmdbCard()


def test_the_field_lists_each_kind_and_credits_justwatch() -> None:
    result = tmdb_result()
    options = tuple(o for o in result.watch if o.country == "US")
    field = where_field(WhereToWatch("offers", "US", options, HUNDRED_METERS.watch["US"].link, NOW))
    assert field is not None and field.name == "Where to watch (United States)"
    lines = field.value.splitlines()
    us = HUNDRED_METERS.watch["US"]
    expected = [f"**{KIND_LABELS[k]}:** " + ", ".join(getattr(us, k)) for k in WATCH_KINDS if getattr(us, k)]
    assert lines[:-1] == expected
    assert (
        lines[-1] == f"[All offers on TMDB]({us.link}) · checked <t:{int(NOW.timestamp())}:R> · {JUSTWATCH}"
    )


def test_the_field_says_plainly_when_there_are_no_offers_or_no_region() -> None:
    field = where_field(WhereToWatch("offers", "FR", (), watch_page(1, "FR"), NOW))
    assert field is not None and field.name == "Where to watch (France)"
    assert field.value.startswith("Not offered to stream, rent or buy in France, as far as JustWatch knows.")
    assert JUSTWATCH in field.value
    unset = where_field(WhereToWatch("no_region"))
    assert unset is not None and "`/settings region`" in unset.value
    assert where_field(WhereToWatch.hidden()) is None


def test_the_field_fits_with_hundreds_of_offers_and_escapes_names() -> None:
    many = tuple(
        WatchOption("US", kind, f"Service *{i}* @everyone", None) for kind in WATCH_KINDS for i in range(200)
    )
    field = where_field(WhereToWatch("offers", "US", many, "https://tmdb.test/w", NOW))
    assert field is not None and len(field.value) <= limits.EMBED_FIELD_VALUE
    assert field.value.endswith(JUSTWATCH) and "@everyone" not in field.value.replace("@\u200beveryone", "")
    assert "*0*" not in field.value


@settings(max_examples=150, deadline=None)
@given(
    names=st.lists(st.text(min_size=1, max_size=120), max_size=60),
    country=st.sampled_from(sorted(COUNTRIES)),
    premise=st.text(max_size=1200),
)
@example(
    names=["@everyone", "<@123456789012345678>", "*Net*flix", "x" * 120], country="US", premise="@here <@&5>"
)
def test_any_offers_and_overview_fit_and_ping_nobody(names: list[str], country: str, premise: str) -> None:
    """Whatever TMDB's services and overview say: the field and card fit Discord, and nothing mentions."""
    options = tuple(WatchOption(country, WATCH_KINDS[i % 5], name, None) for i, name in enumerate(names))
    field = where_field(WhereToWatch("offers", country, options, watch_page(1, country), NOW))
    assert (
        field is not None and len(field.value) <= limits.EMBED_FIELD_VALUE and field.value.endswith(JUSTWATCH)
    )
    card = render.card_embed(
        replace(EMPTY_CARD, premise=premise or None), extra_fields=[field], thumbnail="https://img.test/p.jpg"
    )
    payload = payload_of(embeds=[card])
    errors = validate_message(payload)
    assert not errors, errors.describe()
    for text in (field.value, card.description or ""):
        assert not MENTION.search(text), text
