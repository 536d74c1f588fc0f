"""Load every card in a folder into the store, idempotently, and report what happened.

A missing or empty cards folder is never read as "the catalog is now empty": it raises ``NoCards`` and
nothing in the store changes. A card that cannot be loaded (a problem in it, or a clash with another film:
an IMDb id two cards claim, a slug an imported film holds) is skipped and named with the reason; the
others load, and the skipped card's film stays as it was.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

from bot.catalog.cards import CardError, CardProblem, parse_card
from bot.errors import ConfigError
from bot.films.models import CardClash, FilmData
from bot.store import Store

log = logging.getLogger(__name__)


class NoCards(ConfigError):
    """The cards folder is missing, unreadable or holds no card: the catalog is left as it was."""


@dataclass(slots=True)
class CardCheck:
    """Every card in a folder, read: the valid ones and every problem in the others."""

    cards: list[FilmData]
    problems: list[CardProblem]

    @property
    def skipped(self) -> set[str]:
        """The slugs (file names) of the cards that will not be loaded."""
        return {p.file.removesuffix(".toml") for p in self.problems}


@dataclass(slots=True)
class LoadReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    kept: list[tuple[str, str]] = field(default_factory=list)
    problems: list[CardProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and not self.kept

    def lines(self) -> list[str]:
        out = [
            f"{len(self.added)} added, {len(self.updated)} updated, {len(self.unchanged)} unchanged, "
            f"{len(self.removed)} removed, {len({p.file for p in self.problems})} card(s) skipped"
        ]
        out += [f"  skipped: {p}" for p in self.problems]
        out += [f"  kept {slug}: its card is gone but {reason}" for slug, reason in self.kept]
        return out


def _where(folder: Path) -> str:
    """The folder as configured, and where a relative one was looked for."""
    return (
        f"{folder} (FILMBOT_FILMS_DIR)"
        if folder.is_absolute()
        else f"{folder} (FILMBOT_FILMS_DIR, in {os.getcwd()})"
    )


def _card_paths(folder: Path) -> list[Path]:
    """The folder's ``*.toml`` files; ``NoCards`` when there is no folder or no card in it."""
    unchanged = "nothing in the catalog was changed"
    try:
        if not folder.exists():
            raise NoCards(
                f"the film cards folder {_where(folder)} does not exist; {unchanged}. "
                "Set FILMBOT_FILMS_DIR to the folder holding the *.toml cards (default data/films)"
            )
        if not folder.is_dir():
            raise NoCards(f"the film cards folder {_where(folder)} is not a folder; {unchanged}")
        paths = sorted((p for p in folder.iterdir() if p.suffix == ".toml"), key=lambda p: (p.stem, p.name))
    except OSError as exc:
        raise NoCards(f"the film cards folder {_where(folder)} cannot be read ({exc}); {unchanged}") from exc
    if not paths:
        raise NoCards(
            f"the film cards folder {_where(folder)} holds no film cards (*.toml); {unchanged}. "
            "Check FILMBOT_FILMS_DIR"
        )
    return paths


def check_cards(folder: Path) -> CardCheck:
    """Parse every ``*.toml`` card in ``folder`` and find clashes between them.

    Raises ``NoCards`` when the folder is missing or holds no card. A card's slug must match its file
    name, so slugs in one folder are unique by construction; an IMDb id claimed by two cards stays with
    the first (by file name) and the later card is reported.
    """
    check = CardCheck([], [])
    owners: dict[str, str] = {}
    for path in _card_paths(folder):
        try:
            card = parse_card(path)
        except CardError as exc:
            check.problems.extend(exc.problems)
            continue
        if card.imdb_id is not None and card.imdb_id in owners:
            check.problems.append(
                CardProblem(
                    path.name,
                    "imdb_id",
                    f"{card.imdb_id} is also the IMDb id of {owners[card.imdb_id]}, which keeps it; "
                    "two cards cannot describe one film (this card is skipped)",
                )
            )
            continue
        if card.imdb_id is not None:
            owners[card.imdb_id] = path.name
        check.cards.append(card)
    return check


async def load_cards(store: Store, folder: Path) -> LoadReport:
    """Bring the store in line with the cards: add, update, and remove films whose card is gone.

    Raises ``NoCards`` (and changes nothing) when there is no card to load. A broken or clashing card
    is skipped with its problems reported (and logged); it never stops the others and its film is kept.
    """
    check = check_cards(folder)
    report = LoadReport(problems=list(check.problems))
    skipped = check.skipped
    in_store = await store.films.slugs(origin="card")
    # Films whose card is gone: a new card with the same IMDb id takes one over (a renamed card).
    vacated = in_store - {c.slug for c in check.cards} - skipped
    # Cards of films already in the store first: one that gives up an IMDb id frees it for a new card.
    for card in sorted(check.cards, key=lambda c: c.slug not in in_store):
        outcome = await store.films.upsert(card, vacated=vacated)
        if isinstance(outcome, CardClash):
            report.problems.append(CardProblem(f"{card.slug}.toml", outcome.field, outcome.reason))
            skipped.add(card.slug)
            continue
        getattr(report, outcome).append(card.slug)
    loaded = {c.slug for c in check.cards} - skipped
    for slug in sorted(await store.films.slugs(origin="card") - loaded - skipped):
        refused = await store.films.delete(slug)
        if refused is None:
            report.removed.append(slug)
        else:
            report.kept.append((slug, refused.reason))
            log.warning("film %s kept: its card was removed but %s", slug, refused.reason)
    for problem in report.problems:
        log.error("film card skipped: %s", problem)
    log.info("catalog loaded from %s: %s", folder, report.lines()[0])
    return report
