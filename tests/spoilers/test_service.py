"""Which phases /plot shows: grouping, matching ``upto``, one more phase at a time, spoiler channels."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.errors import BadInput, NotFound
from bot.films.models import FilmSummary, PlotSection
from bot.films.service import FilmService
from bot.spoilers.service import PlotService, group_phases, match_phase
from bot.store import Store

PHASES = ["Premise", "Childhood", "High school", "Adulthood", "The final race"]


@pytest.fixture
async def film(catalog_store: Store) -> FilmSummary:
    films = FilmService(catalog_store)
    return await films.resolve("100-meters")


@pytest.fixture
def service(catalog_store: Store) -> PlotService:
    return PlotService(catalog_store)


async def test_phases_in_story_order_with_levels(service: PlotService, film: FilmSummary) -> None:
    phases = await service.phases(film)
    assert [p.name for p in phases] == PHASES
    assert [p.level for p in phases] == [0, 1, 2, 3, 4]
    assert phases[0].is_premise and not phases[1].is_premise


def test_group_phases_joins_consecutive_sections_of_one_phase() -> None:
    sections = (
        PlotSection(3, "Later", 2, "c"),
        PlotSection(1, "Start", 0, "a"),
        PlotSection(2, "Later", 2, "b"),
    )
    (start, later) = group_phases(sections)
    assert start.name == "Start" and later.text == "b\n\nc"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("High school", "High school"), ("high SCHOOL", "High school"), ("adult", "Adulthood"),
     ("final", "The final race"), ("the final race!", "The final race"), ("2", "High school")],
)  # fmt: skip
async def test_match_phase(service: PlotService, film: FilmSummary, typed: str, expected: str) -> None:
    assert match_phase(await service.phases(film), typed).name == expected


async def test_unknown_phase_lists_the_phases(service: PlotService, film: FilmSummary) -> None:
    with pytest.raises(BadInput) as caught:
        await service.reveal(film, "the sequel")
    assert "“the sequel” is not a phase" in caught.value.message
    assert list(caught.value.hints) == PHASES


async def test_default_reveals_every_phase(service: PlotService, film: FilmSummary) -> None:
    reveal = await service.reveal(film)
    assert [p.name for p in reveal.premise] == ["Premise"]
    assert [p.name for p in reveal.shown] == PHASES[1:]
    assert reveal.next_phase is None and reveal.with_premise


@pytest.mark.parametrize("index", range(len(PHASES)))
async def test_upto_each_phase(service: PlotService, film: FilmSummary, index: int) -> None:
    reveal = await service.reveal(film, PHASES[index])
    assert [p.name for p in reveal.shown] == PHASES[1 : index + 1]
    assert reveal.level == index
    expected_next = PHASES[index + 1] if index + 1 < len(PHASES) else None
    assert (reveal.next_phase.name if reveal.next_phase else None) == expected_next


async def test_next_phase_one_at_a_time_until_the_end(service: PlotService, film: FilmSummary) -> None:
    level = 0
    seen = []
    while True:
        step = await service.next_after(film, level)
        assert not step.with_premise and len(step.shown) == 1
        seen.append(step.shown[0].name)
        grown = await service.grown(film, level)
        assert [p.name for p in grown.shown] == seen
        level = step.level
        if step.next_phase is None:
            break
    assert seen == PHASES[1:]
    with pytest.raises(NotFound, match="last phase"):
        await service.next_after(film, level)


async def test_a_film_without_plot(store: Store) -> None:
    ghost = FilmSummary(id=999, slug="ghost", title="Ghost", year=None)
    with pytest.raises(NotFound, match="no plot summary"):
        await PlotService(store).reveal(ghost)


async def test_autocomplete_gives_phase_names_only(service: PlotService, film: FilmSummary) -> None:
    assert await service.phase_names(film, "") == PHASES
    assert await service.phase_names(film, "h") == ["High school", "Childhood", "Adulthood", "The final race"]
    assert await service.phase_names(film, "race") == ["The final race"]


async def test_spoiler_channels(store: Store) -> None:
    service = PlotService(store)
    at = datetime(2026, 1, 2, tzinfo=UTC)
    assert not await service.may_post_publicly(1, 10)
    assert await service.add_channel(1, 10, 5, at)
    assert not await service.add_channel(1, 10, 6, at)  # already marked: kept, not duplicated
    assert await service.add_channel(1, 11, 5, at)
    assert await service.spoiler_channels(1) == [10, 11]
    assert await service.spoiler_channels(2) == []
    assert await service.may_post_publicly(1, 10)
    assert await service.may_post_publicly(1, 99, 11)  # a thread whose parent is marked
    assert not await service.may_post_publicly(2, 10)  # another server
    assert not await service.may_post_publicly(None, 10)  # a DM
    assert await service.remove_channel(1, 10)
    assert not await service.remove_channel(1, 10)
    assert await service.spoiler_channels(1) == [11]
    (row,) = await store.spoilers.channels(1)
    assert row.added_by == 5 and row.added_at == at
