"""Rendering of the fact card as a Discord embed. The only place that turns a ``FilmCard`` into Discord."""

from __future__ import annotations

from datetime import date

import discord

from bot.films.card import CastMember, Cited, Detail, FilmCard
from bot.ui import limits
from bot.ui.embeds import Field, build_embed
from bot.ui.text import join_limited, plain, truncate

CARD_COLOUR = 0xE8B04B
CAST_SHOWN = 12
# What kind of document each source is, as a reader needs to know it (never the stored kind itself).
SOURCE_KINDS = {
    "review": "press review",
    "article": "press article",
    "listing": "film listing",
    "aggregator": "score site",
    "dataset": "dataset",
    "official": "official site",
    "tmdb": "TMDB",
    "wikidata": "Wikidata item",
    "wikipedia": "Wikipedia article",
}
OTHER_KIND = "source"


def source_name(kind: str, title: str, publisher: str | None) -> str:
    """ "press review: Publisher: Title"; the publisher is left out where the label already names it
    ("Wikipedia article: The Lighthouse at Noon")."""
    label = SOURCE_KINDS.get(kind, OTHER_KIND)
    if not publisher or label.startswith(publisher):
        return f"{label}: {title}"
    return f"{label}: {publisher}: {title}"


def refs(numbers: tuple[int, ...]) -> str:
    return "".join(f"[{n}]" for n in numbers)


def details_text(details: tuple[Detail, ...]) -> str:
    """Each detail followed by its own source numbers: "United States [3]; Japan [1][2]"."""
    return "; ".join(f"{plain(d.text)} {refs(d.refs)}" for d in details)


def cited(item: Cited, *, details: bool = True) -> str:
    """A value with its sources, then its details each with theirs: "GKIDS [3][4] (United States [3])"."""
    text = f"{plain(item.text)} {refs(item.refs)}".strip()
    if details and item.details:
        text += f" ({details_text(item.details)})"
    return text


def cited_list(items: tuple[Cited, ...], sep: str = "\n", *, details: bool = True) -> str:
    return join_limited([cited(i, details=details) for i in items], limits.EMBED_FIELD_VALUE, sep)


def _cast_line(member: CastMember) -> str:
    who = f"{plain(member.person)} {refs(member.refs)}"
    if member.characters:
        who += " as " + " / ".join(f"{plain(c.text)} {refs(c.refs)}" for c in member.characters)
    return who


def _runtime(card: FilmCard) -> str:
    text = " · ".join(cited(r) for r in card.runtimes)
    if card.runtime_disagrees:
        text += "\n*Sources disagree.*"
    return text


def _box_office(card: FilmCard) -> str:
    text = cited_list(card.box_office)
    if len(card.box_office) > 1:
        text += "\n*The figures disagree; each is shown as its source states it.*"
    return truncate(text, limits.EMBED_FIELD_VALUE)


def _source_work(card: FilmCard) -> str:
    if not card.source_work:
        return ""
    lines = [cited_list(card.source_work, " · ")]
    if card.source_creators:
        lines.append("by " + cited_list(card.source_creators, ", "))
    if card.source_details:
        lines.append(cited_list(card.source_details, " · "))
    return truncate("\n".join(lines), limits.EMBED_FIELD_VALUE)


def source_date(as_of: date, dated: bool, licence: str | None = None) -> str:
    """A source's own date, or that it gives none and when it was read; its licence where one is given."""
    text = as_of.isoformat() if dated else f"undated; retrieved {as_of.isoformat()}"
    return f"{text}; {licence}" if licence else text


def _footer(card: FilmCard) -> str:
    parts = []
    for source in card.sources:
        name = truncate(source_name(source.kind, source.title, source.publisher), 110)
        when = source_date(source.as_of, source.dated, source.licence)
        parts.append(f"[{source.number}] {name} ({when})")
    origin = "Curated film card" if card.origin == "card" else "Imported catalog data"
    return truncate(f"{origin} · Sources: " + " · ".join(parts), limits.EMBED_FOOTER)


def card_fields(card: FilmCard) -> list[Field]:
    """The card's fields in order of importance (the last ones give way first when space runs out)."""
    cast = [_cast_line(m) for m in card.cast[:CAST_SHOWN]]
    if len(card.cast) > CAST_SHOWN:
        cast.append(f"… and {len(card.cast) - CAST_SHOWN} more")
    return [
        Field("Director", cited_list(card.directors, ", "), inline=True),
        Field("Runtime", _runtime(card), inline=True),
        Field("Screenplay", cited_list(card.screenplay, ", "), inline=True),
        Field("Studios", cited_list(card.studios, "\n")),
        Field("Source work", _source_work(card)),
        Field("Released", cited_list(card.releases)),
        Field("Genres", cited_list(card.genres, ", ", details=False), inline=True),
        Field("Technique", cited_list(card.technique, ", "), inline=True),
        Field("Voice cast" if card.cast else "Cast", join_limited(cast, limits.EMBED_FIELD_VALUE)),
        Field("Music", cited_list(card.music, ", "), inline=True),
        Field("Character design", cited_list(card.character_design, ", "), inline=True),
        Field("Production", cited_list(card.production, ", ")),
        Field("Distribution", cited_list(card.distributors, ", ")),
        Field("Country", cited_list(card.countries, ", "), inline=True),
        Field("Language", cited_list(card.languages, ", "), inline=True),
        Field("Cinematography", cited_list(card.cinematography, ", "), inline=True),
        Field("Editing", cited_list(card.editing, ", "), inline=True),
        Field("Box office", _box_office(card)),
        Field("Budget", cited_list(card.budget)),
        Field("Tagline", cited_list(card.tagline)),
    ]


def card_embed(
    card: FilmCard,
    *,
    extra_fields: list[Field] | None = None,
    thumbnail: str | None = None,
    notice: str | None = None,
) -> discord.Embed:
    """The ``/film`` fact card; ``extra_fields`` (scores, say) go right after the headline facts;
    ``thumbnail``: the poster's address; ``notice``: a line a source's terms require (TMDB's), kept whole
    at the end of the footer however many sources there are."""
    lines = []
    if card.original_title and card.original_title != card.title:
        lines.append(f"*{plain(card.original_title)}*")
    if card.premise:
        lines.append(plain(card.premise))
    fields = card_fields(card)
    fields[3:3] = extra_fields or []
    footer = _footer(card)
    if notice:
        footer = f"{truncate(footer, limits.EMBED_FOOTER - len(notice) - 3)} · {notice}"
    embed = build_embed(
        title=card.label,
        description="\n\n".join(lines) or None,
        fields=fields,
        footer=footer,
        colour=CARD_COLOUR,
    )
    if thumbnail:
        embed.set_thumbnail(url=thumbnail)
    return embed
