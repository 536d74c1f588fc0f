"""Discord rendering for ``/plot``: the only place that turns a ``PlotReveal`` into embeds.

Every spoiler phase goes through ``bot.spoilers.safety`` (neutralized, split, each part tagged) into an
embed field whose name is the phase name; the premise, which is safe anywhere, is the description
(neutralized and split the same way, untagged; a long premise goes on in the next message's).
Titles, footers, button labels and message content carry the film's name and phase names, never plot
text. One embed per message, each within Discord's 6,000-character total. A plot fetched from outside
(a Wikipedia article) is attributed in every embed that holds any of it: the article, the revision, the
licence, each linked, in a last field outside every spoiler tag. A premise from outside the plot (TMDB's
overview, spoiler-free by design) is cited after it, and TMDB's notice ends the footer of that message.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import discord

from bot.films.models import Source
from bot.spoilers.models import PlotReveal
from bot.spoilers.safety import discord_len, plain_chunks, spoiler_chunks
from bot.ui import limits
from bot.ui.text import plain, truncate
from bot.where_to_watch.render import TMDB_NOTICE

PLOT_COLOUR = 0x5865F2
HINT = "Later phases are hidden: click a dark bar to reveal just that part."
NEXT_HINT = "Use **Next phase** to reveal one more phase."
FOOTER = "Spoiler-safe plot · phases in story order"
# Discord's total counts every text in the embed; keep a margin for anything counted differently.
MESSAGE_BUDGET = limits.EMBED_TOTAL - 50
# A description holds at most this much, so that the title and footer always fit beside it.
DESCRIPTION_BUDGET = min(limits.EMBED_DESCRIPTION, MESSAGE_BUDGET - limits.EMBED_TITLE - 100)


SOURCE_FIELD = "Source"
# Licences an attribution links to, by the name a source gives.
LICENCE_LINKS = {
    "CC BY-SA 4.0": "https://creativecommons.org/licenses/by-sa/4.0/",
    "CC BY-SA 3.0": "https://creativecommons.org/licenses/by-sa/3.0/",
}


def _link(text: str, url: str | None) -> str:
    """``text`` shown literally, as a masked link to ``url`` when it is a plain http(s) URL."""
    shown = plain(text).replace("[", "\\[").replace("]", "\\]")
    if not url or urlsplit(url).scheme not in ("http", "https") or any(c in url for c in " <>()[]"):
        return shown
    return f"[{shown}]({url})"


def attribution(source: Source | None) -> str | None:
    """Who wrote a fetched plot and under which licence, linked ("Plot from Wikipedia's article “X”
    (revision N), CC BY-SA 4.0; retrieved …"); ``None`` for a card's own plot."""
    if source is None:
        return None
    where = f"{plain(source.publisher)}'s article" if source.publisher else "the article"
    revision = f" (revision {source.revision})" if source.revision is not None else ""
    licence = f", {_link(source.licence, LICENCE_LINKS.get(source.licence))}" if source.licence else ""
    retrieved = f"{source.as_of.day} {source.as_of:%B %Y}"
    text = f"Plot from {where} “{_link(truncate(source.title, 200), source.url)}”{revision}{licence}; retrieved {retrieved}."
    return text if discord_len(text) <= limits.EMBED_FIELD_VALUE else truncate(text, 900)


def premise_credit(source: Source | None) -> str | None:
    """Where a premise from outside the plot comes from, linked ("Premise: TMDB's overview of “Dune
    (1984)”"); ``None`` for a premise of the plot's own."""
    if source is None:
        return None
    where = f"{plain(source.publisher)}'s overview" if source.publisher else "the overview"
    return f"*Premise: {where} of “{_link(truncate(source.title, 200), source.url)}”.*"


def footer(reveal: PlotReveal) -> str:
    """The footer; TMDB's notice (its terms ask for it wherever its data is shown) with its overview."""
    if reveal.with_premise and reveal.premise_source is not None and reveal.premise_source.kind == "tmdb":
        return f"{FOOTER} · {TMDB_NOTICE}"
    return FOOTER


def _fit(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` UTF-16 units (what ``truncate`` counts are code points)."""
    while discord_len(text) > limit:
        text = truncate(text, len(text) - (discord_len(text) - limit + 1) // 2 - 1)
    return text


def title(reveal: PlotReveal) -> str:
    return _fit(f"{reveal.film.label} · plot", limits.EMBED_TITLE)


def _phase_name(name: str, continued: bool) -> str:
    shown = plain(truncate(name, 100))
    return f"{shown} (continued)" if continued else shown


def _hint(reveal: PlotReveal) -> str | None:
    if not reveal.with_premise:
        return None
    if reveal.shown:
        return f"*{HINT}*"
    return NEXT_HINT if reveal.next_phase is not None else None


def descriptions(reveal: PlotReveal) -> list[str]:
    """The premise (safe anywhere, so in the clear) and the hint, in parts that each fit a description.

    A premise longer than one description goes on over as many messages as it needs, cut where the
    text allows (``bot.spoilers.safety.plain_chunks``); its credit (when it comes from outside the plot)
    and the hint end the last part.
    """
    credit = premise_credit(reveal.premise_source) if reveal.with_premise else None
    tail = "\n\n".join(line for line in (credit, _hint(reveal)) if line)
    room = DESCRIPTION_BUDGET - (discord_len(tail) + 2 if tail else 0)
    premise = "\n\n".join(phase.text for phase in reveal.premise) if reveal.with_premise else ""
    parts = plain_chunks(premise, room)
    if tail:
        parts = [*parts[:-1], "\n\n".join([*parts[-1:], tail])]
    return parts


def plot_fields(reveal: PlotReveal) -> list[tuple[str, str]]:
    """``(name, value)`` for every part of every shown phase: the name in the clear, the value tagged."""
    fields: list[tuple[str, str]] = []
    for phase in reveal.shown:
        for index, part in enumerate(spoiler_chunks(phase.text, limits.EMBED_FIELD_VALUE)):
            fields.append((_phase_name(phase.name, index > 0), part))
    return fields


def _size(embed_title: str, description: str | None, footer: str) -> int:
    return discord_len(embed_title) + discord_len(description or "") + discord_len(footer)


def plot_embeds(reveal: PlotReveal) -> list[discord.Embed]:
    """One embed per message, in order; the caller sends each as its own message. Every embed holding
    fetched plot text ends with its attribution."""
    embed_title, embed_footer = title(reveal), footer(reveal)
    credit = attribution(reveal.source)
    reserved = discord_len(SOURCE_FIELD) + discord_len(credit) if credit else 0
    max_fields = limits.EMBED_FIELDS - (1 if credit else 0)
    embeds = [
        discord.Embed(title=embed_title, description=part, colour=PLOT_COLOUR)
        for part in descriptions(reveal)
    ]
    current = embeds.pop() if embeds else discord.Embed(title=embed_title, colour=PLOT_COLOUR)
    used = _size(embed_title, current.description, embed_footer) + reserved
    for name, value in plot_fields(reveal):
        size = discord_len(name) + discord_len(value)
        if used + size > MESSAGE_BUDGET or len(current.fields) >= max_fields:
            if current.fields or current.description:
                embeds.append(current)
            current = discord.Embed(title=embed_title, colour=PLOT_COLOUR)
            used = _size(embed_title, None, embed_footer) + reserved
        current.add_field(name=name, value=value, inline=False)
        used += size
    if current.fields or current.description:
        embeds.append(current)
    for embed in embeds:
        if credit and embed.fields:
            embed.add_field(name=SOURCE_FIELD, value=credit, inline=False)
        embed.set_footer(text=embed_footer)
    return embeds


def next_label(reveal: PlotReveal) -> str | None:
    if reveal.next_phase is None:
        return None
    return truncate(f"Next phase: {reveal.next_phase.name}", limits.BUTTON_LABEL)


def channel_list(channel_ids: list[int]) -> discord.Embed:
    if not channel_ids:
        description = (
            "No spoiler channels yet. `/spoilers channel add` marks one; there, `/plot public:True` "
            "posts a plot for everyone (later phases still hidden behind spoiler tags)."
        )
    else:
        description = "\n".join(f"• <#{c}>" for c in channel_ids[:100])
        if len(channel_ids) > 100:
            description += f"\n… and {len(channel_ids) - 100} more"
    return discord.Embed(title="Spoiler channels", description=description, colour=PLOT_COLOUR)


def channel_changed(channel_id: int, *, added: bool, changed: bool) -> discord.Embed:
    if added:
        text = (
            f"<#{channel_id}> is now a spoiler channel: `/plot public:True` may post plots there."
            if changed
            else f"<#{channel_id}> already was a spoiler channel."
        )
    else:
        text = (
            f"<#{channel_id}> is no longer a spoiler channel."
            if changed
            else f"<#{channel_id}> was not a spoiler channel."
        )
    return discord.Embed(title="Spoiler channels", description=text, colour=PLOT_COLOUR)
