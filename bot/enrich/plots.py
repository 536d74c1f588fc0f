"""Fetched plots kept: the enrichment service's result hook that stores a provider's plot as the film's.

The enrichment service (``bot.enrich.service``) runs the providers for a card, ``/plot`` (it is the plot
service's ``PlotFetcher``) and ``filmbot films enrich``, records each result, and hands it to its hooks.
``PlotKeeper`` is the one for plots: a result with plot sections (Wikipedia's phases) replaces the film's
fetched plot, cited to the exact source it names (the article's revision, CC BY-SA 4.0), in one
transaction; a film whose card gives a plot keeps its card's (``SpoilerStore.replace_fetched``). A result
without a plot (Wikipedia down, no plot section) leaves the plot fetched before as it is.
"""

from __future__ import annotations

import logging
from datetime import datetime

from bot.enrich.models import ProviderResult
from bot.store import Store

log = logging.getLogger(__name__)


class PlotKeeper:
    def __init__(self, store: Store) -> None:
        self._store = store

    async def __call__(self, film_id: int, result: ProviderResult, fetched_at: datetime) -> bool:
        """Store ``result``'s plot as the film's; whether it was stored."""
        source = next((s for s in result.sources if s.key == result.plot_source), None)
        if not result.plot or source is None:
            return False
        stored = await self._store.spoilers.replace_fetched(film_id, source, result.plot)
        log.info(
            "plot of film %d from %s (revision %s): %s",
            film_id,
            result.provider,
            source.revision,
            f"{len(result.plot)} phases stored" if stored else "not stored, the card gives one",
        )
        return stored
