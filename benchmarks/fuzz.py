"""Fuzz every slash command option; count the answers that are "Something went wrong" (issue 16).

Run: ``python -m benchmarks.fuzz [--per-option N] [--seed S] [--command NAME]`` (default 1,000 per option).

The bot's real command tree (``FilmBot`` prepared offline, as ``filmbot ask`` runs it) is walked for every
option of every command. Each option gets N adversarial values (``benchmarks/_fuzz_values.py``: huge
numbers, exotic digits, mentions, markdown and spoiler bars, zero-width and bidi characters, very long
strings, Discord timestamps, empty, then random compositions) while the command's other required options
hold a valid value, and each runs through the offline ask runner (``OfflineSession.invoke``), whose option
checks are the ones Discord's client makes before it sends a command (types, ranges, lengths, choices).

Per command and option it prints how many values ran, how many the client would refuse before sending,
how many the bot answered, and the failures: the internal-error embed ("Something went wrong"), no answer
at all (Discord: "The application did not respond"), and, for options with autocomplete (each value is
also sent as the text typed so far), no choices or choices Discord refuses ("Loading options failed"),
with the first inputs and errors behind each. Exit status 1 when there is any. Options Discord fills from a picker (channels, roles, members) are not
typed and are listed as skipped. Not part of the default suite: a run at 1,000 takes minutes.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import random
import re
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from discord import AppCommandOptionType, app_commands

from benchmarks import _fuzz_values as values
from bot.offline._guild import GUILD_ID
from bot.offline.runner import AskResult, OfflineSession
from bot.settings import Settings
from bot.ui.errors import internal_error_embed

REPO = Path(__file__).resolve().parent.parent
INTERNAL_ERROR = internal_error_embed("-").title
PICKED = {AppCommandOptionType.channel, AppCommandOptionType.role, AppCommandOptionType.user}
PICKED |= {AppCommandOptionType.mentionable, AppCommandOptionType.attachment}
# A port nothing listens on (the discard service, unused here): connections are refused at once.
CLOSED_PORT = "http://127.0.0.1:9"
STRING_MAX = 6000  # Discord's limit for a string option without max_length
SHOWN_FAILURES = 5


@dataclass
class Tally:
    ran: int = 0
    refused: int = 0  # by the client's own checks, before the command is sent
    answered: int = 0
    internal: list[tuple[str, str]] = field(default_factory=list)  # (value, error)
    silent: list[str] = field(default_factory=list)
    # Autocomplete, for options that have it: requests run, and those Discord would show as
    # "Loading options failed" (no choices sent, or choices Discord refuses), with the reason.
    completions: int = 0
    completion_failed: list[tuple[str, str]] = field(default_factory=list)

    @property
    def failures(self) -> int:
        return len(self.internal) + len(self.silent) + len(self.completion_failed)


class ErrorLog(logging.Handler):
    """Keeps what the bot logs at ERROR with a traceback: the cause behind each internal-error answer."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def take(self) -> str:
        causes = []
        for record in self.records:
            if record.exc_info and record.exc_info[1] is not None:
                error = record.exc_info[1]
                causes.append(f"{type(error).__name__}: {str(error)[:120]}")
            else:
                causes.append(record.getMessage()[:120])
        self.records.clear()
        return "; ".join(dict.fromkeys(causes)) or "(nothing logged)"


def films_dir(target: Path) -> Path:
    """The repository's card and a second film made from it (a movie night needs two)."""
    target.mkdir(parents=True, exist_ok=True)
    card = (REPO / "data" / "films" / "100-meters.toml").read_text(encoding="utf-8")
    (target / "100-meters.toml").write_text(card, encoding="utf-8")
    heat = card.replace('slug = "100-meters"', 'slug = "heat"', 1).replace(
        'title = "100 Meters"', 'title = "Heat"', 1
    )
    heat = re.sub(r"(?m)^(original_title|imdb_id) = .*$", "", heat)
    heat = re.sub(r"(?m)^aliases = .*$", "aliases = []", heat, count=1)
    (target / "heat.toml").write_text(
        re.sub(r"(?m)^year = .*$", "year = 1995", heat, count=1), encoding="utf-8"
    )
    return target


