"""Every /plot message passes the spoiler test and Discord's limits, for the real film and any plot."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.films.models import FilmSummary, PlotSection
from bot.films.service import FilmService
from bot.spoilers import render
from bot.spoilers.models import PlotPhases, PlotReveal
from bot.spoilers.safety import discord_len
from bot.spoilers.service import PlotService, group_phases, public_refusal
from bot.spoilers.views import NextPhaseButton, OpenPlotButton, next_view, plot_messages
from bot.store import Store
from bot.ui import limits
from tests.spoilers.checks import assert_no_spoiler_leak, payload_of, revealed, words
from tests.spoilers.test_safety import TRICKS

FILM = FilmSummary(id=7, slug="x", title="A Film", year=2025)


def assert_within_limits(payload: dict[str, object]) -> None:
    embeds = payload["embeds"]
    assert isinstance(embeds, list)
    total = 0
    for embed in embeds:
        assert discord_len(embed["title"]) <= limits.EMBED_TITLE
        assert discord_len(embed.get("description") or "") <= limits.EMBED_DESCRIPTION
        assert len(embed.get("fields", [])) <= limits.EMBED_FIELDS
        total += discord_len(embed["title"]) + discord_len(embed.get("description") or "")
        total += discord_len(embed.get("footer", {}).get("text", ""))
        for field in embed.get("fields", []):
            assert 0 < discord_len(field["name"]) <= limits.EMBED_FIELD_NAME
            assert 0 < discord_len(field["value"]) <= limits.EMBED_FIELD_VALUE
            total += discord_len(field["name"]) + discord_len(field["value"])
    assert total <= limits.EMBED_TOTAL


def messages(reveal: PlotReveal) -> list[dict[str, object]]:
    """The payloads ``send_reveal`` sends: one per embed, the view on the last, no content."""
    return [payload_of(embeds=[embed], view=view) for embed, view in plot_messages(reveal)]


@pytest.fixture
async def film(catalog_store: Store) -> FilmSummary:
    films = FilmService(catalog_store)
    return await films.resolve("100-meters")


async def test_every_reveal_of_the_real_film_passes(catalog_store: Store, film: FilmSummary) -> None:
    service = PlotService(catalog_store)
    phases = await service.phases(film)
    premise = [p.text for p in phases if p.is_premise]
    secrets = [p.text for p in phases if not p.is_premise]
    reveals = [await service.reveal(film)]
    reveals += [await service.reveal(film, p.name) for p in phases]
    reveals += [await service.next_after(film, p.level) for p in phases[:-1]]
    for reveal in reveals:
        for payload in messages(reveal):
            assert payload["content"] is None
            assert_no_spoiler_leak(payload, secrets, allowed=premise)
            assert_within_limits(payload)
        # Everything a reveal shows is there to read once opened.
        hidden = " ".join(
            revealed(field.value or "") for embed in render.plot_embeds(reveal) for field in embed.fields
        )
        for phase in reveal.shown:
            assert " ".join(words(phase.text)) in " ".join(words(hidden))


async def test_premise_in_the_clear_and_phase_names_outside_the_tags(
    catalog_store: Store, film: FilmSummary
) -> None:
    reveal = await PlotService(catalog_store).reveal(film)
    (embed,) = render.plot_embeds(reveal)
    assert embed.title == "100 Meters (2025) · plot"
    assert embed.description is not None and embed.description.startswith("Sprinting has always come easily")
    names = [f.name for f in embed.fields]
    assert names[0] == "Childhood" and "The final race" in names
    assert all(str(f.value).startswith("||") and str(f.value).endswith("||") for f in embed.fields)


async def test_next_phase_button(catalog_store: Store, film: FilmSummary) -> None:
    reveal = await PlotService(catalog_store).reveal(film, "Childhood")
    view = next_view(reveal)
    assert view is not None and view.timeout is None
    (button,) = view.children
    assert isinstance(button, NextPhaseButton)
    assert button.item.custom_id == f"filmbot:plot:next:{film.id}:1"
    assert button.item.label == "Next phase: High school"
    assert next_view(await PlotService(catalog_store).reveal(film)) is None
    assert OpenPlotButton(film.id).item.custom_id == f"filmbot:plot:open:{film.id}"


sections = st.lists(
    st.tuples(
        st.sampled_from(["Premise", "Act one", "Act two", "Twist", "End"]),
        st.one_of(
            st.lists(st.one_of(st.sampled_from(TRICKS), st.text(max_size=20)), max_size=400).map("".join),
            st.builds(lambda w, n: " ".join([w] * n), st.text(min_size=1, max_size=30), st.integers(1, 900)),
        ),
    ),
    min_size=1,
    max_size=8,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sections=sections, upto=st.integers(0, 8))
def test_any_plot_renders_spoiler_safe_and_within_limits(sections: list[tuple[str, str]], upto: int) -> None:
    plot = tuple(PlotSection(i, name, i, text) for i, (name, text) in enumerate(sections))
    phases = group_phases(plot)
    level = min(upto, max(p.level for p in phases))
    reveal = PlotService._build(FILM, PlotPhases(phases), level)
    secrets = [p.text for p in phases if not p.is_premise]
    allowed = [p.text for p in phases if p.is_premise] + [p.name for p in phases]
    for payload in messages(reveal):
        assert_no_spoiler_leak(payload, secrets, allowed=allowed)
        assert_within_limits(payload)


def test_public_refusal_names_the_spoiler_channels() -> None:
    assert "<#11>, <#12>" in public_refusal([11, 12])
    assert "/spoilers channel add" in public_refusal([])
