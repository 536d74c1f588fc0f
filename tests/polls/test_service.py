"""The poll service over a real SQLite store: votes, changes, retractions, closing, anonymity."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bot.clock import ManualClock
from bot.errors import BadInput, Conflict, NotAllowed, NotFound
from bot.polls.checks import max_choices_for, parse_options
from bot.polls.service import TIMER_KIND, PollService
from bot.store import Store
from tests.engines import sqlite_db

from .conftest import AUTHOR, new_poll


async def test_vote_change_retract(service: PollService, clock: ManualClock) -> None:
    poll = await service.create(new_poll(clock))
    assert (await service.vote(poll.id, 1, (), [0])).status == "new"
    assert (await service.vote(poll.id, 1, (), [0])).status == "unchanged"
    assert (await service.vote(poll.id, 1, (), [2])).status == "changed"
    assert (await service.vote(poll.id, 2, (), [2])).status == "new"
    view = await service.view(poll.id)
    assert view.ballots == 2
    assert view.tally is not None and view.tally.counts == (0, 0, 2)
    assert (await service.retract(poll.id, 1, ())).status == "retracted"
    assert (await service.retract(poll.id, 1, ())).status == "none"
    assert (await service.my_ballot(poll.id, 2))[1] == (2,)
    assert (await service.my_ballot(poll.id, 1))[1] is None
    view = await service.view(poll.id)
    assert view.tally is not None and view.tally.counts == (0, 0, 1)


async def test_choices_are_checked_per_mode(service: PollService, clock: ManualClock) -> None:
    single = await service.create(new_poll(clock))
    with pytest.raises(BadInput, match="one choice"):
        await service.vote(single.id, 1, (), [0, 1])
    with pytest.raises(BadInput, match="not on this poll"):
        await service.vote(single.id, 1, (), [3])
    multi = await service.create(new_poll(clock, mode="multi", max_choices=2))
    with pytest.raises(BadInput, match="at most 2"):
        await service.vote(multi.id, 1, (), [0, 1, 2])
    assert (await service.vote(multi.id, 1, (), [2, 0])).choices == (0, 2)
    ranked = await service.create(new_poll(clock, mode="ranked"))
    assert (await service.vote(ranked.id, 1, (), [2, 0])).choices == (2, 0)  # order kept
    with pytest.raises(BadInput, match="only once"):
        await service.vote(ranked.id, 1, (), [2, 2])


async def test_toggle_for_multi_buttons(service: PollService, clock: ManualClock) -> None:
    poll = await service.create(new_poll(clock, mode="multi", max_choices=2))
    assert (await service.toggle(poll.id, 1, (), 0)).choices == (0,)
    assert (await service.toggle(poll.id, 1, (), 2)).choices == (0, 2)
    with pytest.raises(BadInput, match="already picked 2"):
        await service.toggle(poll.id, 1, (), 1)
    assert (await service.toggle(poll.id, 1, (), 0)).choices == (2,)
    assert (await service.toggle(poll.id, 1, (), 2)).status == "retracted"


async def test_concurrent_toggles_by_one_member_lose_none(service: PollService, clock: ManualClock) -> None:
    labels = tuple(f"Film {i}" for i in range(10))
    poll = await service.create(new_poll(clock, labels, mode="approval"))
    # A member clicking ten approval buttons in quick succession: every click must stick.
    await asyncio.gather(*(service.toggle(poll.id, 1, (), option) for option in range(10)))
    assert (await service.my_ballot(poll.id, 1))[1] == tuple(range(10))


async def test_role_restriction(service: PollService, clock: ManualClock) -> None:
    poll = await service.create(new_poll(clock, role_id=555))
    with pytest.raises(NotAllowed, match="role"):
        await service.vote(poll.id, 1, (1, 2), [0])
    assert (await service.vote(poll.id, 1, (555,), [0])).status == "new"


async def test_deadline_and_close(service: PollService, clock: ManualClock, store: Store) -> None:
    poll = await service.create(new_poll(clock))
    await service.vote(poll.id, 1, (), [1])
    [timer] = await store.timers.for_ref(TIMER_KIND, str(poll.id))
    assert timer.due_at == poll.closes_at and timer.state == "pending"
    with pytest.raises(NotAllowed, match="author"):
        await service.close(poll.id, by=99)
    outcome = await service.close(poll.id, by=99, can_manage=True)
    assert outcome.newly_closed and outcome.poll.closed_by == 99
    assert not (await service.close(poll.id, by=AUTHOR)).newly_closed  # idempotent
    [timer] = await store.timers.for_ref(TIMER_KIND, str(poll.id))
    assert timer.state == "cancelled"
    with pytest.raises(Conflict, match="closed"):
        await service.vote(poll.id, 2, (), [0])
    view = await service.view(poll.id)
    assert view.tally is not None and view.tally.winners == (1,)


async def test_vote_after_deadline_before_the_timer_fires_is_refused(
    service: PollService, clock: ManualClock, store: Store
) -> None:
    poll = await service.create(new_poll(clock, hours=1))
    await clock.advance(timedelta(hours=1))
    with pytest.raises(Conflict, match="closed"):
        await service.vote(poll.id, 1, (), [0])
    # Even a vote that passed the service's check is refused by the store, in the write transaction.
    assert (await store.polls.cast(poll.id, 1, (0,), clock.now())).status == "closed"


async def test_hidden_results_until_close(service: PollService, clock: ManualClock) -> None:
    poll = await service.create(new_poll(clock, hide_results=True))
    await service.vote(poll.id, 1, (), [0])
    view = await service.view(poll.id)
    assert view.tally is None and view.ballots == 1
    await service.close(poll.id, by=AUTHOR)
    view = await service.view(poll.id)
    assert view.tally is not None and view.tally.counts == (1, 0, 0)


async def test_anonymous_ballots_are_not_stored_with_the_voter(
    service: PollService, clock: ManualClock, store: Store
) -> None:
    poll = await service.create(new_poll(clock, anonymous=True))
    user = 123456789012345678
    await service.vote(poll.id, user, (), [1])
    rows = await store.db.fetchall("SELECT voter, choices FROM poll_ballots WHERE poll_id = ?", (poll.id,))
    assert len(rows) == 1
    assert str(user) not in rows[0]["voter"] and len(rows[0]["voter"]) == 64
    # The member still sees and changes their own ballot while the poll is open.
    assert (await service.my_ballot(poll.id, user))[1] == (1,)
    assert (await service.vote(poll.id, user, (), [2])).status == "changed"
    await service.close(poll.id, by=AUTHOR)
    secret = await store.db.fetchone("SELECT secret FROM polls WHERE id = ?", (poll.id,))
    assert secret is not None and secret["secret"] is None  # unlinkable from now on
    assert (await service.my_ballot(poll.id, user))[1] is None
    view = await service.view(poll.id)
    assert view.tally is not None and view.tally.counts == (0, 0, 1)


async def test_unknown_poll(service: PollService) -> None:
    with pytest.raises(NotFound):
        await service.vote(404, 1, (), [0])


async def test_thousand_concurrent_voters_store_exactly_a_thousand_ballots(
    service: PollService, clock: ManualClock, store: Store
) -> None:
    labels = tuple(f"Option {i}" for i in range(25))
    poll = await service.create(new_poll(clock, labels))
    results = await asyncio.gather(*(service.vote(poll.id, user, (), [user % 25]) for user in range(1000)))
    assert all(r.status == "new" for r in results)
    # Half of them change their mind at once, a tenth retract, all concurrently.
    changes = [service.vote(poll.id, user, (), [0]) for user in range(0, 1000, 2)]
    retracts = [service.retract(poll.id, user, ()) for user in range(1, 1000, 10)]
    await asyncio.gather(*changes, *retracts)
    assert await store.polls.ballot_count(poll.id) == 900
    view = await service.view(poll.id)
    assert view.tally is not None
    expected = [0] * 25
    for user in range(1000):
        if user % 10 == 1:
            continue
        expected[0 if user % 2 == 0 else user % 25] += 1
    assert list(view.tally.counts) == expected
    assert sum(view.tally.counts) == 900
    assert store.ballots.largest_batch > 1  # the burst was group-committed


def test_parse_options() -> None:
    assert parse_options(" Heat ;Ronin;; Collateral ") == ("Heat", "Ronin", "Collateral")
    with pytest.raises(BadInput, match="at least two"):
        parse_options("Heat")
    with pytest.raises(BadInput, match="at most 25"):
        parse_options(";".join(str(i) for i in range(26)))
    assert len(parse_options(";".join(str(i) for i in range(25)))) == 25
    with pytest.raises(BadInput, match="at most 80"):
        parse_options("a" * 81 + "; b")
    assert parse_options("a" * 80 + "; b")[0] == "a" * 80
    with pytest.raises(BadInput, match="twice"):
        parse_options("Heat; heat")


def test_max_choices() -> None:
    assert max_choices_for("single", 4, None) == 1
    assert max_choices_for("multi", 4, None) == 2
    assert max_choices_for("multi", 4, 3) == 3
    assert max_choices_for("approval", 4, None) == 4
    with pytest.raises(BadInput):
        max_choices_for("multi", 4, 5)
    with pytest.raises(BadInput):
        max_choices_for("ranked", 4, 2)


@pytest.mark.parametrize("checkpointed_while_open", [False, True])
async def test_a_closed_polls_secret_is_in_no_file_any_more(
    service: PollService, clock: ManualClock, store: Store, checkpointed_while_open: bool
) -> None:
    """Not in the database file, not in its WAL: a copy of the files taken after close cannot re-link."""
    db = sqlite_db(store)
    poll = await service.create(new_poll(clock, anonymous=True))
    row = await store.db.fetchone("SELECT secret FROM polls WHERE id = ?", (poll.id,))
    assert row is not None
    secret = bytes(row["secret"])
    await service.vote(poll.id, 123456789012345678, (), [1])
    if checkpointed_while_open:  # the page holding the secret reached the database file itself
        await db.checkpoint()
    files = [db.path, db.path.with_name(db.path.name + "-wal")]
    assert any(f.exists() and secret in f.read_bytes() for f in files)
    # A moderator's snowflake makes the closed row longer: it moves, and the old row's bytes stay behind
    # in the page unless they are zeroed (secure_delete).
    await service.close(poll.id, by=876543210987654321, can_manage=True)
    assert not any(f.exists() and secret in f.read_bytes() for f in files)
