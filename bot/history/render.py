"""How the watched history looks in Discord: ``/history`` pages, ``/watched`` answers, the rating menu's
text and the ``/stats`` summary. Pure formatting of records; the items and messages are in ``views.py``."""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from datetime import datetime

import discord

from bot.films.models import FilmSummary
from bot.history.models import (
    HistoryLine,
    HistoryPage,
    RatingPrompt,
    Recorded,
    ServerStats,
    Unrecorded,
    Watched,
)
from bot.scores.aggregate import MemberScore, number
from bot.scores.models import ScoreSummary
from bot.ui import limits
from bot.ui.embeds import Field, build_embed
from bot.ui.text import join_limited, plain

HISTORY_COLOUR = 0x5865F2
PROMPT_HEAD = "🎬 **How was it?**"


def _at(moment: datetime, style: str = "D") -> str:
    return discord.utils.format_dt(moment, style)  # type: ignore[arg-type]


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def film_label(film: FilmSummary | None, film_id: int) -> str:
    return plain(film.label) if film is not None else f"film #{film_id} (no longer in the catalog)"


def party_link(entry: Watched) -> str:
    """The party a viewing was: its announcement, else its Discord event, else just its number."""
    party = entry.party
    if party is None:
        return ""
    if party.message_id is not None:
        url = f"https://discord.com/channels/{entry.guild_id}/{party.channel_id}/{party.message_id}"
    elif party.event_id is not None:
        url = f"https://discord.com/events/{entry.guild_id}/{party.event_id}"
    else:
        return f"watch party #{party.party_id}"
    return f"[watch party #{party.party_id}]({url})"


def member_score(members: MemberScore | None) -> str:
    if members is None:
        return "no member ratings yet"
    return (
        f"members **{number(members.bayesian_out_of_10)}**/10 "
        f"(mean {number(members.mean)} from {members.count})"
    )


def history_line(line: HistoryLine) -> str:
    parts = [f"**{film_label(line.film, line.entry.film_id)}**", _at(line.entry.watched_at)]
    if link := party_link(line.entry):
        parts.append(link)
    parts.append(member_score(line.members))
    return " · ".join(parts)


def history_embed(page: HistoryPage) -> discord.Embed:
    viewings = f"{page.total} viewing{'s' if page.total != 1 else ''}"
    return build_embed(
        title="Watched in this server" + (f" · {page.year}" if page.year is not None else ""),
        description=join_limited([history_line(line) for line in page.lines], limits.EMBED_DESCRIPTION),
        footer=(
            f"Page {page.page + 1} of {page.pages} · {viewings}, newest first · member score as /top ranks "
            "it (the mean weighed with the outside consensus)"
        ),
        colour=HISTORY_COLOUR,
    )


def recorded_text(recorded: Recorded) -> str:
    times = "" if recorded.times == 1 else f" (the {_ordinal(recorded.times)} time)"
    return (
        f"Recorded: this server watched **{plain(recorded.film.label)}** on "
        f"{_at(recorded.entry.watched_at)}{times}. `/history` lists it."
    )


def unrecorded_text(gone: Unrecorded) -> str:
    left = (
        f" It is still in the history {gone.times} time{'s' if gone.times != 1 else ''}."
        if gone.times
        else ""
    )
    return (
        f"Removed the viewing of **{plain(gone.film.label)}** on {_at(gone.entry.watched_at)} from the "
        f"watched history.{left} Ratings are untouched."
    )


def prompt_text(prompt: RatingPrompt, film: FilmSummary) -> str:
    return (
        f"{PROMPT_HEAD} The watch party of **{plain(film.label)}** has ended. Pick your rating below: it "
        f"counts as your `/rate` in this server (pick again to change it). "
        f"Open until {_at(prompt.closes_at, 'f')} ({_at(prompt.closes_at, 'R')})."
    )


def closed_text(prompt: RatingPrompt, film: FilmSummary, summary: ScoreSummary) -> str:
    return (
        f"{PROMPT_HEAD} **{plain(film.label)}**: ratings from this menu closed {_at(prompt.closes_at, 'R')}. "
        f"Now: {summary.line}. `/rate` still takes yours."
    )


def rating_option(step: float) -> str:
    return f"{number(step)}/10"


def stats_filename(stats: ServerStats) -> str:
    return f"stats-{stats.year if stats.year is not None else 'all-time'}.png"


def stats_title(server: str | None, year: int | None) -> str:
    name = re.sub(r"\s+", " ", server or "This server").strip()
    return f"{name} · {year if year is not None else 'all time'}"


def stats_embed(
    stats: ServerStats, title: str, chart: str, raters: Sequence[str], suggesters: Sequence[str] = ()
) -> discord.Embed:
    """The text beside the chart: the same figures in a few sentences (and for screen readers)."""
    return build_embed(
        title=f"Stats · {title}",
        description="\n".join([*_summary(stats, raters), *_suggested(suggesters)]),
        colour=HISTORY_COLOUR,
        fields=[Field("Genres", ", ".join(f"{plain(g.key)} ({g.count})" for g in stats.genres))],
        footer="Ratings are counted in the year they were given (or last changed); days in the server's zone.",
    ).set_image(url=f"attachment://{chart}")


def _suggested(suggesters: Sequence[str]) -> list[str]:
    return ["Most films suggested to the watchlist: " + ", ".join(suggesters) + "."] if suggesters else []


def _summary(stats: ServerStats, raters: Sequence[str]) -> list[str]:
    films = f"{stats.films} different film{'s' if stats.films != 1 else ''}"
    lines = [
        f"**{stats.viewings}** viewing{'s' if stats.viewings != 1 else ''} of {films}, {stats.at_parties} at watch parties."
    ]
    if (busiest := max(stats.months, key=lambda m: m.count, default=None)) and busiest.count:
        year, month = busiest.key.split("-")
        lines.append(f"Busiest month: {calendar.month_name[int(month)]} {year} ({busiest.count}).")
    if stats.mean_rating is not None:
        members = f"{stats.members_rating} member{'s' if stats.members_rating != 1 else ''}"
        lines.append(
            f"**{stats.ratings}** rating{'s' if stats.ratings != 1 else ''} from {members}, mean **{stats.mean_rating:.1f}**/10."
        )
    if stats.best is not None:
        best, score = stats.best
        lines.append(f"Best rated of the films watched: **{plain(best.label)}**, {member_score(score)}.")
    if raters:
        lines.append("Most active raters: " + ", ".join(raters) + ".")
    return lines