class Baseline:
    """A valid value for every required option: a film, and a poll and a party that exist now (made again
    when a fuzzed ``/poll close`` or ``/watchparty cancel`` ended them)."""

    POLL = {"question": "Fuzz baseline poll", "options": "Heat; Ronin", "duration": "30d"}
    PARTY = {"film": "100-meters", "when": "in 700 days", "reminders": "none"}

    def __init__(self, session: OfflineSession) -> None:
        self._session = session
        self._poll: int | None = None
        self._party: int | None = None

    async def _poll_id(self) -> int:
        polls = self._session.bot.polls
        if self._poll is None or not (await polls.get(self._poll)).is_open:
            await self._session.invoke(("poll", "create"), self.POLL)
            guild = int(GUILD_ID)
            recent = await polls.recent(guild)
            self._poll = next(i for i, q, is_open in recent if q == self.POLL["question"] and is_open)
        return self._poll

    async def _party_id(self) -> int:
        parties = self._session.bot.watch_parties
        if self._party is None or (await parties.get(self._party)).status not in ("scheduled", "started"):
            result = await self._session.invoke(("watchparty", "schedule"), self.PARTY)
            footers = [
                e.get("footer", {}).get("text", "")
                for m in result.transcript.messages.values()
                for e in m.payload.get("embeds") or []
            ]
            self._party = int(next(m[1] for f in footers if (m := re.search(r"Watch party #(\d+)", f))))
        return self._party

    async def values(self) -> dict[str, str]:
        films = {"title": "100-meters", "film": "100-meters", "film1": "100-meters", "film2": "heat"}
        other = {"question": "Which one?", "options": "Heat; Ronin", "duration": "2h", "when": "in 3 hours"}
        ids = {"party": str(await self._party_id()), "id": str(await self._poll_id())}
        return {**films, **other, "zone": "Europe/Paris", "dm": "False", "username": "fuzzfan", **ids}


def option_values(param: app_commands.Parameter, rng: random.Random, count: int) -> list[str]:
    if param.type is AppCommandOptionType.boolean:
        return ["True", "False", *values.texts(rng, max(count - 2, 0), 100)][:count]
    if param.choices:
        names = [str(c.name) for c in param.choices] + [str(c.value) for c in param.choices]
        return (names + list(values.texts(rng, count, 100)))[:count]
    if param.type in (AppCommandOptionType.integer, AppCommandOptionType.number):
        low = param.min_value if param.min_value is not None else -(2**53)
        high = param.max_value if param.max_value is not None else 2**53
        return list(values.numbers(rng, count, low, high, param.type is AppCommandOptionType.integer))
    longest = int(param.max_value) if param.max_value is not None else STRING_MAX
    return list(values.texts(rng, count, longest))


def classify(result: AskResult, tally: Tally, value: str, errors: ErrorLog) -> None:
    tally.ran += 1
    if result.refused is not None:
        tally.refused += 1
        return
    messages = result.transcript.messages.values()
    titles = [embed.get("title") for m in messages for embed in m.payload.get("embeds") or []]
    if INTERNAL_ERROR in titles:
        tally.internal.append((value, errors.take()))
    elif not result.transcript.callbacks and not result.transcript.modal:
        tally.silent.append(value)
    else:
        tally.answered += 1
    errors.take()


def first_line(result: AskResult) -> str:
    """The gist of an answer: its first embed's title (or its text), or why the client refused it."""
    if result.refused is not None:
        return f"refused by the client: {result.refused.message}"
    for message in result.transcript.messages.values():
        embeds = message.payload.get("embeds") or []
        text = embeds[0].get("title") if embeds else message.payload.get("content")
        return f"“{str(text or '').splitlines()[0][:80] if text else ''}”" + (
            " (ephemeral)" if message.ephemeral else ""
        )
    return "nothing"


def bad_choices(choices: list[dict[str, Any]] | None) -> str | None:
    """Why Discord would refuse an autocomplete answer (none sent, over 25, a name or value too long)."""
    if choices is None:
        return "no choices were sent"
    if len(choices) > 25:
        return f"{len(choices)} choices (Discord takes 25)"
    for choice in choices:
        name, value = str(choice.get("name", "")), choice.get("value")
        if not 1 <= len(name) <= 100 or (isinstance(value, str) and not 1 <= len(value) <= 100):
            return f"a choice Discord refuses: {choice!r:.100}"
    return None


def classify_completion(result: AskResult, tally: Tally, value: str, errors: ErrorLog) -> None:
    tally.completions += 1
    if result.refused is None and (reason := bad_choices(result.transcript.autocomplete)) is not None:
        tally.completion_failed.append((value, f"{reason}; {errors.take()}"))
    errors.take()


