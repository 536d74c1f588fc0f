"""A poll's result as a bar-chart PNG. matplotlib is imported lazily (Agg, no display), in the worker process."""

from __future__ import annotations

import io
from collections.abc import Sequence

from bot.offload import in_worker
from bot.polls.models import Poll
from bot.polls.tally import Tally

WINNER = "#57F287"
OTHER = "#5865F2"
LABEL_MAX = 40


def _label(text: str) -> str:
    text = " ".join(text.split())
    if len(text) > LABEL_MAX:
        text = text[: LABEL_MAX - 1] + "…"
    # Member text is shown literally: no mathtext.
    return text.replace("$", r"\$")


def render_png(title: str, labels: Sequence[str], counts: Sequence[int], winners: Sequence[int]) -> bytes:
    """Horizontal bars, first option on top; the winners in green. Blocking: run it through ``bot.offload.in_worker``."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    height = 1.2 + 0.38 * len(labels)
    figure = Figure(figsize=(8, height), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    positions = list(range(len(labels)))
    colours = [WINNER if i in winners else OTHER for i in positions]
    bars = axes.barh(positions, counts, color=colours)
    axes.set_yticks(positions, labels=[_label(label) for label in labels])
    axes.invert_yaxis()
    axes.set_title(_label(title), loc="left")
    axes.bar_label(bars, labels=[str(c) for c in counts], padding=3)
    axes.set_xlim(0, max(max(counts, default=0), 1) * 1.15)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


async def result_chart(poll: Poll, tally: Tally) -> bytes:
    """The final counts of ``tally`` as a PNG (for ranked polls, the deciding round)."""
    labels = [o.label for o in poll.options]
    return await in_worker(render_png, poll.question, labels, tally.final_counts, tally.winners)
