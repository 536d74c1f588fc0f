"""The scores chart (PNG): outside sources and the member score on the common 0–100 scale, and the members'
rating histogram.

matplotlib is imported here, inside the function, so commands that never draw a chart start fast. The
figure is drawn on its own ``Figure``/Agg canvas (no pyplot global state), so it is safe in any worker:
``ScoreService.chart`` runs it in the worker process (``bot.offload``).

The chart carries its own opaque background (Discord's dark "blurple-grey" family), so its text keeps the
same contrast whether the client uses the dark (#313338) or light (#ffffff) theme.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

from bot.scores.aggregate import Aggregate, number

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from bot.scores.models import ScoreSummary

WIDTH_IN, HEIGHT_IN, DPI = 10.0, 4.6, 110
BACKGROUND = "#232428"
PANEL = "#2b2d31"
GRID = "#4e5058"
TEXT = "#f2f3f5"
MUTED = "#b5bac1"
AVERAGE = "#e8b04b"  # the card's gold
MEMBERS = "#3ba55d"
APPROVAL = "#f47b67"
AGGREGATE = "#ffffff"
NAME_CHARS = 30

# One bar on the left panel: label, 0–100 value, colour, value text.
Row = tuple[str, float, str, str]


def _short(name: str) -> str:
    return name if len(name) <= NAME_CHARS else name[: NAME_CHARS - 1] + "…"


def render_chart(summary: ScoreSummary) -> bytes:
    """A PNG of the summary's figures (pure: same summary, same image)."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI, facecolor=BACKGROUND)
    FigureCanvasAgg(fig)
    grid = fig.add_gridspec(1, 2, width_ratios=(1.35, 1.0), left=0.25, right=0.975, top=0.84, bottom=0.13)
    bars, hist = fig.add_subplot(grid[0, 0]), fig.add_subplot(grid[0, 1])
    _style_panel(bars, grid_axis="x")
    _style_panel(hist, grid_axis="y")
    _draw_sources(bars, summary.breakdown)
    _draw_histogram(hist, summary.breakdown)
    fig.text(0.012, 0.955, summary.film.label, color=TEXT, fontsize=13, fontweight="bold", va="top")
    return _png(fig)


