"""Discord rendering for ``/plot``: the only place that turns a ``PlotReveal`` into embeds.

Every spoiler phase goes through ``bot.spoilers.safety`` (neutralized, split, each part tagged) into an
embed field whose name is the phase name; the premise, which is safe anywhere, is the description.
Titles, footers, button labels and message content carry the film's name and phase names, never plot
text. One embed per message, each within Discord's 6,000-character total.
"""

from __future__ import annotations

import discord

from bot.spoilers.models import PlotReveal
from bot.spoilers.safety import discord_len, spoiler_chunks
from bot.ui import limits
from bot.ui.text import plain, truncate

PLOT_COLOUR = 0x5865F2
HINT = "Later phases are hidden: click a dark bar to reveal just that part."
NEXT_HINT = "Use **Next phase** to reveal one more phase."
FOOTER = "Spoiler-safe plot · phases in story order"
# Discord's total counts every text in the embed; keep a margin for anything counted differently.
MESSAGE_BUDGET = limits.EMBED_TOTAL - 50


def title(reveal: PlotReveal) -> str:
    return truncate(f"{reveal.film.label} · plot", limits.EMBED_TITLE)


def _phase_name(name: str, continued: bool) -> str:
    shown = plain(truncate(name, 100))
    return f"{shown} (continued)" if continued else shown


def _description(reveal: PlotReveal) -> str | None:
    lines: list[str] = []
    if reveal.with_premise:
        for phase in reveal.premise:
            lines.append(plain(phase.text, 2000))
        if reveal.shown:
            lines.append(f"*{HINT}*")
        elif reveal.next_phase is not None:
            lines.append(NEXT_HINT)
    return "\n\n".join(lines) or None


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
    """One embed per message, in order; the caller sends each as its own message."""
    embed_title = title(reveal)
    description = _description(reveal)
    embeds: list[discord.Embed] = []
    current = discord.Embed(title=embed_title, description=description, colour=PLOT_COLOUR)
    used = _size(embed_title, description, FOOTER)
    for name, value in plot_fields(reveal):
        size = discord_len(name) + discord_len(value)
        if current.fields and (used + size > MESSAGE_BUDGET or len(current.fields) >= limits.EMBED_FIELDS):
            embeds.append(current.set_footer(text=FOOTER))
            current = discord.Embed(title=embed_title, colour=PLOT_COLOUR)
            used = _size(embed_title, None, FOOTER)
        current.add_field(name=name, value=value, inline=False)
        used += size
    if current.fields or current.description:
        embeds.append(current.set_footer(text=FOOTER))
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