async def fuzz_command(
    session: OfflineSession,
    command: app_commands.Command[Any, ..., Any],
    count: int,
    seed: int,
    errors: ErrorLog,
) -> dict[str, Tally]:
    path = tuple(command.qualified_name.split())
    picked = [p.display_name for p in command.parameters if p.required and p.type in PICKED]
    if picked:
        # A member picks these from Discord's own list (a user, a channel, a file): nothing typed to fuzz.
        print(f"/{command.qualified_name}: skipped, it needs {', '.join(picked)} picked in Discord")
        return {}
    baselines = Baseline(session)
    base = await baselines.values()
    plain = await session.invoke(
        path, {p.display_name: base[p.display_name] for p in command.parameters if p.required}
    )
    print(f"/{command.qualified_name} with only its required options answers: {first_line(plain)}")
    tallies: dict[str, Tally] = {}
    for param in command.parameters:
        if param.type in PICKED:
            continue
        rng = random.Random(f"{seed}:{command.qualified_name}:{param.display_name}")
        tally = tallies.setdefault(param.display_name, Tally())
        for value in option_values(param, rng, count):
            base = await baselines.values()
            given = {p.display_name: base[p.display_name] for p in command.parameters if p.required}
            given[param.display_name] = value
            classify(await session.invoke(path, given), tally, value, errors)
            if param.autocomplete:
                result = await session.autocomplete(path, given, param.display_name)
                classify_completion(result, tally, value, errors)
    return tallies


def report(name: str, tallies: dict[str, Tally], skipped: list[str]) -> int:
    failures = sum(t.failures for t in tallies.values())
    print(
        f"/{name}: {failures} failure(s)"
        + (f"  (picked, not typed: {', '.join(skipped)})" if skipped else "")
    )
    for option, t in tallies.items():
        print(
            f"    {option:<14} ran {t.ran:>5}  client refused {t.refused:>5}  answered {t.answered:>5}  "
            f"Something went wrong {len(t.internal):>4}  no answer {len(t.silent):>4}"
            + (
                f"  autocomplete {t.completions:>5}, failed {len(t.completion_failed):>4}"
                if t.completions
                else ""
            )
        )
        for value, error in t.internal[:SHOWN_FAILURES]:
            print(f"        went wrong on {value[:80]!r}: {error}")
        for value in t.silent[:SHOWN_FAILURES]:
            print(f"        no answer to {value[:80]!r}")
        for value, error in t.completion_failed[:SHOWN_FAILURES]:
            print(f"        autocomplete failed on {value[:80]!r}: {error}")
    return failures


async def run(settings: Settings, files: Path, count: int, seed: int, only: str | None) -> int:
    errors = ErrorLog()
    logging.getLogger().addHandler(errors)
    logging.getLogger().setLevel(logging.ERROR)
    async with OfflineSession(settings, files_dir=files) as session:
        failures, ran, started = 0, 0, time.perf_counter()
        for command in sorted(session.bot.tree.walk_commands(), key=lambda c: c.qualified_name):
            if not isinstance(command, app_commands.Command):
                continue
            if only is not None and not command.qualified_name.startswith(only):
                continue
            tallies = await fuzz_command(session, command, count, seed, errors)
            skipped = [p.display_name for p in command.parameters if p.type in PICKED]
            failures += report(command.qualified_name, tallies, skipped)
            ran += sum(t.ran for t in tallies.values())
        elapsed = time.perf_counter() - started
    print(
        f"\n{ran} commands run in {elapsed:.0f} s ({ran / max(elapsed, 1e-9):.0f}/s); {failures} failure(s)"
    )
    return 1 if failures else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--per-option", type=int, default=1000, help="values per option (default 1000)")
    parser.add_argument("--seed", type=int, default=16, help="the random seed (default 16)")
    parser.add_argument("--command", default=None, help="only commands whose name starts with this")
    args = parser.parse_args()
    # The database in memory-backed storage where there is one: fsyncs on a shared disk would dominate.
    with tempfile.TemporaryDirectory(dir="/dev/shm" if Path("/dev/shm").is_dir() else None) as tmp:
        settings = Settings(
            database=Path(tmp) / "fuzz.sqlite3",
            films_dir=films_dir(Path(tmp) / "films"),
            # Offline: a closed local port, so a feed fetch fails at once (as a feed that is down does).
            letterboxd_url=CLOSED_PORT,
        )
        status = asyncio.run(run(settings, Path(tmp) / "files", args.per_option, args.seed, args.command))
    sys.exit(status)


if __name__ == "__main__":
    main()
