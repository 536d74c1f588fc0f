"""``filmbot films enrich`` as an administrator runs it: a subprocess against the local Wikidata."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.catalog.loader import load_cards
from bot.store import Store
from tests.enrich import wikidata_items as items
from tests.enrich.fake_api import Fault
from tests.enrich.wikidata_server import FakeWikidata
from tests.startup._cli import CONFIG, FILMS_DIR, environment, filmbot, one_sentence


@pytest.fixture
async def database(tmp_path: Path) -> Path:
    path = tmp_path / "filmbot.sqlite3"
    store = await Store.open(path)
    try:
        assert (await load_cards(store, FILMS_DIR)).ok
    finally:
        await store.close()
    return path


def online(database: Path, wikidata: FakeWikidata) -> dict[str, str]:
    return environment(
        database, FILMBOT_ONLINE="on", FILMBOT_WIKIDATA_API=wikidata.api, FILMBOT_CONTACT="ops@example.org"
    )


async def test_titles_are_fetched_and_one_the_catalog_lacks_is_added(
    database: Path, wikidata: FakeWikidata, tmp_path: Path
) -> None:
    done = await filmbot(
        "films", "enrich", "100-meters", items.TITLE, env=online(database, wikidata), cwd=tmp_path
    )
    assert done.status == 0, done.stderr
    lines = done.stdout.splitlines()
    assert any(line.startswith("[1/2] 100 Meters (2025): Wikidata has no film item") for line in lines), lines
    assert f"[2/2] {items.TITLE} (2024): ok" in lines
    assert lines[-1].startswith("2 film(s) enriched in ")
    assert "0 with a fetch that failed" in lines[-1]
    # A bulk run is not interactive: Wikimedia's maxlag is on every request.
    assert wikidata.log and all(r.query.get("maxlag") == "5" for r in wikidata.log)
    store = await Store.open(database)
    try:
        added = await store.films.get("the-lighthouse-at-noon-2024")
    finally:
        await store.close()
    assert added is not None and any(c.role == "director" for c in added.credits)


async def test_all_older_than_skips_films_fetched_since(
    database: Path, wikidata: FakeWikidata, tmp_path: Path
) -> None:
    env = online(database, wikidata)
    first = await filmbot("films", "enrich", "--all", env=env, cwd=tmp_path)
    assert first.status == 0, first.stderr
    assert first.stdout.splitlines()[-1].startswith("1 film(s) enriched")
    again = await filmbot("films", "enrich", "--all", "--older-than", "7", env=env, cwd=tmp_path)
    assert again.status == 0, again.stderr
    assert again.stdout.splitlines()[-1].startswith("0 film(s) enriched")


async def test_a_failing_wikidata_is_status_1(database: Path, wikidata: FakeWikidata, tmp_path: Path) -> None:
    wikidata.fail(Fault.server_error(500), times=100)
    done = await filmbot("films", "enrich", "100-meters", env=online(database, wikidata), cwd=tmp_path)
    assert done.status == 1
    assert "[1/1] 100 Meters (2025): Wikidata: answered with an error (500)" in done.stdout
    assert "1 with a fetch that failed" in done.stdout


@pytest.mark.parametrize(
    ("args", "says"),
    [
        ((), "needs one or more titles, or --all"),
        (("x", "--all"), "not both"),
        (("x", "--older-than", "3"), "--older-than goes with --all"),
    ],
)
async def test_bad_arguments_are_one_sentence(
    database: Path, tmp_path: Path, args: tuple[str, ...], says: str
) -> None:
    done = await filmbot(
        "films", "enrich", *args, env=environment(database, FILMBOT_ONLINE="on"), cwd=tmp_path
    )
    one_sentence(done, CONFIG, says)


async def test_offline_it_says_so(database: Path, tmp_path: Path) -> None:
    done = await filmbot("films", "enrich", "--all", env=environment(database), cwd=tmp_path)
    one_sentence(done, CONFIG, "FILMBOT_ONLINE=off", "nothing was fetched")


async def test_a_title_found_nowhere_is_status_2(
    database: Path, wikidata: FakeWikidata, tmp_path: Path
) -> None:
    done = await filmbot("films", "enrich", "qqq nothing", env=online(database, wikidata), cwd=tmp_path)
    one_sentence(done, CONFIG, "none was found online")
