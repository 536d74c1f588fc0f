"""How scores look in Discord: the /scores embed, the ratings and top lists, the /rate confirmation.

The one place that turns score dataclasses into embeds; buttons live in ``bot/scores/views.py``.
"""

from __future__ import annotations

import re

import discord

from bot.films.card import format_partial_date
from bot.films.render import source_date
from bot.scores.aggregate import OutsideScore, number
from bot.scores.models import Rating, RatingRemoved, RatingSaved, RatingsPage, ScoreSummary, TopPage
from bot.spoilers.safety import spoiler
from bot.ui import limits
from bot.ui.embeds import Field, build_embed
from bot.ui.text import join_limited, one_line, plain, truncate
from bot.where_to_watch.render import TMDB_NOTICE

SCORES_COLOUR = 0xE8B04B
MEMBERS_COLOUR = 0x3BA55D
SPOILER_REVIEW_MAX = 600


def chart_filename(summary: ScoreSummary) -> str:
    slug = re.sub(r"[^a-z0-9-]", "", summary.film.slug.lower())[:60] or "film"
    return f"scores-{slug}.png"


def review_text(rating: Rating, limit: int = 300) -> str:
    """A member's review as shown: escaped, and only ever inside spoiler tags when they marked it so."""
    if not rating.review:
        return ""
    if rating.spoiler:
        # The one spoiler renderer (bot.spoilers.safety): the review cannot escape its tag.
        return "(spoiler) " + spoiler(rating.review, limit)
    return plain(truncate(one_line(rating.review), limit))


def _sources(summary: ScoreSummary, score: OutsideScore) -> str:
    numbers = sorted(n for key in score.sources if (n := summary.source_number(key)) is not None)
    return "".join(f"[{n}]" for n in numbers)


def _when(score: OutsideScore) -> str:
    """The score's own date, or "undated" when no document that reports it gives one."""
    return f"as of {format_partial_date(score.as_of.isoformat())}" if score.dated else "undated"


def _site(score: OutsideScore) -> str:
    return plain(score.name) + ("" if score.site_named else " (site not named; not counted)")


def _average_line(summary: ScoreSummary, score: OutsideScore) -> str:
    assert score.scale is not None and score.normalized is not None
    votes = f" from {score.votes:,} votes" if score.votes else ""
    return (
        f"{_site(score)}: **{number(score.value)}**/{number(score.scale)}{votes} → {score.normalized:.0f}/100"
        f" · {_when(score)} {_sources(summary, score)}"
    ).strip()


def _approval_line(summary: ScoreSummary, score: OutsideScore) -> str:
    votes = f" of {score.votes:,} reviews" if score.votes else ""
    return (
        f"{_site(score)}: **{number(score.value)}%** liked it{votes} · {_when(score)} {_sources(summary, score)}"
    ).strip()


def _distribution(summary: ScoreSummary) -> str:
    members = summary.members
    if members is None:
        return ""
    return " · ".join(f"{number(value)} ×{count}" for value, count in members.distribution)


def _members_field(summary: ScoreSummary) -> str:
    members = summary.members
    if members is None:
        if summary.guild_id is None:
            return "Member ratings are per server; use /scores in a server."
        return "No member has rated this film here yet. `/rate` to add yours."
    prior = (
        f"the outside consensus {members.prior:.1f}"
        if members.prior_is_consensus
        else f"the neutral {members.prior:.0f} (no outside average)"
    )
    raters = "rating" if members.count == 1 else "ratings"
    return (
        f"Member score **{number(members.bayesian_out_of_10)}**/10 ({members.bayesian:.1f}/100)\n"
        f"Raw mean {number(members.mean)}/10 from {members.count} {raters}, weighed with {prior} "
        f"counted as {summary.breakdown.prior_weight} ratings\n"
        f"{_distribution(summary)}"
    )


def _method(summary: ScoreSummary) -> str:
    result = summary.breakdown
    if result.aggregate is None:
        return "No average rating from any source and no member rating, so there is no aggregate."
    inputs = " + ".join(f"{value:.1f}" for _, value in result.inputs)
    count = len(result.inputs)
    return (
        f"Aggregate = mean of {count} figure{'s' if count != 1 else ''} on 0–100: ({inputs}) / {count} "
        f"= **{result.aggregate:.1f}**. Ratings are scaled to 0–100 (/10 ×10, /5 ×20); approval "
        "percentages are shown beside them, never averaged in"
        + ("; a rating whose site is not named is shown but not counted." if _unnamed(summary) else ".")
    )


def _unnamed(summary: ScoreSummary) -> bool:
    return any(not s.site_named for s in summary.breakdown.averages)


def _footer(summary: ScoreSummary) -> str:
    cited = {
        key for score in (*summary.breakdown.averages, *summary.breakdown.approvals) for key in score.sources
    }
    parts = []
    for position, source in enumerate(summary.sources, start=1):
        if source.key in cited:
            name = source.title if not source.publisher else f"{source.publisher}: {source.title}"
            parts.append(f"[{position}] {truncate(name, 80)} ({source_date(source.as_of, source.dated)})")
    if not parts:
        return ""
    if any(s.key in cited and s.kind == "tmdb" for s in summary.sources):  # TMDB's terms ask for its notice
        room = limits.EMBED_FOOTER - len(TMDB_NOTICE) - 3
        return f"{truncate('Sources: ' + ' · '.join(parts), room)} · {TMDB_NOTICE}"
    return truncate("Sources: " + " · ".join(parts), limits.EMBED_FOOTER)


