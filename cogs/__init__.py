"""discord.py extensions: thin cogs that parse input, call a service in ``bot/`` and render the result.

Every module here (not starting with ``_``) is loaded at start-up.
"""
