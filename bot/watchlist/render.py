"""How the watchlist looks: the list page, a suggestion, a Want to see click, a removal. Embeds only.

Film titles go through ``plain()`` (markdown shown literally, mentions defused). Members are shown as
mentions inside embeds, which never ping anyone.
"""

from __future__ import annotations

import discord

from bot.ui import limits
from bot.ui.embeds import build_embed
from bot.ui.text import join_limited, plain
from bot.watchlist.models import Entry, Sort, Suggested, WantToggled, WatchlistPage

LIST_COLOUR = 0xE8B04B
SORT_LABELS: dict[Sort, str] = {
    "wanted": "most wanted first",
    "newest": "newest suggestions first",
    "oldest": "oldest suggestions first",
    "score": "best score first",
}
WANT_LABEL = "Want to see"
WANT_EMOJI = "🍿"


def wants(count: int) -> str:
    return f"{count} member{'s' if count != 1 else ''} want{'s' if count == 1 else ''} to see it"


def _suggested(entry: Entry) -> str:
    return f"suggested by <@{entry.suggested_by}> {discord.utils.format_dt(entry.suggested_at, 'R')}"


def list_embed(page: WatchlistPage) -> discord.Embed:
    """A page of the list: number, film and year, how many want it, the score line, who suggested it."""
    lines = [
        f"`{listed.number:>4}.` **{plain(listed.entry.film.label, 120)}** · {WANT_EMOJI} {listed.entry.wants}\n"
        f"-# {plain(listed.score_line, 80)} · {_suggested(listed.entry)}"
        for listed in page.films
    ]
    if page.member_id is not None:
        lines.insert(0, f"Films <@{page.member_id}> suggested or wants to see:\n")
    films = f"{page.total:,} film{'s' if page.total != 1 else ''}"
    return build_embed(
        title=f"Watchlist · {films}",
        description=join_limited(lines, limits.EMBED_DESCRIPTION - 100),
        footer=(
            f"Page {page.page + 1:,} of {page.pages:,} · {SORT_LABELS[page.sort]} · {WANT_EMOJI} = members who "
            "want to see it · pick a film below for its card and its Want to see button"
        ),
        colour=LIST_COLOUR,
    )


def suggested_embed(suggested: Suggested) -> discord.Embed:
    """The answer to ``/watchlist add``: posted for everyone when it is a new suggestion."""
    entry = suggested.entry
    label = plain(entry.film.label, 200)
    if suggested.status == "added":
        lines = [f"<@{suggested.user_id}> suggested **{label}** for the watchlist."]
        if suggested.watched_before is not None:
            lines.append(
                f"The server watched it {discord.utils.format_dt(suggested.watched_before, 'D')}; "
                "it is back on the list."
            )
        lines.append(f"Want to see it too? Press **{WANT_LABEL}**.")
        return build_embed(
            title="Suggested for the watchlist", description="\n".join(lines), colour=LIST_COLOUR
        )
    first = "you" if entry.suggested_by == suggested.user_id else f"<@{entry.suggested_by}>"
    opening = f"**{label}** is already on the watchlist, suggested first by {first} " + (
        discord.utils.format_dt(entry.suggested_at, "R") + "."
    )
    if suggested.status == "wanted":
        closing = f"You now want to see it too: {wants(entry.wants)}."
    else:
        closing = f"You already want to see it ({wants(entry.wants)})."
    return build_embed(
        title="Already on the watchlist", description=f"{opening}\n{closing}", colour=LIST_COLOUR
    )


def toggled_embed(toggled: WantToggled) -> discord.Embed:
    """The ephemeral answer to **Want to see**, sent once the click is committed."""
    entry = toggled.entry
    label = plain(entry.film.label, 200)
    if toggled.status == "added":
        title = "Suggested for the watchlist"
        text = f"**{label}** was not on the watchlist: you suggested it, and you want to see it."
    elif toggled.status == "wanted":
        title = "You want to see it"
        text = f"You want to see **{label}**: {wants(entry.wants)}."
    else:
        title = "You no longer want to see it"
        text = (
            f"You took back your Want to see for **{label}** ({wants(entry.wants)}); it stays on the list, "
        )
        text += _suggested(entry) + "."
    if toggled.status != "unwanted":
        text += f"\nPress **{WANT_LABEL}** again to take it back."
    return build_embed(title=title, description=text, colour=LIST_COLOUR)


def removed_embed(entry: Entry, by: int) -> discord.Embed:
    whose = "your suggestion" if entry.suggested_by == by else f"suggested by <@{entry.suggested_by}>"
    return build_embed(
        title="Removed from the watchlist",
        description=f"**{plain(entry.film.label, 200)}** ({whose}, {WANT_EMOJI} {entry.wants}) is off the list.",
        colour=LIST_COLOUR,
    )
