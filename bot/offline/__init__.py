"""``filmbot ask``: run a slash command through the bot's real command code, without Discord.

The command runs through discord.py's own ``Interaction`` and ``CommandTree`` exactly as on Discord; only
the HTTP endpoint differs: a small recorder on 127.0.0.1 (``_recorder``) captures what the bot answers.
"""
