"""End-to-end watch parties: the real bot, discord.py, the Discord emulator, and real time a few seconds ahead."""

from __future__ import annotations

import re
from typing import Any

from bot.client import FilmBot
from tests.discord_emulator import Driver, Emulator, MessageView
from tests.discord_emulator.botrunner import SubprocessBot
from tests.watchparty.quiet import quiet_service


def pinged(message: MessageView) -> list[int]:
    return [int(x) for x in re.findall(r"<@(\d+)>", message.content)]


def reminders(driver: Driver, party_id: int, what: str = "reminder") -> list[MessageView]:
    return [m for m in driver.messages() if f"party #{party_id}]" in m.content and what in m.content]


async def schedule(driver: Driver, when: str, **options: Any) -> tuple[Any, int]:
    result = await driver.as_member("moderator").slash(
        "watchparty", "schedule", film="100-meters", when=when, **options
    )
    message = result.message
    match = re.search(r"Watch party #(\d+)", message.embed["footer"]["text"])
    assert match, message.embed
    return message, int(match[1])


def event_of(emulator: Emulator, party_id: int) -> dict[str, Any]:
    (event,) = [
        e for e in emulator.state.scheduled_events.values() if f"#{party_id}" in (e.get("description") or "")
    ]
    return event


async def test_members_without_manage_events_are_refused(
    emulator: Emulator, filmbot: Any, driver: Driver
) -> None:
    result = await driver.as_member("member1").slash(
        "watchparty", "schedule", film="100-meters", when="in 2 hours"
    )
    assert result.ephemeral and "Manage Events" in result.text
    assert not driver.messages()
    assert not emulator.state.scheduled_events


async def test_unreadable_time_is_refused_with_examples(
    emulator: Emulator, filmbot: Any, driver: Driver
) -> None:
    result = await driver.as_member("moderator").slash(
        "watchparty", "schedule", film="100-meters", when="someday"
    )
    assert result.ephemeral and "tomorrow 21:00" in result.text
    assert not emulator.state.scheduled_events


async def test_schedule_rsvp_remind_and_start(emulator: Emulator, filmbot: Any, driver: Driver) -> None:
    announcement, party_id = await schedule(driver, "in 6 seconds", where="Screening Room", reminders="3s")
    assert "<t:" in announcement.content and ":R>" in announcement.content
    event = event_of(emulator, party_id)
    assert event["entity_type"] == 2 and int(event["status"]) == 1
    member1, member2, member3, member4 = (emulator.world.member(f"member{n}").user.id for n in range(1, 5))
    going = await driver.as_member("member1").click(announcement, label="Going (0)")
    (confirmation,) = await going.wait_followups(1)
    assert confirmation.ephemeral and "Going" in confirmation.content
    await driver.as_member("member2").click(announcement.id, custom_id=f"filmbot:wp:rsvp:{party_id}:maybe")
    await driver.as_member("member4").click(announcement.id, custom_id=f"filmbot:wp:rsvp:{party_id}:cant")
    await driver.as_member("member3").event_user_add(event["id"])
    await emulator.wait_for(
        lambda: "Going (2)" in str(MessageView(emulator, announcement.id).buttons),
        timeout=5,
        what="live counts",
    )
    reminder = await driver.wait_for_message(
        predicate=lambda m: f"reminder, party #{party_id}]" in m.content, timeout=10
    )
    assert sorted(pinged(reminder)) == sorted([member1, member2, member3])
    assert member4 not in pinged(reminder)
    start = await driver.wait_for_message(predicate=lambda m: "starting now" in m.content, timeout=10)
    assert sorted(pinged(start)) == sorted([member1, member2, member3])
    await emulator.wait_for(
        lambda: int(event_of(emulator, party_id)["status"]) == 2, timeout=5, what="event active"
    )
    assert len(reminders(driver, party_id)) == 1
    listed = await driver.as_member("member1").slash("watchparty", "rsvps", party=party_id)
    assert listed.ephemeral and "Going (2)" in str(listed.embed)


