"""``download_imdb`` against the local dataset server: whole files, 304s, resumes, retries and refusals."""

from __future__ import annotations

import gzip
import os
from datetime import timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest

from bot.catalog.download.fetch import DownloadFailed, Policy
from bot.catalog.download.files import MANIFEST, FolderBusy, hold_folder
from bot.catalog.download.models import DATASET_FILES, DownloadPlan, DownloadResult
from bot.catalog.download.run import Download, download_imdb, imported
from bot.store import Store
from tests.catalog._dataset_server import (
    DAY,
    HEADERS,
    DatasetServer,
    dataset,
    gz,
)

# Fast retries for the tests: the waits are recorded by ``Waits`` rather than slept.
FAST = Policy(attempts=3, backoff=1.0, read_timeout=5.0)


class Waits:
    """Stands in for ``asyncio.sleep`` between attempts: records how long the fetcher would wait."""

    def __init__(self) -> None:
        self.seconds: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.seconds.append(seconds)


async def run(
    store: Store,
    server: DatasetServer,
    dest: Path,
    *,
    min_votes: int = 0,
    waits: Waits | None = None,
    policy: Policy = FAST,
    import_files: bool = True,
) -> DownloadResult:
    request = Download(server.url, DownloadPlan(dest, min_votes), import_files=import_files, policy=policy)
    return await download_imdb(store, request, sleep=waits or Waits())


async def imported_slugs(store: Store) -> list[str]:
    return sorted(s for s in await store.films.slugs())


async def test_downloads_every_file_and_imports_the_films(
    store: Store, server: DatasetServer, tmp_path: Path
) -> None:
    dest = tmp_path / "imdb"
    result = await run(store, server, dest)

    assert [f.outcome for f in result.files] == ["downloaded"] * 6
    for name in DATASET_FILES:
        assert (dest / name).read_bytes() == server.files[name].body
        assert (dest / name).stat().st_mtime == DAY.timestamp()  # dated as the server dates it
    assert not list(dest.glob("*.part*"))
    assert (dest / MANIFEST).is_file()
    assert all(r.headers["User-Agent"].startswith("filmbot/") for r in server.requests)

    assert result.report is not None
    # Solaris ×2, Life Is Beautiful, The Princess Bride, A Quiet Harbour (tvMovie); not the episode.
    assert result.report.added == 5
    assert await imported_slugs(store) == [
        "a-quiet-harbour-2011",
        "life-is-beautiful-1997",
        "solaris-1972",
        "solaris-2002",
        "the-princess-bride-1987",
    ]
    life = await store.films.get("life-is-beautiful-1997")
    assert life is not None
    # Both directors from title.crew (Cerami is not among the principals); writers are not imported.
    assert [(c.person, c.role) for c in life.credits] == [
        ("Roberto Benigni", "director"),
        ("Vincenzo Cerami", "director"),
        ("Roberto Benigni Jr.", "cast"),
    ]
    solaris = await store.films.get("solaris-1972")
    assert solaris is not None
    assert [c.person for c in solaris.credits if c.role == "director"] == ["Andrei Tarkovsky"]
    assert "Stanisław Lem" not in [c.person for c in solaris.credits]
    assert solaris.sources[0].as_of == DAY.date()
    assert [(s.value, s.votes) for s in solaris.scores] == [(8.0, 100000)]


async def test_an_unchanged_refresh_downloads_nothing_and_imports_nothing(
    store: Store, server: DatasetServer, tmp_path: Path
) -> None:
    dest = tmp_path / "imdb"
    await run(store, server, dest)
    first = await imported(store)
    server.requests.clear()

    again = await run(store, server, dest)

    assert [f.outcome for f in again.files] == ["unchanged"] * 6
    assert {r.status for r in server.requests} == {304}
    assert all(r.headers["If-None-Match"] == server.files[r.name].etag for r in server.requests)
    assert all(r.sent == 0 for r in server.requests)
    assert again.report is None
    assert again.not_imported is not None and "unchanged" in again.not_imported
    assert await imported(store) == first
    rows = await store.db.fetchall("SELECT count(*) FROM catalog_imports")
    assert rows[0][0] == 1


async def test_a_changed_file_is_fetched_and_the_set_imported_again(
    store: Store, server: DatasetServer, tmp_path: Path
) -> None:
    dest = tmp_path / "imdb"
    await run(store, server, dest)
    ratings = gzip.decompress(server.files["title.ratings.tsv.gz"].body).decode()
    server.publish(
        "title.ratings.tsv.gz", gzip.compress(ratings.replace("8.0\t100000", "8.1\t100500").encode())
    )
    server.requests.clear()

    result = await run(store, server, dest)

    assert {f.name: f.outcome for f in result.files}["title.ratings.tsv.gz"] == "downloaded"
    assert sum(f.outcome == "unchanged" for f in result.files) == 5
    # Every rated film now cites the newer ratings file's date; Solaris's score changed too.
    assert result.report is not None and (result.report.added, result.report.updated) == (0, 4)
    solaris = await store.films.get("solaris-1972")
    assert solaris is not None
    assert [(s.value, s.votes, s.as_of) for s in solaris.scores] == [
        (8.1, 100500, (DAY + timedelta(days=1)).date())
    ]


