"""How polls look: the poll message, the result, a member's ballot, the list. Embeds only; no I/O.

Member-typed text (question, options) goes through ``plain()`` in embeds, so it pings nobody and its
markdown shows literally. Component labels never render markdown or mentions, so they carry the raw text.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import discord

from bot.polls.models import Poll
from bot.polls.service import PollView
from bot.polls.tally import Round, Tally
from bot.ui import limits
from bot.ui.embeds import Field, build_embed
from bot.ui.text import join_limited, plain, truncate

POLL_COLOUR = 0x5865F2
CLOSED_COLOUR = 0x57F287
BAR_WIDTH = 12
RESULT_TITLE = "Result: "
MODE_HELP = {
    "single": "Pick one option.",
    "multi": "Pick up to {max} options.",
    "approval": "Pick every option you'd be happy with.",
    "ranked": "Rank the options in order of preference (instant-runoff).",
}


def _poll_ref(poll_id: int) -> str:
    return f"Poll #{poll_id} · "


def bar(share: float, width: int = BAR_WIDTH) -> str:
    """A text bar: ``share`` of ``width`` blocks filled, in eighths."""
    eighths = round(max(0.0, min(1.0, share)) * width * 8)
    full, part = divmod(eighths, 8)
    partial = " ▏▎▍▌▋▊▉"[part].strip() if part else ""
    return ("█" * full + partial).ljust(width, "·") if full or partial else "·" * width


def percent(share: float) -> str:
    return f"{share * 100:.0f}%" if share == 0 or share >= 0.01 else "<1%"


def option_name(poll: Poll, position: int, limit: int | None = None) -> str:
    return plain(poll.options[position].label, limit)


def _label_budget(poll: Poll) -> int:
    # Keep the description within Discord's 4,096 characters with 25 options, bars and details included.
    per_option = (limits.EMBED_DESCRIPTION - 200) // max(len(poll.options), 1)
    details = 60 if any(o.detail for o in poll.options) else 0
    return max(24, min(160, per_option - 45 - details))


def _option_lines(poll: Poll, tally: Tally | None, counts: Sequence[int] | None = None) -> list[str]:
    budget = _label_budget(poll)
    lines = []
    shown = counts if counts is not None else (tally.counts if tally else None)
    for option in poll.options:
        line = f"**{option.position + 1}.** {option_name(poll, option.position, budget)}"
        if option.detail:
            line += f"\n-# {plain(option.detail, 60)}"
        if tally is not None and shown is not None:
            votes = shown[option.position]
            share = votes / tally.ballots if tally.ballots else 0.0
            line += f"\n`{bar(share)}` {votes} · {percent(share)}"
        lines.append(line)
    return lines


def _rules(poll: Poll) -> str:
    parts = [MODE_HELP[poll.mode].format(max=poll.max_choices)]
    if poll.anonymous:
        parts.append("Anonymous: who voted for what is never shown, not even to moderators.")
    if poll.hide_results and poll.is_open:
        parts.append("Results stay hidden until the poll closes.")
    if poll.role_id is not None:
        parts.append(f"Only members with <@&{poll.role_id}> can vote.")
    parts.append("You can change or retract your ballot until the poll closes.")
    return "\n".join(parts)


def poll_embed(view: PollView) -> discord.Embed:
    poll = view.poll
    lines = _option_lines(poll, view.tally)
    if poll.is_open:
        status = f"Closes {discord.utils.format_dt(poll.closes_at, 'R')} ({discord.utils.format_dt(poll.closes_at, 'f')})"
    else:
        assert poll.closed_at is not None
        status = f"Closed {discord.utils.format_dt(poll.closed_at, 'R')}; the result is posted below."
    ballots = f"{view.ballots} ballot{'s' if view.ballots != 1 else ''}"
    return build_embed(
        title=truncate(plain(poll.question), limits.EMBED_TITLE),
        description=join_limited(lines, limits.EMBED_DESCRIPTION - 10, "\n"),
        fields=[Field("Status", f"{status}\n{ballots}"), Field("How to vote", _rules(poll))],
        footer=f"Poll #{poll.id} · {poll.mode}",
        colour=POLL_COLOUR if poll.is_open else CLOSED_COLOUR,
    )


def winner_line(poll: Poll, tally: Tally) -> str:
    if not tally.winners:
        return "No votes were cast." if not tally.ballots else "No option received a vote."
    names = [f"**{option_name(poll, w, 120)}**" for w in tally.winners]
    if tally.tie:
        return "It's a tie between " + ", ".join(names[:-1]) + f" and {names[-1]}."
    return f"Winner: {names[0]}"


def _round_text(poll: Poll, round_: Round, budget: int) -> str:
    live = sorted(
        ((c, i) for i, c in enumerate(round_.counts) if c is not None), key=lambda pair: (-pair[0], pair[1])
    )
    parts = [f"{option_name(poll, i, 40)} {c}" for c, i in live]
    text = join_limited(parts, max(budget - 120, 60), " · ")
    if round_.exhausted:
        text += f"\nExhausted ballots: {round_.exhausted}"
    if round_.eliminated:
        text += "\nEliminated: " + ", ".join(option_name(poll, i, 40) for i in round_.eliminated)
    return truncate(text, budget)


def result_embed(view: PollView, *, chart_name: str | None = None) -> discord.Embed:
    poll = view.poll
    assert view.tally is not None, "a result is only rendered once results are visible"
    tally = view.tally
    counts = tally.final_counts
    lines = _option_lines(poll, tally, counts)
    heading = winner_line(poll, tally)
    fields: list[Field] = []
    if tally.rounds:
        budget = min(limits.EMBED_FIELD_VALUE, 2400 // len(tally.rounds))
        fields = [
            Field(f"Round {r.number}", _round_text(poll, r, budget), inline=False) for r in tally.rounds[:20]
        ]
        heading += "\nCounts below are the final round's; first preferences are in round 1."
    when = poll.closed_at or poll.closes_at
    ballots = f"{tally.ballots} ballot{'s' if tally.ballots != 1 else ''}"
    embed = build_embed(
        title=truncate(RESULT_TITLE + plain(poll.question), limits.EMBED_TITLE),
        description=join_limited([heading, "", *lines], 3800, "\n"),
        fields=[*fields, Field("Closed", f"{discord.utils.format_dt(when, 'F')} · {ballots}")],
        footer=f"{_poll_ref(poll.id)}{poll.mode}" + (" · anonymous" if poll.anonymous else ""),
        colour=CLOSED_COLOUR,
    )
    if chart_name:
        embed.set_image(url=f"attachment://{chart_name}")
    return embed


def is_result_of(poll_id: int, title: str | None, footer: str | None) -> bool:
    """Is an embed with this title and footer the result of poll ``poll_id`` (as ``result_embed`` made it)?"""
    return (title or "").startswith(RESULT_TITLE) and (footer or "").startswith(_poll_ref(poll_id))


def hidden_results_embed(view: PollView) -> discord.Embed:
    poll = view.poll
    return build_embed(
        title=truncate(plain(poll.question), limits.EMBED_TITLE),
        description=(
            f"The results of this poll are hidden until it closes "
            f"{discord.utils.format_dt(poll.closes_at, 'R')}. Ballots so far: {view.ballots}."
        ),
        footer=f"Poll #{poll.id}",
        colour=POLL_COLOUR,
    )


def ballot_text(poll: Poll, choices: Sequence[int] | None) -> str:
    if not choices:
        return "You have no ballot on this poll."
    if poll.mode == "ranked":
        return "Your ranking:\n" + "\n".join(
            f"{rank}. {option_name(poll, c, 100)}" for rank, c in enumerate(choices, start=1)
        )
    names = [option_name(poll, c, 100) for c in choices]
    return "Your vote: " + ", ".join(f"**{n}**" for n in names)


STATUS_TITLES = {
    "new": "Vote recorded",
    "changed": "Vote changed",
    "unchanged": "Vote unchanged",
    "retracted": "Ballot retracted",
    "none": "Nothing to retract",
}


def ballot_embed(poll: Poll, status: str, choices: Sequence[int] | None) -> discord.Embed:
    """The ephemeral confirmation, sent once the ballot is committed."""
    description = ballot_text(poll, choices)
    if status in ("new", "changed", "unchanged"):
        description += "\nYou can change or retract it until the poll closes."
    return build_embed(
        title=STATUS_TITLES.get(status, "Your ballot"),
        description=description,
        footer=f"Poll #{poll.id} · {truncate(poll.question, 100)}",
        colour=POLL_COLOUR,
    )


def my_ballot_embed(poll: Poll, choices: Sequence[int] | None) -> discord.Embed:
    description = ballot_text(poll, choices)
    if poll.anonymous and not poll.is_open:
        description = "This anonymous poll has closed, and ballots are no longer linked to anyone."
    return build_embed(
        title="Your ballot",
        description=description,
        footer=f"Poll #{poll.id} · {truncate(poll.question, 100)}",
        colour=POLL_COLOUR,
    )


def ranking_embed(poll: Poll, ranking: Sequence[int], current: Sequence[int] | None) -> discord.Embed:
    lines = [f"{rank}. {option_name(poll, c, 100)}" for rank, c in enumerate(ranking, start=1)]
    if ranking:
        so_far = "Your ranking so far:\n" + "\n".join(lines)
    else:
        so_far = "Pick your favourite first, then your next choices; rank as many as you like."
    fields = [Field("Your ballot now", ballot_text(poll, current))] if current else []
    return build_embed(
        title=truncate("Rank: " + plain(poll.question), limits.EMBED_TITLE),
        description=so_far + "\n\nPress **Submit** when done; nothing is recorded until then.",
        fields=fields,
        footer=f"Poll #{poll.id} · instant-runoff",
        colour=POLL_COLOUR,
    )


def open_polls_embed(polls: Sequence[Poll], now: datetime) -> discord.Embed:
    if not polls:
        return build_embed(
            title="Open polls", description="No poll is open in this server.", colour=POLL_COLOUR
        )
    lines = []
    for poll in polls:
        where = poll.link(poll.message_id) if poll.message_id else None
        question = plain(poll.question, 100)
        title = f"[{question}]({where})" if where else question
        lines.append(
            f"**#{poll.id}** {title}\n{poll.mode} · closes {discord.utils.format_dt(poll.closes_at, 'R')} "
            f"({discord.utils.format_dt(poll.closes_at, 'f')})"
        )
    return build_embed(
        title="Open polls",
        description=join_limited(lines, 4000),
        footer=f"{len(polls)} open",
        colour=POLL_COLOUR,
    )
