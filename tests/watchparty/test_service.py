"""The watch party service and store against a real SQLite store with the catalog loaded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.clock import ManualClock
from bot.errors import BadInput, Conflict, NotFound
from bot.films.models import FilmSummary
from bot.films.service import FilmService
from bot.preferences.service import PreferencesService
from bot.store import Store
from bot.watchparty.models import ScheduleRequest
from bot.watchparty.reminders import END, REMINDER, START
from bot.watchparty.service import WatchPartyService
from tests.watchparty.quiet import quiet_service

NOW = datetime(2026, 3, 27, 12, 0, tzinfo=UTC)  # a Friday
GUILD, CHANNEL, MOD = 10, 20, 30


@pytest.fixture
async def film(catalog_store: Store) -> FilmSummary:
    films = FilmService(catalog_store)
    return await films.resolve("100-meters")


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(NOW)


@pytest.fixture
def service(catalog_store: Store, clock: ManualClock) -> WatchPartyService:
    return quiet_service(catalog_store, clock)


@pytest.fixture
def preferences(catalog_store: Store) -> PreferencesService:
    return PreferencesService(catalog_store)


def request(film: FilmSummary, when: str = "in 2 days", **extra: Any) -> ScheduleRequest:
    return ScheduleRequest(guild_id=GUILD, channel_id=CHANNEL, user_id=MOD, film=film, when=when, **extra)


async def pending(store: Store, party_id: int) -> list[tuple[str, datetime]]:
    rows = []
    for kind in (REMINDER, START, END):
        rows += [
            (t.kind, t.due_at)
            for t in await store.timers.for_ref(kind, str(party_id))
            if t.state == "pending"
        ]
    return sorted(rows, key=lambda r: r[1])


async def test_schedule_commits_the_party_and_every_timer(
    service: WatchPartyService, catalog_store: Store, film: FilmSummary
) -> None:
    scheduled = await service.schedule(
        request(film, "2026-03-29 20:00", zone="Europe/Paris", note="Bring snacks")
    )
    party = scheduled.party
    start = datetime(2026, 3, 29, 18, 0, tzinfo=UTC)  # 20:00 in Paris after the spring-forward switch
    assert party.starts_at == start and party.timezone == "Europe/Paris" and party.status == "scheduled"
    assert party.reminders == (86400, 3600, 600) and party.note == "Bring snacks"
    assert party.runtime_minutes == 107  # from the film card
    assert scheduled.skipped == ()
    assert await pending(catalog_store, party.id) == [
        (REMINDER, start - timedelta(days=1)),
        (REMINDER, start - timedelta(hours=1)),
        (REMINDER, start - timedelta(minutes=10)),
        (START, start),
        (END, start + timedelta(minutes=107)),
    ]


async def test_reminders_already_past_are_skipped_and_reported(
    service: WatchPartyService, catalog_store: Store, film: FilmSummary
) -> None:
    scheduled = await service.schedule(request(film, "in 30 minutes"))
    assert scheduled.skipped == (86400, 3600)
    kinds = [k for k, _ in await pending(catalog_store, scheduled.party.id)]
    assert kinds == [REMINDER, START, END]


async def test_bad_input_is_refused_before_anything_is_written(
    service: WatchPartyService, catalog_store: Store, film: FilmSummary
) -> None:
    for bad in (
        request(film, "yesterday"),
        request(film, reminders="1x"),
        request(film, note="n" * 501),
        request(film, location="l" * 101),
    ):
        with pytest.raises(BadInput):
            await service.schedule(bad)
    assert await catalog_store.watch_parties.upcoming(GUILD) == []


async def test_rsvps_counts_and_attendees(
    service: WatchPartyService, catalog_store: Store, film: FilmSummary
) -> None:
    party = (await service.schedule(request(film))).party
    await service.rsvp(party.id, 1, "going")
    await service.rsvp(party.id, 2, "maybe")
    await service.rsvp(party.id, 3, "cant")
    _, counts = await service.rsvp(party.id, 4, "going")
    assert (counts.going, counts.maybe, counts.cant) == (2, 1, 1)
    _, counts = await service.rsvp(party.id, 4, "cant")  # changed their mind
    assert (counts.going, counts.maybe, counts.cant) == (1, 1, 2)
    assert await catalog_store.watch_parties.attendees(party.id) == [1, 2]
    with pytest.raises(NotFound):
        await service.rsvp(999, 1, "going")


async def test_event_interest_follows_but_never_overrides_a_button_answer(
    service: WatchPartyService, catalog_store: Store, film: FilmSummary
) -> None:
    party = (await service.schedule(request(film))).party
    await catalog_store.watch_parties.set_event(party.id, 5555)
    assert await service.interest(5555, 7, added=True) is not None
    assert await catalog_store.watch_parties.attendees(party.id) == [7]
    await service.rsvp(party.id, 8, "cant")
    assert await service.interest(5555, 8, added=True) is None  # the button answer stands
    assert await service.interest(5555, 7, added=False) is not None
    assert await catalog_store.watch_parties.attendees(party.id) == []
    assert await service.interest(4444, 7, added=True) is None  # not a party's event


async def test_reschedule_moves_every_pending_timer(
    service: WatchPartyService, catalog_store: Store, film: FilmSummary, clock: ManualClock
) -> None:
    party = (await service.schedule(request(film, "in 2 days"))).party
    moved = await service.reschedule(party.id, GUILD, MOD, "in 3 days")
    assert moved.previous_start == party.starts_at
    new_start = NOW + timedelta(days=3)
    assert moved.party.starts_at == new_start
    assert [due for _, due in await pending(catalog_store, party.id)] == [
        new_start - timedelta(days=1),
        new_start - timedelta(hours=1),
        new_start - timedelta(minutes=10),
        new_start,
        new_start + timedelta(minutes=107),
    ]
    cancelled = [
        t for t in await catalog_store.timers.for_ref(REMINDER, str(party.id)) if t.state == "cancelled"
    ]
    assert len(cancelled) == 3
    with pytest.raises(NotFound):
        await service.reschedule(party.id, GUILD + 1, MOD, "in 3 days")  # another server's party


async def test_cancel_cancels_every_timer_and_closes_answers(
    service: WatchPartyService, catalog_store: Store, film: FilmSummary
) -> None:
    party = (await service.schedule(request(film))).party
    cancelled = await service.cancel(party.id, GUILD)
    assert cancelled.party.status == "cancelled"
    assert await pending(catalog_store, party.id) == []
    with pytest.raises(Conflict):
        await service.rsvp(party.id, 1, "going")
    with pytest.raises(Conflict):
        await service.cancel(party.id, GUILD)
    with pytest.raises(Conflict):
        await service.reschedule(party.id, GUILD, MOD, "in 3 days")


async def test_weekly_repeat_keeps_the_wall_time_across_dst(
    service: WatchPartyService, catalog_store: Store, film: FilmSummary
) -> None:
    # Friday 20:00 in Paris, UTC+1 now; next week's Friday 20:00 is after the switch (UTC+2).
    party = (
        await service.schedule(request(film, "friday 20:00", zone="Europe/Paris", repeat="weekly"))
    ).party
    assert party.starts_at == datetime(2026, 3, 27, 19, 0, tzinfo=UTC)
    following = await service.next_occurrence(party)
    assert following is not None
    assert following.party.starts_at == datetime(2026, 4, 3, 18, 0, tzinfo=UTC)
    assert following.party.previous_id == party.id and following.party.repeat == "weekly"
    # Idempotent: a retried start timer does not make a second one.
    assert await service.next_occurrence(party) is None
    assert len(await catalog_store.watch_parties.upcoming(GUILD)) == 2


async def test_biweekly_and_no_repeat(service: WatchPartyService, film: FilmSummary) -> None:
    once = (await service.schedule(request(film))).party
    assert await service.next_occurrence(once) is None
    every_two = (await service.schedule(request(film, "in 1 hour", repeat="biweekly"))).party
    following = await service.next_occurrence(every_two)
    assert following is not None and following.party.starts_at == every_two.starts_at + timedelta(days=14)
    with pytest.raises(BadInput):
        await service.schedule(request(film, repeat="daily"))


async def test_delivery_records_and_dm_subscribers(
    service: WatchPartyService, preferences: PreferencesService, catalog_store: Store, film: FilmSummary
) -> None:
    party = (await service.schedule(request(film))).party
    timer = (await catalog_store.timers.for_ref(START, str(party.id)))[0]
    store = catalog_store.watch_parties
    assert await store.delivered(timer.id) == {}
    await store.record_delivery(timer.id, "channel:0", 123)
    await store.record_delivery(timer.id, "dm:5", 456)
    assert await store.delivered(timer.id) == {"channel:0": 123, "dm:5": 456}
    await preferences.set_dm_reminders(5, True)
    await preferences.set_dm_reminders(6, False)
    assert await preferences.dm_subscribers([5, 6, 7]) == {5}
    await preferences.set_member_timezone(5, "Asia/Tokyo")  # does not reset the DM choice
    member = await preferences.member(5)
    assert member.dm_reminders and member.timezone == "Asia/Tokyo"


async def test_place_and_note_are_normalized_and_blank_ones_refused(
    service: WatchPartyService, catalog_store: Store, film: FilmSummary
) -> None:
    scheduled = await service.schedule(
        request(film, note="Bring\u200b  snacks \u202e!", location="Kino\u00a0\u2066Babylon")
    )
    assert scheduled.party.note == "Bring snacks !" and scheduled.party.location == "Kino Babylon"
    for bad in (request(film, note="\u200b\u200c"), request(film, location="\u2066\u2069\u3164")):
        with pytest.raises(BadInput, match="is blank"):
            await service.schedule(bad)