async def test_min_votes_keeps_the_better_known_films(
    store: Store, server: DatasetServer, tmp_path: Path
) -> None:
    dest = tmp_path / "imdb"
    result = await run(store, server, dest, min_votes=1000)
    assert result.report is not None and result.report.added == 3
    assert any("2 films with fewer than 1,000 IMDb votes" in note for note in result.report.notes)
    assert "solaris-2002" not in await imported_slugs(store)

    # The same files with another threshold are imported again; with the same one, not.
    assert (await run(store, server, dest, min_votes=1000)).report is None
    lower = await run(store, server, dest, min_votes=500)
    assert lower.report is not None and lower.report.added == 1
    assert "solaris-2002" in await imported_slugs(store)


async def test_no_import_downloads_only(store: Store, server: DatasetServer, tmp_path: Path) -> None:
    result = await run(store, server, tmp_path / "imdb", import_files=False)
    assert result.report is None and result.not_imported is not None
    assert await imported_slugs(store) == []
    # The next run finds the files unchanged but never imported: it imports them.
    later = await run(store, server, tmp_path / "imdb")
    assert [f.outcome for f in later.files] == ["unchanged"] * 6
    assert later.report is not None and later.report.added == 5


async def test_a_connection_cut_mid_file_resumes_where_it_stopped(
    store: Store, server: DatasetServer, tmp_path: Path
) -> None:
    name = "title.principals.tsv.gz"
    server.files = DatasetServer(dataset(filler=400)).files
    served = server.files[name]
    served.cut_after, served.cuts = len(served.body) // 2, 1
    waits = Waits()

    result = await run(store, server, tmp_path / "imdb", waits=waits)

    first, second = server.seen(name)
    assert first.status == 200 and first.sent == len(served.body) // 2
    assert second.status == 206
    assert second.headers["Range"] == f"bytes={len(served.body) // 2}-"
    assert second.headers["If-Range"] == served.etag
    assert second.sent == len(served.body) - len(served.body) // 2
    assert (tmp_path / "imdb" / name).read_bytes() == served.body
    assert {f.name: f.outcome for f in result.files}[name] == "resumed"
    assert len(waits.seconds) == 1
    assert result.report is not None and result.report.added == 5


async def test_a_partial_file_of_an_older_version_starts_over(
    store: Store, server: DatasetServer, tmp_path: Path
) -> None:
    dest = tmp_path / "imdb"
    dest.mkdir()
    name = "title.basics.tsv.gz"
    (dest / f"{name}.part").write_bytes(b"\x1f\x8b stale bytes of yesterday's file")
    (dest / f"{name}.part.json").write_text('{"etag": "\\"yesterday\\"", "size": 999}')

    await run(store, server, dest)

    (request,) = server.seen(name)
    assert request.headers["If-Range"] == '"yesterday"' and request.status == 200
    assert (dest / name).read_bytes() == server.files[name].body


async def test_server_errors_are_retried_with_backoff(
    store: Store, server: DatasetServer, tmp_path: Path
) -> None:
    server.files["title.akas.tsv.gz"].answers = [(500, {}), (502, {})]
    waits = Waits()
    result = await run(store, server, tmp_path / "imdb", waits=waits)
    assert server.statuses()["title.akas.tsv.gz"] == [500, 502, 200]
    first, second = waits.seconds
    assert 0.8 <= first <= 1.2 and 1.6 <= second <= 2.4  # 1 s then 2 s, with jitter
    assert result.report is not None and result.report.added == 5


async def test_429_and_503_wait_as_long_as_retry_after_says(
    store: Store, server: DatasetServer, tmp_path: Path
) -> None:
    later = format_datetime(DAY + timedelta(days=3650), usegmt=True)  # far: the fetcher caps it
    server.files["title.crew.tsv.gz"].answers = [(429, {"Retry-After": "7"}), (503, {"Retry-After": "120"})]
    waits = Waits()
    await run(store, server, tmp_path / "imdb", waits=waits)
    assert waits.seconds == [7.0, 120.0]

    server.files["title.crew.tsv.gz"].answers = [(503, {"Retry-After": later})]
    with pytest.raises(DownloadFailed, match=r"title\.crew\.tsv\.gz: the server answered 503.*asks to wait"):
        await run(store, server, tmp_path / "imdb")


async def test_a_missing_file_stops_at_once_and_imports_nothing(
    store: Store, server: DatasetServer, tmp_path: Path
) -> None:
    del server.files["title.crew.tsv.gz"]
    with pytest.raises(DownloadFailed) as failed:
        await run(store, server, tmp_path / "imdb")
    message = failed.value.message
    assert message.startswith("title.crew.tsv.gz: ") and "404 Not Found" in message
    assert "FILMBOT_IMDB_DATASETS_URL" in message and message.endswith("Nothing was imported")
    assert len(server.seen("title.crew.tsv.gz")) == 1
    assert await imported_slugs(store) == []