async def test_interest_removed_drops_the_event_rsvp(
    emulator: Emulator, filmbot: Any, driver: Driver
) -> None:
    announcement, party_id = await schedule(driver, "in 2 hours")
    event = event_of(emulator, party_id)
    await driver.as_member("member3").event_user_add(event["id"])
    await emulator.wait_for(
        lambda: "Going (1)" in str(MessageView(emulator, announcement.id).buttons), timeout=5, what="+1"
    )
    await driver.as_member("member3").event_user_remove(event["id"])
    await emulator.wait_for(
        lambda: "Going (0)" in str(MessageView(emulator, announcement.id).buttons), timeout=5, what="-1"
    )


async def test_reschedule_and_cancel_move_the_event_and_tell_members(
    emulator: Emulator, filmbot: Any, driver: Driver
) -> None:
    announcement, party_id = await schedule(driver, "in 2 hours")
    await driver.as_member("member1").click(announcement, label="Going (0)")
    before = event_of(emulator, party_id)["scheduled_start_time"]
    moved = await driver.as_member("moderator").slash(
        "watchparty", "reschedule", party=party_id, when="in 3 hours"
    )
    assert moved.ephemeral and "Moved" in moved.text
    assert event_of(emulator, party_id)["scheduled_start_time"] != before
    member1 = emulator.world.member("member1").user.id
    notice = await driver.wait_for_message(predicate=lambda m: "moved" in m.content)
    assert pinged(notice) == [member1]
    refused = await driver.as_member("member2").slash("watchparty", "cancel", party=party_id)
    assert refused.ephemeral and "Manage Events" in refused.text
    cancelled = await driver.as_member("moderator").slash("watchparty", "cancel", party=party_id)
    assert cancelled.ephemeral and "Cancelled" in cancelled.text
    assert int(event_of(emulator, party_id)["status"]) == 4
    notice = await driver.wait_for_message(predicate=lambda m: "cancelled" in m.content)
    assert pinged(notice) == [member1]
    assert MessageView(emulator, announcement.id).buttons == []


async def test_restart_between_scheduling_and_firing(
    emulator: Emulator, filmbot: Any, driver: Driver
) -> None:
    announcement, party_id = await schedule(driver, "in 5 seconds", reminders="3s")
    await driver.as_member("member1").click(announcement, label="Going (0)")
    await filmbot.restart()
    reminder = await driver.wait_for_message(
        predicate=lambda m: f"reminder, party #{party_id}]" in m.content, timeout=15
    )
    assert pinged(reminder) == [emulator.world.member("member1").user.id]
    await driver.wait_for_message(predicate=lambda m: "starting now" in m.content, timeout=15)
    assert len(reminders(driver, party_id)) == 1


async def test_sigkill_right_after_a_reminder_does_not_repeat_it(
    emulator: Emulator, filmbot_process: SubprocessBot, driver: Driver
) -> None:
    announcement, party_id = await schedule(driver, "in 6 seconds", reminders="4s")
    await driver.as_member("member1").click(announcement, label="Going (0)")
    await driver.wait_for_message(
        predicate=lambda m: f"reminder, party #{party_id}]" in m.content, timeout=15
    )
    await filmbot_process.kill()
    await filmbot_process.start()
    await driver.wait_for_message(predicate=lambda m: "starting now" in m.content, timeout=20)
    assert len(reminders(driver, party_id)) == 1
    assert len(reminders(driver, party_id, "starting now")) == 1


async def test_rsvp_on_a_cancelled_party_is_answered_not_failed(
    emulator: Emulator, filmbot: Any, driver: Driver
) -> None:
    announcement, party_id = await schedule(driver, "in 2 hours")
    # Cancelled in the store only, as when editing the announcement failed: its buttons are still there.
    bot: FilmBot = filmbot.bot
    await quiet_service(bot.store, bot.clock).cancel(party_id, emulator.world.guild.id)
    clicked = await driver.as_member("member1").click(
        announcement.id, custom_id=f"filmbot:wp:rsvp:{party_id}:going"
    )
    assert clicked.ephemeral and "cancelled" in clicked.text
