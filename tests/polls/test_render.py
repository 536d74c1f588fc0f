"""Rendering polls at Discord's limits, with hostile text, and the result chart."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.polls import render
from bot.polls.chart import render_png
from bot.polls.models import Poll, PollOption
from bot.polls.service import PollView
from bot.polls.tally import tally
from bot.polls.views import VoteSelect, decode_ranking, encode_ranking, poll_view, ranking_view
from bot.ui import limits

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def make_poll(
    labels: list[str], *, mode: str = "single", closed: bool = False, poll_id: int = 9_999_999_999
) -> Poll:
    return Poll(
        id=poll_id,
        guild_id=1,
        channel_id=2,
        message_id=3,
        author_id=4,
        kind="plain",
        question="@everyone <@&1> **Which** one? " + "x" * 160,
        mode=mode,  # type: ignore[arg-type]
        max_choices=1 if mode == "single" else len(labels),
        anonymous=False,
        hide_results=False,
        role_id=None,
        created_at=NOW,
        closes_at=NOW + timedelta(days=32),
        closed_at=NOW if closed else None,
        closed_by=None,
        result_message_id=None,
        options=tuple(PollOption(i, label, None, "Score 87/100 " * 3) for i, label in enumerate(labels)),
    )


def hostile_labels() -> list[str]:
    return [f"@everyone <@{i}> **b** __u__ ||s|| `c` [l](http://x.y) {i:02d} " + "*" * 20 for i in range(25)]


def test_25_hostile_options_fit_and_ping_nobody() -> None:
    labels = [label[:80] for label in hostile_labels()]
    poll = make_poll(labels)
    ballots = [(i % 25,) for i in range(1000)]
    embed = render.poll_embed(PollView(poll, 1000, tally("single", 25, ballots)))
    assert len(embed) <= limits.EMBED_TOTAL
    assert embed.description is not None and len(embed.description) <= limits.EMBED_DESCRIPTION
    text = (embed.title or "") + embed.description
    assert "@everyone" not in text and "<@1>" not in text and "<@&1>" not in text
    assert "25." in embed.description  # every option is listed
    view = poll_view(poll)
    assert view is not None
    [select] = [c.item for c in view.children if isinstance(c, VoteSelect)]
    assert len(select.options) == 25
    assert all(len(getattr(c, "custom_id", "") or "") <= limits.CUSTOM_ID for c in view.children)


def test_result_with_every_round_fits() -> None:
    labels = [label[:80] for label in hostile_labels()]
    poll = make_poll(labels, mode="ranked", closed=True)
    ballots = [tuple((i + k) % 25 for k in range(25)) for i in range(25)] + [(0,)]
    result = tally("ranked", 25, ballots)
    embed = render.result_embed(PollView(poll, len(ballots), result), chart_name="c.png")
    assert len(embed) <= limits.EMBED_TOTAL
    assert "Winner" in (embed.description or "")
    assert any(f.name == "Round 1" for f in embed.fields)


def test_tie_is_reported_as_a_tie() -> None:
    poll = make_poll(["Heat", "Ronin"], closed=True)
    embed = render.result_embed(PollView(poll, 2, tally("single", 2, [(0,), (1,)])))
    assert "tie between **Heat** and **Ronin**" in (embed.description or "")


def test_ranking_custom_ids_stay_within_limits() -> None:
    poll = make_poll([f"O{i}" for i in range(25)], mode="ranked")
    ranking = tuple(range(24, -1, -1))
    assert decode_ranking(encode_ranking(ranking)) == ranking
    for partial in (ranking[:1], ranking[:24], ranking):
        view = ranking_view(poll, partial)
        assert all(len(getattr(c, "custom_id", "") or "") <= limits.CUSTOM_ID for c in view.children)


def test_bars() -> None:
    assert render.bar(0.0) == "·" * render.BAR_WIDTH
    assert render.bar(1.0) == "█" * render.BAR_WIDTH
    assert len(render.bar(0.37)) == render.BAR_WIDTH


def test_chart_is_a_png_even_with_dollar_signs() -> None:
    png = render_png("Cost $5 or $10?", ["$5 film", "$10 film", "free"], [3, 1, 0], [0])
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 1000
