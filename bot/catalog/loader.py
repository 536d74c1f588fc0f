"""Load every card in a folder into the store, idempotently, and report what happened."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from bot.catalog.cards import CardError, CardProblem, parse_card
from bot.films.models import FilmData
from bot.store import Store

log = logging.getLogger(__name__)


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


def check_cards(folder: Path) -> tuple[list[FilmData], list[CardProblem]]:
    """Parse every ``*.toml`` card in ``folder``: the valid cards and every problem in the others."""
    cards: list[FilmData] = []
    problems: list[CardProblem] = []
    if not folder.is_dir():
        return [], [CardProblem(str(folder), "(folder)", "does not exist")]
    # A card's slug must match its file name, so slugs in one folder are unique by construction.
    for path in sorted(folder.glob("*.toml")):
        try:
            cards.append(parse_card(path))
        except CardError as exc:
            problems.extend(exc.problems)
    return cards, problems


async def load_cards(store: Store, folder: Path) -> LoadReport:
    """Bring the store in line with the cards: add, update, and remove films whose card is gone.

    A broken card is skipped with its problems reported (and logged); it never stops the others.
    """
    report = LoadReport()
    cards, report.problems = check_cards(folder)
    for problem in report.problems:
        log.error("film card skipped: %s", problem)
    for card in cards:
        outcome = await store.films.upsert(card)
        getattr(report, outcome).append(card.slug)
    broken = {p.file.removesuffix(".toml") for p in report.problems}
    for slug in sorted(await store.films.slugs(origin="card") - {c.slug for c in cards} - broken):
        refused = await store.films.delete(slug)
        if refused is None:
            report.removed.append(slug)
        else:
            report.kept.append((slug, refused.reason))
            log.warning("film %s kept: its card was removed but %s", slug, refused.reason)
    log.info("catalog loaded from %s: %s", folder, report.lines()[0])
    return report
