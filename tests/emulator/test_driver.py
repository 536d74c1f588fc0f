"""The driver API against the minimal bot: typed options, components, modals, files, DMs, threads."""

from __future__ import annotations

import io

import discord
import pytest

from tests.discord_emulator import Driver, Emulator

from .minibot import RunningBot, start_minibot


async def test_subcommand_with_resolved_channel_and_member(
    emulator: Emulator, minibot: RunningBot, driver: Driver
) -> None:
    result = await driver.as_member("moderator").slash(
        "poll create", question="Which film?", channel="spoilers", who="member3"
    )
    member3 = emulator.world.members[2].user.username
    assert result.content == f"Poll: Which film? in spoilers for {member3}"
    data = result.interaction.payload["data"]
    assert data["options"][0]["name"] == "create"
    resolved = data["resolved"]
    assert str(emulator.world.channels["spoilers"].id) in resolved["channels"]
    assert str(emulator.world.members[2].user.id) in resolved["members"]
    # positional sub-command form is equivalent
    same = await driver.slash("poll", "create", question="Again?")
    assert same.content == "Poll: Again?"


async def test_interaction_payload_is_realistic(
    emulator: Emulator, minibot: RunningBot, driver: Driver
) -> None:
    result = await driver.as_member("moderator", channel="film-night").slash("film", title="100 Meters")
    payload = result.interaction.payload
    assert payload["type"] == 2 and payload["version"] == 1
    assert payload["application_id"] == str(emulator.state.application_id)
    assert payload["channel"]["name"] == "film-night"
    assert payload["channel_id"] == str(emulator.world.channels["film-night"].id)
    perms = discord.Permissions(int(payload["member"]["permissions"]))
    assert perms.manage_events and perms.manage_messages and perms.manage_channels
    member_perms = discord.Permissions(
        int((await driver.slash("film", title="100 Meters")).interaction.payload["member"]["permissions"])
    )
    assert not member_perms.manage_events and member_perms.send_messages
    assert discord.Permissions(int(payload["app_permissions"])).embed_links
    for key in (
        "token",
        "locale",
        "guild_locale",
        "entitlements",
        "authorizing_integration_owners",
        "context",
        "attachment_size_limit",
    ):
        assert key in payload


async def test_driver_rejects_what_the_discord_client_would_not_send(
    emulator: Emulator, minibot: RunningBot, driver: Driver
) -> None:
    with pytest.raises(TypeError, match="required option 'title'"):
        await driver.slash("film")
    with pytest.raises(TypeError, match="no option"):
        await driver.slash("film", title="x", rating=5)
    with pytest.raises(TypeError, match="needs a sub-command"):
        await driver.slash("poll")
    with pytest.raises(LookupError, match="not registered"):
        await driver.slash("nope")


async def test_click_edits_the_message(emulator: Emulator, minibot: RunningBot, driver: Driver) -> None:
    poll = await driver.slash("poll create", question="Tonight?")
    clicked = await driver.click(poll, label="Yes")
    assert clicked.callback_type == 7
    assert clicked.content == "Poll: Tonight? +1"
    assert poll.content == "Poll: Tonight? +1"  # views are live
    again = await driver.as_member("member2").click(poll, custom_id="mini:poll:yes")
    assert again.content == "Poll: Tonight? +1 +1"


async def test_select_menu(emulator: Emulator, minibot: RunningBot, driver: Driver) -> None:
    poll = await driver.slash("poll create", question="Pick")
    picked = await driver.select(poll, "mini:poll:pick", ["Film 01"])
    assert picked.ephemeral and picked.content == "picked Film 01"
    with pytest.raises(ValueError, match="no option"):
        await driver.select(poll, "mini:poll:pick", ["Not a film"])


async def test_modal_from_button_and_from_command(
    emulator: Emulator, minibot: RunningBot, driver: Driver
) -> None:
    poll = await driver.slash("poll create", question="Q")
    shown = await driver.click(poll, label="Ask")
    assert shown.callback_type == 9 and shown.modal is not None
    assert shown.modal["title"] == "Ask a question"
    answered = await driver.submit_modal(shown, {"mini:q": "Subtitles or dubbed?"})
    assert answered.content == "You asked: Subtitles or dubbed?"
    shown = await driver.slash("feedback")
    answered = await driver.submit_modal(shown, {"Question": "Popcorn?"})
    assert answered.content == "You asked: Popcorn?"
    with pytest.raises(ValueError, match="characters"):
        await driver.submit_modal(shown, {"mini:q": "x" * 201})


async def test_click_after_bot_restart(emulator: Emulator, minibot: RunningBot, driver: Driver) -> None:
    poll = await driver.slash("poll create", question="Persistent?")
    await minibot.stop()
    restarted = await start_minibot(emulator)
    try:
        clicked = await driver.click(poll, label="Yes")
        assert clicked.content == "Poll: Persistent? +1"
        assert emulator.gateway.identifies == 2
    finally:
        await restarted.stop()


async def test_deferred_response_and_followup(
    emulator: Emulator, minibot: RunningBot, driver: Driver
) -> None:
    result = await driver.slash("film", title="slow")
    assert result.callback_type == 5
    assert result.content == "slow film, finally"
    assert not result.message.loading
    assert result.followups == []  # the first followup replaced the "thinking…" message


async def test_files_dm_and_threads_through_the_client(
    emulator: Emulator, minibot: RunningBot, driver: Driver
) -> None:
    bot = minibot.bot
    channel = bot.get_channel(emulator.world.channels["film-night"].id)
    assert isinstance(channel, discord.TextChannel)
    sent = await channel.send("poster", file=discord.File(io.BytesIO(b"PNG..."), filename="poster.png"))
    view = driver.messages("film-night")[-1]
    assert view.id == sent.id and view.files == {"poster.png": b"PNG..."}
    edited = await sent.edit(content="poster v2", attachments=[])
    assert edited.attachments == [] and view.content == "poster v2" and view.attachments == []
    thread = await sent.create_thread(name="Poster talk")
    assert thread.id == sent.id and thread.parent_id == channel.id
    await thread.send("in the thread")
    assert [m.content for m in driver.messages(thread.id)] == ["in the thread"]
    user = await bot.fetch_user(emulator.world.members[0].user.id)
    dm = await user.send("Reminder: movie night")
    assert dm.channel.type == discord.ChannelType.private
    emulator.world.members[1].user.dms_open = False
    other = await bot.fetch_user(emulator.world.members[1].user.id)
    with pytest.raises(discord.Forbidden) as info:
        await other.send("hi")
    assert info.value.code == 50007


async def test_interaction_webhook_routes(emulator: Emulator, minibot: RunningBot, driver: Driver) -> None:
    result = await driver.slash("kitchen")
    await result.wait_action("delete")
    assert result.callback_type == 5
    assert result.ephemeral
    assert result.content == "report (edited)"
    assert result.files == {"report.csv": b"a,b\n1,2\n"}
    second, third = result.followups
    assert second.content == "second (edited)" and second.ephemeral is False
    assert third.deleted
    assert [a.kind for a in result.actions] == [
        "callback",
        "followup",
        "followup",
        "edit",
        "edit",
        "followup",
        "delete",
    ]


async def test_deferred_update_then_edit_original(
    emulator: Emulator, minibot: RunningBot, driver: Driver
) -> None:
    poll = await driver.slash("poll create", question="Done?")
    closed = await driver.as_member("moderator").click(poll, label="Close")
    assert closed.callback_type == 6
    await closed.wait_edit()
    assert poll.content == "Poll closed" and poll.components == []
