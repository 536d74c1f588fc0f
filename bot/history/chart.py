"""The ``/stats`` chart (PNG): films watched per month, their genres, the server's rating distribution,
its most active raters and the members who suggested most films to the watchlist, in five panels.

Drawn like the scores chart (``bot/scores/chart.py``, whose colours and panel style it shares): matplotlib is
imported inside the function, the figure has its own Agg canvas (no pyplot state), and it runs in the
worker process (``HistoryService.chart`` via ``bot.offload``). The size is fixed (1320×836 px), so the PNG
stays far below Discord's attachment limit whatever the data; long names are cut to fit their panel.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.history.models import RATING_STEPS, Count, ServerStats, StatsFigure
from bot.scores.aggregate import number
from bot.scores.chart import AVERAGE, BACKGROUND, MEMBERS, MUTED, TEXT, _png, _style_panel

if TYPE_CHECKING:
    from matplotlib.axes import Axes

WIDTH_IN, HEIGHT_IN, DPI = 12.0, 7.6, 110
WATCHED = "#5865f2"  # Discord's blurple
GENRES = "#eb459e"
LABEL_CHARS = 24
TITLE_CHARS = 70
BAR_SLOTS = 8


def _cut(text: str, limit: int = LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def render_stats(figure: StatsFigure) -> bytes:
    """A PNG of the server's stats (pure: the same figure gives the same image)."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI, facecolor=BACKGROUND)
    FigureCanvasAgg(fig)
    grid = fig.add_gridspec(2, 3, left=0.05, right=0.985, top=0.84, bottom=0.08, hspace=0.52, wspace=0.5)
    stats = figure.stats
    _months(fig.add_subplot(grid[0, 0:2]), stats)
    _bars(fig.add_subplot(grid[0, 2]), "Genres of the films watched", stats.genres, None, GENRES,
          "No genres on these films' cards" if stats.viewings else "No film watched")  # fmt: skip
    _distribution(fig.add_subplot(grid[1, 0]), stats)
    _bars(fig.add_subplot(grid[1, 1]), "Most active raters", stats.raters, figure.rater_names, MEMBERS,
          "No ratings")  # fmt: skip
    _bars(fig.add_subplot(grid[1, 2]), "Most films suggested", stats.suggesters, figure.suggester_names,
          WATCHED, "No watchlist suggestions")  # fmt: skip
    fig.text(
        0.012, 0.975, _cut(figure.title, TITLE_CHARS), color=TEXT, fontsize=15, fontweight="bold", va="top"
    )
    fig.text(0.012, 0.915, _headline(stats), color=MUTED, fontsize=10.5, va="top")
    return _png(fig)


def _headline(stats: ServerStats) -> str:
    parts = [
        f"{stats.viewings} viewing{'s' if stats.viewings != 1 else ''} of {stats.films} "
        f"film{'s' if stats.films != 1 else ''} ({stats.at_parties} at watch parties)",
        f"{stats.ratings} rating{'s' if stats.ratings != 1 else ''} from {stats.members_rating} "
        f"member{'s' if stats.members_rating != 1 else ''}",
    ]
    if stats.mean_rating is not None:
        parts.append(f"mean {stats.mean_rating:.1f}/10")
    return " · ".join(parts)


def _title(ax: Axes, text: str) -> None:
    ax.set_title(text, loc="left", color=TEXT, fontsize=11.5, fontweight="bold", pad=10)


def _empty(ax: Axes, text: str) -> None:
    ax.set_xticks([])
    ax.set_yticks([])
    ax.text(0.5, 0.5, text, transform=ax.transAxes, ha="center", va="center", color=MUTED, fontsize=10.5)


def _month_labels(months: Sequence[Count], with_year: bool) -> list[str]:
    """ "Jan" … "Dec"; across years, the year under the first month and under each January."""
    labels = []
    for index, month in enumerate(months):
        year, number_ = month.key.split("-")
        label = calendar.month_abbr[int(number_)]
        if with_year and (index == 0 or number_ == "01"):
            label += f"\n{year}"
        labels.append(label)
    return labels


def _months(ax: Axes, stats: ServerStats) -> None:
    """Viewings per month: the year's twelve, or (all time) the last twelve."""
    from matplotlib.ticker import MaxNLocator

    _style_panel(ax, grid_axis="y")
    _title(ax, "Films watched per month" + ("" if stats.year is not None else " · last 12 months"))
    counts = [m.count for m in stats.months]
    xs = list(range(len(counts)))
    drawn = ax.bar(xs, counts, width=0.62, color=WATCHED)
    ax.bar_label(drawn, labels=[str(c) if c else "" for c in counts], color=TEXT, fontsize=8.5, padding=2)
    ax.set_xticks(xs, _month_labels(stats.months, stats.year is None), fontsize=8.5)
    ax.set_ylim(0, max(max(counts, default=0) * 1.2, 1))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    if not any(counts):
        ax.text(0.5, 0.55, "No film watched in these months", transform=ax.transAxes, ha="center",
                color=MUTED, fontsize=10.5)  # fmt: skip


def _distribution(ax: Axes, stats: ServerStats) -> None:
    """The server's ratings, 0.5–10 in steps of 0.5, with the mean marked."""
    from matplotlib.ticker import MaxNLocator

    _style_panel(ax, grid_axis="y")
    heading = "Ratings given"
    if stats.mean_rating is not None:
        heading += f" · {stats.ratings} · mean {number(round(stats.mean_rating, 1))}"
    _title(ax, heading)
    counts = list(stats.distribution)
    drawn = ax.bar(list(RATING_STEPS), counts, width=0.4, color=MEMBERS)
    ax.bar_label(drawn, labels=[str(c) if c else "" for c in counts], color=TEXT, fontsize=7.5, padding=2)
    ax.set_xlim(0.1, 10.4)
    ax.set_xticks(list(range(1, 11)))
    ax.set_ylim(0, max(max(counts, default=0) * 1.2, 1))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("rating (/10)", color=MUTED, fontsize=8.5)
    if stats.mean_rating is None:
        ax.text(0.5, 0.55, "No ratings", transform=ax.transAxes, ha="center", color=MUTED, fontsize=10.5)
    else:
        ax.axvline(stats.mean_rating, color=AVERAGE, linewidth=1.4, linestyle=(0, (4, 3)))


def _bars(
    ax: Axes, title: str, rows: Sequence[Count], names: Sequence[str] | None, colour: str, empty: str
) -> None:
    """A ranked list as horizontal bars, the largest on top, each with its count."""
    from matplotlib.ticker import MaxNLocator

    _style_panel(ax, grid_axis="x")
    _title(ax, title)
    if not rows:
        _empty(ax, empty)
        return
    labels = [
        _cut(names[i] if names is not None and i < len(names) else row.key) for i, row in enumerate(rows)
    ]
    ys = [-i for i in range(len(rows))]
    counts = [row.count for row in rows]
    drawn = ax.barh(ys, counts, height=0.6, color=colour)
    ax.bar_label(drawn, labels=[str(c) for c in counts], color=TEXT, fontsize=8.5, padding=3)
    ax.set_yticks(ys, labels, fontsize=9, color=TEXT)
    ax.set_xlim(0, max(counts) * 1.18)
    # Room for a full list either way, so one rater's bar is as thick as one of eight's.
    ax.set_ylim(-(max(len(rows), BAR_SLOTS) - 0.4), 0.6)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
