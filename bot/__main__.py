from bot.cli import main

# Guarded: worker processes (spawn) import this module again and must not start the bot.
if __name__ == "__main__":
    raise SystemExit(main())
