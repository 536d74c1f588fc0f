"""The ``filmbot`` command line: run the bot, ask it a command offline, manage the catalog."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import cast

from bot import __version__
from bot.errors import StartupError
from bot.log import redact, setup_logging
from bot.settings import Settings

log = logging.getLogger(__name__)

# Besides each StartupError's own status (bot/errors.py; the README lists them all).
EXIT_UNEXPECTED = 1
EXIT_INTERRUPTED = 130


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
    ask.add_argument(
        "--online",
        action="store_true",
        help="also fetch from Wikidata, Wikipedia and TMDB as the running bot does (FILMBOT_ONLINE); "
        "without it, ask answers from the local store alone",
    )
    films = sub.add_parser("films", help="manage the film catalog")
    films_sub = films.add_subparsers(dest="films_command", required=True)
    films_sub.add_parser("load", help="load data/films/*.toml into the database")
    films_sub.add_parser("check", help="validate every film card and report problems")
    imp = films_sub.add_parser(
        "import",
        help="import a film dataset (IMDb's dataset files, a CSV or a JSON list) into the catalog",
        description="Streams the file (any size) into the catalog in batches. Films are matched by IMDb id, "
        "else by title and year; importing again changes only what changed; a curated card always keeps "
        "its own values.",
    )
    imp.add_argument("path", help="the CSV/JSON file, or the folder holding IMDb's *.tsv.gz files")
    imp.add_argument("--format", choices=("imdb", "csv", "json"), help="default: guessed from the path")
    imp.add_argument(
        "--map",
        metavar="COLUMN=FIELD,…",
        help="which column is which field when the headers differ, e.g. 'Film Name=title,Dir=director'",
    )
    imp.add_argument(
        "--encoding",
        metavar="NAME",
        help="the file's text encoding, e.g. cp1252 or latin-1 (default: UTF-8, or what a byte-order mark shows)",
    )
    imp.add_argument("--dry-run", action="store_true", help="read and check everything, write nothing")
    _download_parser(films_sub)
    _db_parser(sub)
    enrich = films_sub.add_parser(
        "enrich",
        help="fetch facts, credits and scores online (Wikidata; Wikipedia and TMDB when on) for films",
        description="Fetch films online, politely rate-limited; a title the catalog lacks is searched "
        "online and added. Progress goes to stdout, one line per film.",
    )
    enrich.add_argument("titles", nargs="*", metavar="TITLE", help="films by slug or any spelling")
    enrich.add_argument("--all", action="store_true", dest="every", help="every film in the catalog")
    enrich.add_argument(
        "--older-than", type=_days, metavar="DAYS", help="with --all: only films not fetched in DAYS days"
    )
    return parser


def _db_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    db = sub.add_parser("db", help="manage the database")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    copy = db_sub.add_parser(
        "copy",
        help="copy every table of one database into another (SQLite or PostgreSQL), and verify the copy",
        description="Migrates the target, copies every table in dependency order in batches (ids kept), "
        "rebuilds the title search, then reads every table back and compares row counts and checksums "
        "before committing: on any difference nothing is copied. Stop the bot first.",
    )
    copy.add_argument(
        "--from", dest="source", required=True, metavar="DATABASE", help="as FILMBOT_DATABASE takes it"
    )
    copy.add_argument(
        "--to", dest="target", required=True, metavar="DATABASE", help="as FILMBOT_DATABASE takes it"
    )
    copy.add_argument("--force", action="store_true", help="replace what the target already holds")


def _download_parser(films_sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    down = films_sub.add_parser(
        "download",
        help="download IMDb's dataset files (FILMBOT_IMDB_DATASETS_URL) and import them into the catalog",
        description="Downloads title.basics, title.akas, title.crew, title.principals, title.ratings and "
        "name.basics (.tsv.gz), resuming partial files and skipping unchanged ones, then imports them as "
        "`films import --format imdb` does, in one unit. Run it again to refresh: unchanged files are "
        "neither downloaded nor imported. --dest and --min-votes default to the last download's.",
    )
    down.add_argument("source", choices=("imdb",), help="the dataset to download")
    down.add_argument(
        "--min-votes", type=_count, metavar="N", help="keep only films with at least N IMDb votes (default 0)"
    )
    down.add_argument(
        "--dest", metavar="DIR", help="folder for the files (default: imdb/ beside the database)"
    )
    down.add_argument("--no-import", action="store_true", help="download the files only")


def _days(text: str) -> int:
    if not text.isascii() or not text.isdigit() or not 0 <= int(text) <= 36500:
        raise argparse.ArgumentTypeError(f"must be a whole number of days (0 to 36500), not {text!r}")
    return int(text)


def _count(text: str) -> int:
    if not text.isascii() or not text.isdigit():
        raise argparse.ArgumentTypeError(f"must be a whole number of votes (0 or more), not {text!r}")
    return int(text)


def main(argv: Sequence[str] | None = None) -> int:
    """Every command ends here: a start-up failure is one plain line on stderr and its exit status."""
    args = _parser().parse_args(argv)
    settings: Settings | None = None
    try:
        settings = Settings.from_env(env_file=args.env_file)
        quiet = args.command == "ask" and settings.log_level == "INFO"
        setup_logging(settings if not quiet else _with_level(settings, "WARNING"))
        return _command(args, settings)
    except StartupError as exc:
        log.debug("filmbot stopped: %s", exc, exc_info=True)
        _say(exc.message, settings)
        return exc.exit_status
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except Exception as exc:
        log.debug("filmbot stopped by an unexpected error", exc_info=True)
        where = (
            "the traceback is above"
            if log.isEnabledFor(logging.DEBUG)
            else "run again with FILMBOT_LOG_LEVEL=DEBUG to see where"
        )
        _say(f"stopped by an unexpected error ({type(exc).__name__}: {exc}); {where}", settings)
        return EXIT_UNEXPECTED


def _say(sentence: str, settings: Settings | None) -> None:
    """The one line on stderr: whatever an error message held, one line and never the token."""
    line = " ".join(sentence.split())
    print(f"filmbot: {redact(line, settings.secrets() if settings else [])}", file=sys.stderr)


def _command(args: argparse.Namespace, settings: Settings) -> int:
    try:
        return _dispatch(args, settings)
    except Exception as exc:
        from bot.store import database_failure

        # A database that turns out sick after it opened (a disk filling as the catalog loads, say).
        failure = database_failure(settings.database, exc)
        if failure is None:
            raise
        raise failure from exc


def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "run":
        from bot.app import run

        return run(settings)
    if args.command == "ask":
        return asyncio.run(_ask(settings, args.line, online=args.online))
    if args.command == "db":
        from bot.dbcopy.command import db_copy

        return db_copy(args.source, args.target, force=args.force)
    if args.films_command == "check":
        return _films_check(settings)
    if args.films_command == "import":
        path = Path(args.path).expanduser()
        chosen = args.format or _guess_format(path)
        return asyncio.run(_films_import(settings, path, chosen, args.map, args.dry_run, args.encoding))
    if args.films_command == "enrich":
        return _films_enrich(args, settings)
    if args.films_command == "download":
        from bot.catalog.download.command import films_download

        dest = Path(args.dest).expanduser() if args.dest else None
        return films_download(settings, dest, args.min_votes, importing=not args.no_import)
    return asyncio.run(_films_load(settings))


def _films_enrich(args: argparse.Namespace, settings: Settings) -> int:
    from bot.enrich.bulk import films_enrich

    if bool(args.titles) == args.every:
        print("filmbot: films enrich needs one or more titles, or --all (not both)", file=sys.stderr)
        return 2
    if args.older_than is not None and not args.every:
        print("filmbot: --older-than goes with --all (named titles are always fetched)", file=sys.stderr)
        return 2
    return films_enrich(settings, args.titles, args.every, args.older_than)


def _with_level(settings: Settings, level: str) -> Settings:
    import dataclasses

    return dataclasses.replace(settings, log_level=level)


async def _ask(settings: Settings, line: str, *, online: bool) -> int:
    from bot.offline.printing import render
    from bot.offline.runner import ask

    if not online:  # offline by default: the local store alone, no network
        settings = replace(settings, online=replace(settings.online, enabled=False))
    result = await ask(settings, line)
    print(render(result))
    return 1 if result.refused is not None else 0


def _films_check(settings: Settings) -> int:
    from bot.catalog.loader import check_cards

    check = check_cards(settings.films_dir)  # NoCards: one line on stderr, status 2
    for card in check.cards:
        print(f"ok       {card.slug}: {card.title} ({card.year or 'year unknown'})")
    for problem in check.problems:
        print(f"problem  {problem}")
    print(f"{len(check.cards)} card(s) valid, {len(check.skipped)} with problems")
    return 1 if check.problems else 0


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


def _guess_format(path: Path) -> str:
    name = path.name.casefold().removesuffix(".gz")
    if path.is_dir() or name.startswith(("title.", "name.")):
        return "imdb"
    if name.endswith((".json", ".jsonl", ".ndjson")):
        return "json"
    return "csv"


async def _films_import(
    settings: Settings, path: Path, chosen: str, spec: str | None, dry_run: bool, encoding: str | None
) -> int:
    from bot.catalog.importing import Format, ImportStopped, import_catalog
    from bot.catalog.importing.progress import progress_for
    from bot.catalog.importing.tabular import parse_map
    from bot.errors import BadInput
    from bot.store import Store

    try:
        mapping = parse_map(spec)
    except BadInput as exc:
        print(f"filmbot: {exc.message}", file=sys.stderr)
        return 2
    store = await Store.open(settings.database)
    try:
        report = await import_catalog(
            store,
            path,
            cast("Format", chosen),
            mapping=mapping,
            dry_run=dry_run,
            progress=progress_for(sys.stderr),
            encoding=encoding,
        )
    except ImportStopped as stopped:
        # The summary (the transaction rolled back: nothing kept), then the one line on what stopped it.
        print("\n".join(stopped.report.lines()))
        raise stopped.__cause__ or stopped from None
    except BadInput as exc:
        print(f"filmbot: {exc.message}", file=sys.stderr)
        return 2
    finally:
        await store.close()
    print("\n".join(report.lines()))
    if not dry_run and (report.added or report.updated):
        print("A running bot finds the new films at once: its title index is kept in the database.")
    return 0
