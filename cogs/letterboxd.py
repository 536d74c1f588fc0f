"""``/letterboxd import|follow|unfollow|status|list``: members' Letterboxd ratings and diaries, no API key."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import FilmBot
from bot.errors import NotAllowed
from bot.letterboxd import render, views


@app_commands.guild_only()
class Letterboxd(
    commands.GroupCog, group_name="letterboxd", group_description="Your Letterboxd ratings and diary, here"
):
    def __init__(self, bot: FilmBot) -> None:
        self.bot = bot
        self.letterboxd = bot.letterboxd
        super().__init__()

    @app_commands.command(
        name="import", description="Import your Letterboxd ratings (the ZIP from Export your data)"
    )
    @app_commands.describe(
        file="The ZIP from letterboxd.com → Settings → Data → Export your data, or its ratings.csv"
    )
    async def import_(self, interaction: discord.Interaction[FilmBot], file: discord.Attachment) -> None:
        assert interaction.guild_id is not None
        # Download, read, match and commit can take longer than Discord's 3 seconds.
        await interaction.response.defer(ephemeral=True, thinking=True)
        summary = await self.letterboxd.import_file(
            interaction.guild_id, interaction.user.id, url=file.url, filename=file.filename, size=file.size
        )
        await interaction.followup.send(embed=render.import_embed(summary), ephemeral=True)

    @app_commands.command(name="follow", description="Post your new Letterboxd diary entries in this server")
    @app_commands.describe(username="Your Letterboxd username, as in letterboxd.com/<username>/")
    async def follow(
        self, interaction: discord.Interaction[FilmBot], username: app_commands.Range[str, 1, 100]
    ) -> None:
        assert interaction.guild_id is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        result = await self.letterboxd.follow(interaction.guild_id, interaction.user.id, username)
        await interaction.followup.send(render.follow_text(result), ephemeral=True)

    @app_commands.command(name="unfollow", description="Stop posting your Letterboxd diary here")
    @app_commands.describe(member="Moderators (Manage Messages): stop posting this member's diary")
    async def unfollow(
        self, interaction: discord.Interaction[FilmBot], member: discord.Member | None = None
    ) -> None:
        assert interaction.guild_id is not None
        target = member.id if member is not None else interaction.user.id
        permissions = interaction.permissions
        if target != interaction.user.id and not permissions.manage_messages:
            raise NotAllowed("Only moderators (Manage Messages) can stop another member's Letterboxd posts.")
        username = await self.letterboxd.unfollow(interaction.guild_id, target, by=interaction.user.id)
        await interaction.response.send_message(
            render.unfollow_text(username, target, interaction.user.id), ephemeral=True
        )

    @app_commands.command(name="status", description="How following your Letterboxd diary is going")
    async def status(self, interaction: discord.Interaction[FilmBot]) -> None:
        assert interaction.guild_id is not None
        status = await self.letterboxd.status(interaction.guild_id, interaction.user.id)
        embed = render.status_embed(status, self.letterboxd.profile_url(status.follow.username))
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @app_commands.command(name="list", description="Whose Letterboxd diaries are posted in this server")
    async def list_(self, interaction: discord.Interaction[FilmBot]) -> None:
        assert interaction.guild_id is not None
        listing = await self.letterboxd.following(interaction.guild_id)
        await interaction.response.send_message(embed=render.following_embed(listing), ephemeral=True)


async def setup(bot: FilmBot) -> None:
    bot.add_dynamic_items(*views.DYNAMIC_ITEMS)
    await bot.add_cog(Letterboxd(bot))
