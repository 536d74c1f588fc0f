"""``filmbot films download imdb``: fetch IMDb's dataset files, then import them as one unit, if needed.

The store remembers which version of each file its catalog was imported from (written in the import's
own transaction, so it is true exactly when the films are there). A run whose files are all unchanged
(HTTP 304) and already imported with the same ``--min-votes`` downloads nothing and imports nothing.
The store also remembers the last download's folder and ``--min-votes``: the bot's scheduled refresh
(``FILMBOT_IMDB_REFRESH``) repeats them.
"""

from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

from bot.catalog.download.fetch import USER_AGENT, Fetcher, Policy, Sleep
from bot.catalog.download.files import Manifest, hold_folder
from bot.catalog.download.models import DATASET_FILES, DownloadPlan, DownloadResult, Fetched, Imported
from bot.catalog.download.progress import ByteProgress, PlainLines
from bot.catalog.importing import import_catalog
from bot.catalog.importing.progress import NoProgress, Progress
from bot.database_url import DatabaseLocation
from bot.errors import BadInput
from bot.store import Repositories, Store

log = logging.getLogger(__name__)

IMPORTED_KEY = "imdb-datasets:imported"
PLAN_KEY = "imdb-datasets:plan"


@dataclass(frozen=True, slots=True)
class Download:
    """One ``filmbot films download imdb``: from where, into where, which films, and whether to import."""

    base_url: str
    plan: DownloadPlan
    import_files: bool = True
    policy: Policy = field(default_factory=Policy)


def default_dest(database: DatabaseLocation, imdb_dir: Path | None = None) -> Path:
    """Where the files go unless told: FILMBOT_IMDB_DIR, else a folder ``imdb`` beside a SQLite database
    (with a PostgreSQL server, ``data/imdb`` in the working folder)."""
    if imdb_dir is not None:
        return imdb_dir
    return database.parent / "imdb" if isinstance(database, Path) else Path("data") / "imdb"


async def saved_plan(store: Store) -> DownloadPlan | None:
    """The folder and ``--min-votes`` of the last download into this store, if any."""
    saved = await store.meta.get(PLAN_KEY)
    return DownloadPlan.from_json(saved) if saved else None


async def imported(repos: Repositories) -> Imported | None:
    """Which file versions the catalog was last imported from by a download, if any."""
    saved = await repos.meta.get(IMPORTED_KEY)
    return Imported.from_json(saved) if saved else None


async def download_imdb(
    store: Store,
    request: Download,
    *,
    progress: ByteProgress | None = None,
    import_progress: Progress | None = None,
    sleep: Sleep | None = None,
) -> DownloadResult:
    """Fetch every dataset file into ``request.plan.dest``, then import them unless nothing changed.

    Raises ``DownloadFailed`` (a file could not be fetched, or arrived broken), ``NoRoom`` (the disk
    filled), ``FolderBusy`` (another download writes there), or ``BadInput`` (a file is not in IMDb's
    layout); in each case the catalog is as it was.
    """
    dest = request.plan.dest
    try:
        dest.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BadInput(
            f"cannot create the folder {dest} for the dataset files ({exc.strerror or exc})"
        ) from exc
    with hold_folder(dest):
        _sweep(dest)
        files = await _fetch_all(request, progress or PlainLines(log.info), sleep)
        changed = sum(f.outcome != "unchanged" for f in files)
        log.info("IMDb datasets in %s: %d of %d files new or changed", dest, changed, len(files))
        # Written only when it changed: any commit makes a running bot rebuild its film index.
        if await saved_plan(store) != request.plan:
            await store.meta.set(PLAN_KEY, request.plan.to_json())
        result = DownloadResult(dest, files)
        if not request.import_files:
            return _replace(result, "--no-import: the files are downloaded; nothing was imported")
        versions = {f.name: f.validators.version for f in files}
        before = await imported(store)
        if before is not None and before.versions == versions and before.min_votes == request.plan.min_votes:
            return _replace(
                result,
                f"Every file is unchanged since the import of {before.at:%Y-%m-%d %H:%M} UTC; nothing to import.",
            )
        record = Imported(versions, request.plan.min_votes, store.clock.now())

        async def remember(tx: Repositories) -> None:
            await tx.meta.set(IMPORTED_KEY, record.to_json())

        report = await import_catalog(
            store,
            dest,
            "imdb",
            progress=import_progress or NoProgress(),
            min_votes=request.plan.min_votes,
            scratch_dir=dest,
            also=remember,
        )
        return DownloadResult(dest, files, report)


async def _fetch_all(request: Download, progress: ByteProgress, sleep: Sleep | None) -> tuple[Fetched, ...]:
    dest = request.plan.dest
    manifest = Manifest(dest, request.base_url)
    fetched: list[Fetched] = []
    # trust_env: HTTPS_PROXY / NO_PROXY apply, as they do to curl and pip.
    async with aiohttp.ClientSession(headers={"User-Agent": USER_AGENT}, trust_env=True) as session:
        fetcher = Fetcher(session, request.base_url, dest, progress, request.policy, sleep)
        for name in DATASET_FILES:
            got = await fetcher.fetch(name, manifest.known(name, dest / name))
            if got.outcome != "unchanged":
                manifest.record(name, got.validators)
            fetched.append(got)
    return tuple(fetched)


def _sweep(dest: Path) -> None:
    """Scratch folders a killed import left behind (we hold the folder's lock: none is in use)."""
    for stale in dest.glob("filmbot-import-*"):
        if stale.is_dir():
            shutil.rmtree(stale, ignore_errors=True)


def _replace(result: DownloadResult, why: str) -> DownloadResult:
    return DownloadResult(result.dest, result.files, None, why)
