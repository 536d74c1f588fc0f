"""How Letterboxd looks in Discord: a diary post, the import summary, and the answers to /letterboxd.

Everything a member wrote on Letterboxd (titles, reviews) is shown literally (``plain``: markdown escaped,
mentions defused); a review Letterboxd marks as containing spoilers only ever inside spoiler tags, from
the one spoiler renderer (``bot.spoilers.safety``).
"""

from __future__ import annotations

from datetime import date, datetime

import discord

from bot.letterboxd.models import (
    DiaryPost,
    FollowList,
    FollowResult,
    FollowStatus,
    ImportedRating,
    ImportSummary,
)
from bot.scores.aggregate import number
from bot.spoilers.safety import spoiler
from bot.ui.embeds import Field, build_embed
from bot.ui.text import join_limited, plain, truncate

LETTERBOXD_COLOUR = 0xFF8000
REVIEW_SHOWN = 1200  # characters of a review in a post; the entry's link has the rest
EXAMPLES = 6  # films named per kind in the import summary
MISSING_NAMED = 12


def stars(rating: float) -> str:
    """Letterboxd's stars: 3.5 → ★★★½, 0.5 → ½."""
    whole = int(rating)
    return "★" * whole + ("½" if rating - whole >= 0.5 else "")


def when(at: datetime, style: str = "f") -> str:
    return f"<t:{int(at.timestamp())}:{style}>"


def day(value: date) -> str:
    """A calendar day as text (not a Discord timestamp: a day is the same day in every zone)."""
    return f"{value.day} {value:%B %Y}"


def film_label(title: str, year: int | None) -> str:
    return f"{title} ({year})" if year else title


# -- diary posts --------------------------------------------------------------------------------------


def _review(post: DiaryPost) -> str:
    entry = post.pending.entry
    if not entry.review:
        return ""
    if entry.spoiler:
        # The only text of the review outside the tag is this label: the review cannot escape it.
        return "Review (contains spoilers): " + spoiler(entry.review, REVIEW_SHOWN)
    return plain(truncate(entry.review, REVIEW_SHOWN))


def diary_embed(post: DiaryPost) -> discord.Embed:
    pending = post.pending
    entry = pending.entry
    line = [f"<@{pending.user_id}> watched it" + (f" on {day(entry.watched_on)}" if entry.watched_on else "")]
    if entry.rating is not None:
        line.append(f"**{stars(entry.rating)}** ({number(entry.rating * 2)}/10)")
    if entry.rewatch:
        line.append("↻ rewatch")
    if entry.liked:
        line.append("♥ liked")
    parts = [" · ".join(line)]
    review = _review(post)
    if review:
        parts.append(review)
    if pending.more:
        entries = "entry" if pending.more == 1 else "entries"
        parts.append(f"…and {pending.more} more new diary {entries}: {post.profile_url}films/diary/")
    embed = build_embed(
        title=plain(film_label(entry.film_title, entry.film_year)),
        description="\n\n".join(parts),
        footer="Letterboxd diary" + (" · in this server's catalog" if post.film else ""),
        colour=LETTERBOXD_COLOUR,
    )
    if entry.link:
        embed.url = entry.link
    embed.set_author(name=truncate(f"{pending.username} on Letterboxd", 256), url=post.profile_url)
    if entry.poster:
        embed.set_thumbnail(url=entry.poster)
    return embed


# -- the import summary -------------------------------------------------------------------------------


def _change(rating: ImportedRating) -> str:
    film = plain(rating.film.label)
    score = number(rating.score)
    if rating.outcome == "added":
        return f"{film}: {score}/10"
    previous = number(rating.previous) if rating.previous is not None else "?"
    if rating.outcome == "replaced":
        return f"{film}: {previous} → **{score}**/10 (Letterboxd, {day(rating.rated_on)})"
    changed = f", rated here {when(rating.previous_at, 'D')}" if rating.previous_at else ""
    return f"{film}: kept **{previous}**/10{changed}; Letterboxd {score}/10 on {day(rating.rated_on)}"


def _listed(items: list[str], most: int, sep: str = "\n") -> str:
    """At most ``most`` items within a field, then how many were left out."""
    rest = len(items) - min(len(items), most)
    return join_limited(items[:most], 1000, sep) + (f"{sep}… and {rest} more" if rest else "")


def _examples(summary: ImportSummary, outcome: str) -> str:
    return _listed([_change(r) for r in summary.imported if r.outcome == outcome], EXAMPLES)


def _unmatched(summary: ImportSummary) -> list[Field]:
    fields = []
    if summary.missing:
        names = [plain(film_label(r.name, r.year)) for r in summary.missing]
        fields.append(
            Field(
                f"Not in this server's catalog ({len(names)})",
                _listed(names, MISSING_NAMED, " · "),
            )
        )
    if summary.ambiguous:
        names = [plain(film_label(r.name, r.year)) for r in summary.ambiguous]
        fields.append(
            Field(
                f"Several films of that title and year ({len(names)})",
                _listed(names, MISSING_NAMED, " · ") + "\nRate them with `/rate`, picking the film.",
            )
        )
    return fields


