"""The ``filmbot`` command line: run the bot, ask it a command offline, manage the catalog."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence

from bot import __version__
from bot.errors import ConfigError
from bot.log import setup_logging
from bot.settings import Settings

log = logging.getLogger(__name__)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="filmbot", description="A self-hosted Discord bot for film communities."
    )
    parser.add_argument("--version", action="version", version=f"filmbot {__version__}")
    parser.add_argument("--env-file", default=".env", help="settings file to read (default: .env)")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="connect to Discord and serve commands (needs DISCORD_TOKEN)")
    ask = sub.add_parser(
        "ask", help='run one slash command offline and print the answer, e.g. "/film 100-meters"'
    )
    ask.add_argument("line", help="the command as you would type it in Discord")
    films = sub.add_parser("films", help="manage the film catalog")
    films_sub = films.add_subparsers(dest="films_command", required=True)
    films_sub.add_parser("load", help="load data/films/*.toml into the database")
    films_sub.add_parser("check", help="validate every film card and report problems")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = Settings.from_env(env_file=args.env_file)
    except ConfigError as exc:
        print(f"filmbot: {exc}", file=sys.stderr)
        return 2
    quiet = args.command == "ask" and settings.log_level == "INFO"
    setup_logging(settings if not quiet else _with_level(settings, "WARNING"))
    if args.command == "run":
        from bot.app import run

        return run(settings)
    if args.command == "ask":
        return asyncio.run(_ask(settings, args.line))
    if args.films_command == "check":
        return _films_check(settings)
    return asyncio.run(_films_load(settings))


def _with_level(settings: Settings, level: str) -> Settings:
    import dataclasses

    return dataclasses.replace(settings, log_level=level)


async def _ask(settings: Settings, line: str) -> int:
    from bot.offline.printing import render
    from bot.offline.runner import ask

    result = await ask(settings, line)
    print(render(result))
    return 1 if result.refused is not None else 0


def _films_check(settings: Settings) -> int:
    from bot.catalog.loader import check_cards

    cards, problems = check_cards(settings.films_dir)
    for card in cards:
        print(f"ok       {card.slug}: {card.title} ({card.year or 'year unknown'})")
    for problem in problems:
        print(f"problem  {problem}")
    print(f"{len(cards)} card(s) valid, {len({p.file for p in problems})} with problems")
    return 1 if problems else 0


async def _films_load(settings: Settings) -> int:
    from bot.catalog.loader import load_cards
    from bot.store import Store

    store = await Store.open(settings.database)
    try:
        report = await load_cards(store, settings.films_dir)
    finally:
        await store.close()
    print("\n".join(report.lines()))
    return 0 if report.ok else 1