def scores_embed(summary: ScoreSummary, *, chart: str | None = None) -> discord.Embed:
    """The /scores embed; ``chart`` names the attached PNG to show as the embed's image."""
    result = summary.breakdown
    headline = (
        f"**Aggregate {result.aggregate:.0f}/100**"
        if result.aggregate is not None
        else "**No aggregate yet**"
    )
    if result.consensus is not None:
        headline += f" · outside consensus {result.consensus:.1f}/100"
    fields = [
        Field(
            "Ratings, each on its own scale",
            join_limited([_average_line(summary, s) for s in result.averages], limits.EMBED_FIELD_VALUE)
            or "No outside average rating is recorded for this film.",
        ),
        Field(
            "Approval (share who liked it, not averaged)",
            join_limited([_approval_line(summary, s) for s in result.approvals], limits.EMBED_FIELD_VALUE),
        ),
        Field("This server's members", _members_field(summary)),
        Field("How the aggregate is computed", _method(summary)),
    ]
    notes = [f"{plain(s.name)}: {plain(s.note)}" for s in (*result.averages, *result.approvals) if s.note]
    if notes:
        fields.append(Field("Notes", join_limited(notes, limits.EMBED_FIELD_VALUE)))
    embed = build_embed(
        title=f"Scores · {summary.film.label}",
        description=headline,
        fields=fields,
        footer=_footer(summary),
        colour=SCORES_COLOUR,
    )
    if chart:
        embed.set_image(url=f"attachment://{chart}")
    return embed


def rated_embed(saved: RatingSaved) -> discord.Embed:
    """The /rate confirmation, sent only after the rating is committed."""
    summary, rating, was = saved.summary, saved.change.rating, saved.change.previous
    if was is None:
        head = f"You rated **{plain(summary.film.label)}** **{number(rating.score)}**/10."
    elif was.score != rating.score:
        head = (
            f"You changed your rating of **{plain(summary.film.label)}** "
            f"from {number(was.score)} to **{number(rating.score)}**/10."
        )
    else:
        head = f"Your rating of **{plain(summary.film.label)}** stays **{number(rating.score)}**/10."
    lines = [head]
    if rating.review:
        lines.append(f"Your review: {review_text(rating)}")
    lines.append(f"Now: {summary.line}")
    return build_embed(title="Rating saved", description="\n".join(lines), colour=MEMBERS_COLOUR)


def removed_embed(gone: RatingRemoved) -> discord.Embed:
    removed, summary = gone.removed, gone.summary
    review = " and your review" if removed.review else ""
    return build_embed(
        title="Rating removed",
        description=(
            f"Your {number(removed.score)}/10 for **{plain(summary.film.label)}**{review} "
            f"{'are' if review else 'is'} gone.\nNow: {summary.line}"
        ),
        colour=MEMBERS_COLOUR,
    )


def ratings_embed(page: RatingsPage, summary: ScoreSummary) -> discord.Embed:
    if not page.ratings:
        description = "Nobody in this server has rated this film yet. Be the first: `/rate`."
    else:
        entries = []
        for rating in page.ratings:
            when = discord.utils.format_dt(rating.updated_at, "R")
            entry = f"<@{rating.user_id}> **{number(rating.score)}**/10 · {when}"
            if rating.review:
                entry += f"\n> {review_text(rating, 400)}"
            entries.append(entry)
        description = join_limited(entries, limits.EMBED_DESCRIPTION - 200, "\n\n")
    return build_embed(
        title=f"Ratings · {summary.film.label}",
        description=description,
        fields=[Field("Summary", summary.line)],
        footer=f"Page {page.page + 1} of {page.pages} · {page.total} rating{'s' if page.total != 1 else ''}",
        colour=MEMBERS_COLOUR,
    )


def top_embed(page: TopPage) -> discord.Embed:
    if not page.entries:
        hint = " Try `/top min_ratings:1`." if page.min_ratings > 1 else " `/rate` a film to start."
        description = f"No film has {page.min_ratings} or more member ratings here yet.{hint}"
    else:
        lines = [
            f"**{e.rank}.** {plain(e.film.label)} — **{number(e.members.bayesian_out_of_10)}**/10 "
            f"(mean {number(e.members.mean)} from {e.members.count})"
            for e in page.entries
        ]
        description = join_limited(lines, limits.EMBED_DESCRIPTION)
    return build_embed(
        title="This server's top films",
        description=description,
        footer=(
            f"Page {page.page + 1} of {page.pages} · {page.total} film{'s' if page.total != 1 else ''} with "
            f"at least {page.min_ratings} rating{'s' if page.min_ratings != 1 else ''} · ranked by member "
            "score: the mean shrunk toward the outside consensus (as if 10 more ratings at that value)"
        ),
        colour=MEMBERS_COLOUR,
    )