def import_embed(summary: ImportSummary) -> discord.Embed:
    added, replaced = summary.count("added"), summary.count("replaced")
    kept, same = summary.count("kept"), summary.count("same")
    lines = [
        f"Read **{summary.source}**: {summary.rated} rated films, **{len(summary.imported)}** of them in "
        "this server's catalog.",
        f"**{added}** new · **{replaced}** updated (Letterboxd's was newer) · **{kept}** kept (yours here was "
        f"as new or newer) · **{same}** already the same.",
    ]
    skipped = []
    if summary.unrated:
        skipped.append(f"{summary.unrated} rows without a rating")
    if summary.bad_lines:
        shown = ", ".join(str(n) for n in summary.bad_lines[:10]) + (
            "…" if len(summary.bad_lines) > 10 else ""
        )
        skipped.append(f"{len(summary.bad_lines)} unreadable rows (line {shown})")
    if skipped:
        lines.append("Skipped: " + "; ".join(skipped) + ".")
    fields = [
        Field(f"Updated from Letterboxd ({replaced})", _examples(summary, "replaced")),
        Field(f"Kept this server's rating ({kept})", _examples(summary, "kept")),
        Field(f"New ratings ({added})", _examples(summary, "added")),
        *_unmatched(summary),
    ]
    return build_embed(
        title="Letterboxd import",
        description="\n".join(lines),
        fields=fields,
        footer="Stars × 2 = this server's score (★★★½ → 7/10). The newer rating wins: one here is replaced "
        "only by a Letterboxd rating from a later day.",
        colour=LETTERBOXD_COLOUR,
    )


# -- following ----------------------------------------------------------------------------------------


def follow_text(result: FollowResult) -> str:
    instead = f" (instead of **{plain(result.replaced)}**)" if result.replaced else ""
    text = (
        f"Following **{plain(result.username)}** on Letterboxd{instead}: new diary entries will appear in "
        f"<#{result.channel_id}>, checked every 30 minutes. "
    )
    if result.posted:
        text += f"Posted {result.posted} from the last 7 days so you can see it work."
    elif not result.failed:
        text += "No diary entries from the last 7 days; the next one you log will appear."
    if result.failed:
        text += f"\nCould not post there: {plain(result.failed[0])}. Ask a moderator to check the channel."
    return text


def unfollow_text(username: str, user_id: int, by: int) -> str:
    who = "You no longer follow" if user_id == by else f"<@{user_id}> no longer follows"
    return f"{who} **{plain(username)}** on Letterboxd here; nothing more will be posted from that diary."


def status_embed(status: FollowStatus, profile_url: str) -> discord.Embed:
    feed = status.feed
    if feed.failures:
        health = f"failing ({feed.failures}× in a row): {plain(feed.last_error or 'unknown')}"
    else:
        health = f"fine, last read {when(feed.ok_at, 'R')}" if feed.ok_at else "not read yet"
    fields = [
        Field(
            "Posting in",
            f"<#{status.channel_id}>" if status.channel_id else "nowhere: no channel is set",
            True,
        ),
        Field("Following since", when(status.follow.created_at, "D"), True),
        Field("Feed", health),
        Field("Next check", when(feed.next_poll_at, "R") if feed.next_poll_at else "soon", True),
        Field(
            "Posted here", f"{status.posted}" + (f" ({status.failed} refused)" if status.failed else ""), True
        ),
    ]
    if status.last_failure:
        fields.append(Field("Last refusal", plain(status.last_failure)))
    return build_embed(
        title=f"Letterboxd: {plain(status.follow.username)}",
        description=profile_url,
        fields=fields,
        colour=LETTERBOXD_COLOUR,
    )


def following_embed(listing: FollowList) -> discord.Embed:
    lines = [f"<@{f.user_id}> → **{plain(f.username)}**" for f in listing.follows]
    where = (
        f"Posting in <#{listing.channel_id}>."
        if listing.channel_id
        else "No channel is set: nothing is posted."
    )
    body = join_limited(lines, 3500) if lines else "Nobody yet: `/letterboxd follow username:…`."
    return build_embed(
        title=f"Letterboxd diaries followed here ({len(lines)})",
        description=f"{where}\n\n{body}",
        colour=LETTERBOXD_COLOUR,
    )


def channel_set_text(channel: discord.abc.GuildChannel | None) -> str:
    if channel is None:
        return (
            "Letterboxd diary posts are off here. Follows are kept; entries logged meanwhile are not posted."
        )
    return (
        f"Members' Letterboxd diary entries will be posted in {channel.mention}. "
        "Each member starts with `/letterboxd follow username:…`."
    )
