"""A tiny discord.py bot for the emulator's own tests (independent of filmbot)."""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
from typing import Any

import discord
import yarl
from discord import app_commands
from discord.ext import commands

from tests.discord_emulator import Emulator

log = logging.getLogger(__name__)

FILMS = [f"Film {i:02d}" for i in range(40)] + ["100 Meters", "Hyakuemu", "Perfect Days"]


class MiniTree(app_commands.CommandTree["MiniBot"]):
    async def on_error(
        self, interaction: discord.Interaction[Any], error: app_commands.AppCommandError
    ) -> None:
        log.info("command failed: %r", error)
        message = "Sorry, something went wrong; please try again."
        try:
            if interaction.response.is_done():
                await interaction.followup.send(message, ephemeral=True)
            else:
                await interaction.response.send_message(message, ephemeral=True)
        except discord.HTTPException:
            log.warning("could not deliver the error message")


class PollView(discord.ui.View):
    def __init__(self) -> None:
        super().__init__(timeout=None)

    @discord.ui.button(label="Yes", custom_id="mini:poll:yes", style=discord.ButtonStyle.success)
    async def yes(self, interaction: discord.Interaction[Any], button: discord.ui.Button[Any]) -> None:
        content = (interaction.message.content if interaction.message else "") + " +1"
        await interaction.response.edit_message(content=content)

    @discord.ui.button(label="Ask", custom_id="mini:poll:ask", style=discord.ButtonStyle.secondary)
    async def ask(self, interaction: discord.Interaction[Any], button: discord.ui.Button[Any]) -> None:
        await interaction.response.send_modal(QuestionModal())

    @discord.ui.button(label="Close", custom_id="mini:poll:close", style=discord.ButtonStyle.danger)
    async def close(self, interaction: discord.Interaction[Any], button: discord.ui.Button[Any]) -> None:
        await interaction.response.defer()  # deferred update (type 6)
        await interaction.edit_original_response(content="Poll closed", view=None)

    @discord.ui.select(
        custom_id="mini:poll:pick", options=[discord.SelectOption(label=f, value=f) for f in FILMS[:3]]
    )
    async def pick(self, interaction: discord.Interaction[Any], select: discord.ui.Select[Any]) -> None:
        await interaction.response.send_message(f"picked {', '.join(select.values)}", ephemeral=True)


class QuestionModal(discord.ui.Modal, title="Ask a question"):
    question: discord.ui.TextInput[Any] = discord.ui.TextInput(
        label="Question", custom_id="mini:q", max_length=200
    )

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        await interaction.response.send_message(f"You asked: {self.question.value}")


class MiniBot(commands.Bot):
    def __init__(self, **shards: Any) -> None:
        super().__init__(
            command_prefix="!",
            intents=discord.Intents.default(),
            tree_cls=MiniTree,
            guild_ready_timeout=0.1,
            **shards,
        )

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """discord.py sleeps 5 s before re-identifying (Discord's identify rate limit); not needed on loopback."""

    async def setup_hook(self) -> None:
        self.add_view(PollView())
        self.tree.add_command(film)
        self.tree.add_command(poll)
        self.tree.add_command(announce)
        self.tree.add_command(feedback)
        self.tree.add_command(kitchen)
        await self.tree.sync()


async def film_autocomplete(
    interaction: discord.Interaction[Any], current: str
) -> list[app_commands.Choice[str]]:
    if current == "many":
        return [app_commands.Choice(name=f, value=f) for f in FILMS[:30]]
    matches = [f for f in FILMS if current.lower() in f.lower()]
    return [app_commands.Choice(name=f, value=f) for f in matches[:25]]


@app_commands.command(name="film", description="Show a film")
@app_commands.autocomplete(title=film_autocomplete)
async def film(interaction: discord.Interaction[Any], title: str, year: int | None = None) -> None:
    if title == "slow":
        await interaction.response.defer(thinking=True)
        await asyncio.sleep(0.05)
        await interaction.followup.send("slow film, finally")
        return
    if title == "huge":
        embed = discord.Embed(title="Huge")
        for i in range(26):
            embed.add_field(name=f"f{i}", value="v")
        await interaction.response.send_message(embed=embed)
        return
    if title not in FILMS:
        await interaction.response.send_message(f"I don't know {title!r}.", ephemeral=True)
        return
    embed = discord.Embed(title=title, description=f"Year: {year or 'unknown'}")
    await interaction.response.send_message(embed=embed)


poll = app_commands.Group(name="poll", description="Polls")


@poll.command(name="create", description="Create a poll")
async def poll_create(
    interaction: discord.Interaction[Any],
    question: str,
    channel: discord.TextChannel | None = None,
    who: discord.Member | None = None,
) -> None:
    suffix = f" in {channel.name}" if channel else ""
    suffix += f" for {who.name}" if who else ""
    await interaction.response.send_message(f"Poll: {question}{suffix}", view=PollView())


@app_commands.command(name="announce", description="Announce in this channel")
async def announce(interaction: discord.Interaction[Any], text: str) -> None:
    assert interaction.channel is not None
    await interaction.channel.send(text)  # type: ignore[union-attr]
    await interaction.response.send_message("announced", ephemeral=True)


@app_commands.command(name="feedback", description="Send feedback")
async def feedback(interaction: discord.Interaction[Any]) -> None:
    await interaction.response.send_modal(QuestionModal())


@app_commands.command(name="kitchen", description="Exercise the interaction webhook")
async def kitchen(interaction: discord.Interaction[Any]) -> None:
    await interaction.response.defer(ephemeral=True, thinking=True)
    await interaction.followup.send(
        "report attached", file=discord.File(io.BytesIO(b"a,b\n1,2\n"), "report.csv")
    )
    second = await interaction.followup.send("second", wait=True)
    await interaction.edit_original_response(content="report (edited)")
    await second.edit(content="second (edited)")
    third = await interaction.followup.send("third", wait=True)
    await third.delete()


class ShardedMiniBot(MiniBot, commands.AutoShardedBot):
    """The same bot over several shards (``shard_count``, ``shard_ids``), as discord.py's AutoShardedBot."""


def point_at(emulator: Emulator) -> None:
    discord.http.Route.BASE = emulator.api_base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(emulator.gateway_url)


class RunningBot:
    def __init__(self, bot: MiniBot, task: asyncio.Task[None]) -> None:
        self.bot = bot
        self.task = task

    async def stop(self) -> None:
        await self.bot.close()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(self.task, timeout=5)


async def start_minibot(
    emulator: Emulator,
    timeout: float = 10.0,  # noqa: ASYNC109
    *,
    shard_count: int | None = None,
    shard_ids: list[int] | None = None,
) -> RunningBot:
    """The mini bot, ready; with ``shard_count``, sharded (discord.py's AutoShardedBot)."""
    point_at(emulator)
    bot = MiniBot() if shard_count is None else ShardedMiniBot(shard_count=shard_count, shard_ids=shard_ids)
    task = asyncio.create_task(bot.start(emulator.state.token))
    ready = asyncio.create_task(bot.wait_until_ready())
    done, _ = await asyncio.wait({ready, task}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    if ready not in done:
        ready.cancel()
        if task in done:
            task.result()
        raise AssertionError("minibot did not become ready")
    return RunningBot(bot, task)