async def test_a_server_that_keeps_failing_is_given_up_on(
    store: Store, server: DatasetServer, tmp_path: Path
) -> None:
    server.files["title.basics.tsv.gz"].answers = [(500, {})] * 10
    waits = Waits()
    with pytest.raises(
        DownloadFailed, match=r"^title\.basics\.tsv\.gz: the server answered 500.*3 times in a row"
    ):
        await run(store, server, tmp_path / "imdb", waits=waits)
    assert len(server.seen("title.basics.tsv.gz")) == 3 and len(waits.seconds) == 2
    assert await imported_slugs(store) == []


async def test_a_file_cut_short_on_the_server_is_refused(
    store: Store, server: DatasetServer, tmp_path: Path
) -> None:
    dest = tmp_path / "imdb"
    await run(store, server, dest)
    before = (dest / "title.akas.tsv.gz").read_bytes()
    whole = gz(
        HEADERS["title.akas"], [f"tt0069293\t{n}\tSolaris {n}\tUS\t\\N\t\\N\t\\N\t0" for n in range(3, 900)]
    )
    server.publish("title.akas.tsv.gz", whole[: len(whole) // 2])  # a whole response, of half a file

    with pytest.raises(
        DownloadFailed, match=r"^title\.akas\.tsv\.gz: all .* bytes .* gzip data stops before its end"
    ):
        await run(store, server, dest)
    assert (dest / "title.akas.tsv.gz").read_bytes() == before  # the complete older file stays
    assert not list(dest.glob("*.part"))
    solaris = await store.films.get("solaris-1972")
    assert solaris is not None and "Solaris 5" not in solaris.summary.aliases


async def test_a_body_shorter_than_announced_is_checked_by_its_gzip_end(
    store: Store, server: DatasetServer, tmp_path: Path
) -> None:
    # The server announces 100 bytes more than it has, then closes the connection.
    served = server.files["title.ratings.tsv.gz"]
    served.announce = len(served.body) + 100
    result = await run(store, server, tmp_path / "imdb")
    # Asked for the rest, the server says the file ends there (416): the gzip data is whole, so it is kept.
    assert server.statuses()["title.ratings.tsv.gz"] == [200, 416]
    assert (tmp_path / "imdb" / "title.ratings.tsv.gz").read_bytes() == served.body
    assert result.report is not None and result.report.added == 5

    # The same with a file whose gzip data stops early: refused, nothing imported.
    served = server.files["title.akas.tsv.gz"]
    server.publish("title.akas.tsv.gz", served.body[:-12])
    server.files["title.akas.tsv.gz"].announce = len(served.body)
    with pytest.raises(DownloadFailed, match=r"^title\.akas\.tsv\.gz: .* gzip data stops before its end"):
        await run(store, server, tmp_path / "imdb")
    assert server.statuses()["title.akas.tsv.gz"][-2:] == [200, 416]


async def test_a_stalled_answer_times_out_and_is_asked_again(
    store: Store, server: DatasetServer, tmp_path: Path
) -> None:
    served = server.files["name.basics.tsv.gz"]
    served.stalls, served.stall = 1, 1.0
    waits = Waits()
    result = await run(
        store, server, tmp_path / "imdb", waits=waits, policy=Policy(attempts=3, read_timeout=0.3)
    )
    assert len(waits.seconds) == 1
    assert result.report is not None and result.report.added == 5


async def test_data_that_is_not_gzip_is_refused(store: Store, server: DatasetServer, tmp_path: Path) -> None:
    server.files["title.crew.tsv.gz"].body = b"<html>Service moved</html>\n" * 10
    with pytest.raises(DownloadFailed, match=r"^title\.crew\.tsv\.gz: the data is not gzip, or is damaged"):
        await run(store, server, tmp_path / "imdb")
    assert not (tmp_path / "imdb" / "title.crew.tsv.gz").exists()


async def test_a_failed_file_leaves_the_catalog_and_the_next_run_imports_the_whole_set(
    store: Store, server: DatasetServer, tmp_path: Path
) -> None:
    dest = tmp_path / "imdb"
    await run(store, server, dest)
    server.files = DatasetServer(
        dataset(extra_basics=("tt0094625\tmovie\tAkira\tAkira\t0\t1988\t\\N\t124\tAnimation",))
    ).files
    server.files["title.principals.tsv.gz"].answers = [(500, {})] * 3

    with pytest.raises(DownloadFailed):
        await run(store, server, dest)
    assert "akira-1988" not in await imported_slugs(store)

    result = await run(store, server, dest)
    assert {f.name: f.outcome for f in result.files}["title.basics.tsv.gz"] == "unchanged"
    assert result.report is not None and result.report.added == 1
    assert "akira-1988" in await imported_slugs(store)


async def test_one_download_per_folder(store: Store, server: DatasetServer, tmp_path: Path) -> None:
    dest = tmp_path / "imdb"
    dest.mkdir()
    with hold_folder(dest), pytest.raises(FolderBusy, match=f"process {os.getpid()}"):
        await run(store, server, dest)
