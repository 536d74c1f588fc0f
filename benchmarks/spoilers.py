"""What does spoiler safety cost? (issue 5)

Run: ``python -m benchmarks.spoilers``. Times ``spoiler_chunks`` (neutralize, split, tag) on the
100 Meters plot and on a 100,000-character adversarial text (pipes, code fences, mentions, links,
markdown at line starts), against a baseline measured in the same run: ``discord.utils.escape_markdown``
on the same text, which escapes but neither splits nor tags. Then the whole ``/plot`` render
(the store read, phases, embeds) in-process.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import discord

from benchmarks._stats import summary_ms, table
from bot.catalog.loader import load_cards
from bot.films.service import FilmService
from bot.spoilers import render
from bot.spoilers.safety import spoiler_chunks
from bot.spoilers.service import PlotService
from bot.store import Store

REPO = Path(__file__).resolve().parent.parent
TRICKY = (
    "ends || early `code` ```py\nx``` <@1> @everyone [x](https://e.com) https://e.com/a_b\n# H\n> q\n- l "
)


def _times(work: Callable[[], object], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        out.append(time.perf_counter() - start)
    return out


async def _plot_render_times(runs: int = 200) -> tuple[str, list[float], int]:
    with tempfile.TemporaryDirectory() as tmp:
        store = await Store.open(Path(tmp) / "bench.sqlite3")
        try:
            await load_cards(store, REPO / "data" / "films")
            films = FilmService(store)
            film = await films.resolve("100-meters")
            service = PlotService(store)
            plot_text = "\n\n".join(p.text for p in await service.phases(film))
            times = []
            for _ in range(runs):
                start = time.perf_counter()
                render.plot_embeds(await service.reveal(film))
                times.append(time.perf_counter() - start)
            return plot_text, times, len(spoiler_chunks(plot_text))
        finally:
            await store.close()


def main() -> None:
    plot_text, render_times, plot_parts = asyncio.run(_plot_render_times())
    adversarial = (TRICKY * (100_000 // len(TRICKY) + 1))[:100_000]
    rows = [["text", "chars", "parts", "spoiler_chunks", "baseline escape_markdown"]]
    for name, text, runs in (("100 Meters plot", plot_text, 300), ("adversarial", adversarial, 10)):
        ours = _times(lambda text=text: spoiler_chunks(text), runs)  # type: ignore[misc]
        base = _times(lambda text=text: discord.utils.escape_markdown(text), runs)  # type: ignore[misc]
        rows.append(
            [name, str(len(text)), str(len(spoiler_chunks(text))), summary_ms(ours), summary_ms(base)]
        )
    print(table(rows))
    print(
        f"\n/plot render (store read + phases + embeds), 100 Meters, {plot_parts} parts: {summary_ms(render_times)}"
    )


if __name__ == "__main__":
    main()