def _style_panel(ax: Axes, *, grid_axis: Literal["x", "y"]) -> None:
    ax.set_facecolor(PANEL)
    ax.tick_params(colors=MUTED, labelsize=9, length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.grid(axis=grid_axis, color=GRID, linewidth=0.7)
    ax.set_axisbelow(True)


def _source_rows(result: Aggregate) -> tuple[list[Row], list[Row]]:
    """The left panel's rows: outside averages then the member score; approval percentages apart."""
    rated: list[Row] = []
    for score in result.averages:
        assert score.normalized is not None and score.scale is not None
        text = f"{number(score.value)}/{number(score.scale)} → {score.normalized:.0f}"
        rated.append((_short(score.name), score.normalized, AVERAGE, text))
    if result.members is not None:
        m = result.members
        rated.append(
            ("Members (Bayesian)", m.bayesian, MEMBERS, f"{m.bayesian:.0f} (mean {number(m.mean)}/10)")
        )
    approvals = [
        (_short(s.name), s.value, APPROVAL, f"{number(s.value)}% liked it") for s in result.approvals
    ]
    return rated, approvals


def _draw_sources(bars: Axes, result: Aggregate) -> None:
    """Left: every source on the common 0–100 scale.

    Rows top to bottom: outside averages, the member score, then (after a gap) approval percentages,
    drawn as outlines: shown on the same axis but visibly not part of the aggregate.
    """
    rated, approvals = _source_rows(result)
    gap = 0.5 if rated and approvals else 0.0
    y_rated = [-(i) for i in range(len(rated))]
    y_approval = [-(len(rated) + gap + i) for i in range(len(approvals))]
    bars.set_xlim(0, 101)
    bars.set_xticks([0, 20, 40, 60, 80, 100])
    _draw_bars(bars, rated, y_rated, outline=False)
    _draw_bars(bars, approvals, y_approval, outline=True)
    _label_rows(bars, rated + approvals, y_rated + y_approval)
    if result.aggregate is not None and rated:
        _draw_aggregate(bars, result.aggregate, len(rated))
    bars.set_title("Sources on a 0–100 scale", loc="left", color=TEXT, fontsize=11, fontweight="bold", pad=22)
    if approvals:
        bars.set_xlabel("outlined: % who liked it — shown, never averaged in", color=MUTED, fontsize=8.5)


def _draw_bars(bars: Axes, rows: Sequence[Row], ys: Sequence[float], *, outline: bool) -> None:
    for (_, value, colour, text), y in zip(rows, ys, strict=True):
        if outline:
            bars.barh(y, value, height=0.62, facecolor="none", edgecolor=colour, linewidth=1.8)
        else:
            bars.barh(y, value, height=0.62, color=colour)
        inside = value >= 40
        bars.text(
            1.8 if inside else value + 1.5,
            y,
            text,
            va="center",
            ha="left",
            fontsize=8.8,
            color=BACKGROUND if inside and not outline else TEXT,
            fontweight="bold",
        )


def _label_rows(bars: Axes, rows: Sequence[Row], ys: Sequence[float]) -> None:
    if ys:
        bars.set_yticks(ys, [r[0] for r in rows], fontsize=9.5)
        for tick, (_, _, colour, _) in zip(bars.get_yticklabels(), rows, strict=True):
            tick.set_color(TEXT if colour != APPROVAL else APPROVAL)
        bars.set_ylim(min(ys) - 0.6, 0.6)
    else:
        bars.set_yticks([])
        bars.set_ylim(-1, 1)
        bars.text(
            50, 0, "No outside scores or ratings yet", ha="center", va="center", color=MUTED, fontsize=10.5
        )


def _draw_aggregate(bars: Axes, value: float, rows: int) -> None:
    # The dashed line spans only the rows it is the mean of.
    bars.vlines(value, -(rows - 1) - 0.45, 0.6, colors=AGGREGATE, linewidth=1.6, linestyles=(0, (4, 3)))
    bars.text(
        value,
        1.015,
        f"Aggregate {value:.0f}",
        transform=bars.get_xaxis_transform(),
        ha="center",
        va="bottom",
        color=AGGREGATE,
        fontsize=9.5,
        fontweight="bold",
    )


def _draw_histogram(hist: Axes, result: Aggregate) -> None:
    """Right: the members' histogram (0.5–10 in steps of 0.5)."""
    from matplotlib.ticker import MaxNLocator

    steps = [i / 2 for i in range(1, 21)]
    counts = dict(result.members.distribution) if result.members is not None else {}
    heights = [counts.get(s, 0) for s in steps]
    drawn = hist.bar(steps, heights, width=0.42, color=MEMBERS)
    hist.bar_label(drawn, labels=[str(h) if h else "" for h in heights], color=TEXT, fontsize=8, padding=2)
    hist.set_xlim(0.1, 10.4)
    hist.set_xticks(list(range(1, 11)))
    top = max(heights, default=0)
    hist.set_ylim(0, max(top * 1.18, 1))
    hist.yaxis.set_major_locator(MaxNLocator(integer=True))
    if result.members is None:
        hist.set_yticks([])
        hist.text(5.25, 0.5, "No member ratings yet\n/rate to add yours", ha="center", va="center",
                  color=MUTED, fontsize=10.5)  # fmt: skip
        heading = "Members' ratings"
    else:
        m = result.members
        heading = f"Members' ratings · {m.count} · mean {number(m.mean)}"
    hist.set_title(heading, loc="left", color=TEXT, fontsize=11, fontweight="bold", pad=22)
    hist.set_xlabel("rating (/10)", color=MUTED, fontsize=8.5)


def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        # A title in a script the bundled font lacks draws boxes, not an error.
        warnings.filterwarnings("ignore", message="Glyph .* missing")
        fig.savefig(buffer, format="png", facecolor=BACKGROUND)
    return buffer.getvalue()
