"""``filmbot films download imdb``: the command line around ``run.download_imdb``."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from bot.catalog.download.models import DownloadPlan, DownloadResult
from bot.catalog.download.progress import byte_progress_for
from bot.catalog.download.run import Download, default_dest, download_imdb, saved_plan
from bot.catalog.importing import ImportStopped
from bot.catalog.importing.progress import progress_for
from bot.errors import BadInput
from bot.settings import Settings
from bot.store import Store


def films_download(settings: Settings, dest: Path | None, min_votes: int | None, *, importing: bool) -> int:
    """Download (and import); 0 when done, 2 when a file is not IMDb's layout. Other failures raise a
    ``StartupError`` whose line and exit status ``bot.cli`` reports."""
    try:
        result = asyncio.run(_download(settings, dest, min_votes, importing))
    except KeyboardInterrupt:
        print(
            "filmbot: interrupted; a file being downloaded is kept as <name>.part for the next run to "
            "resume, and an import that had not finished is not kept",
            file=sys.stderr,
        )
        raise
    except ImportStopped as stopped:
        # The import's transaction was rolled back: the summary says so, then the one line on what stopped it.
        print("\n".join(stopped.report.lines()))
        raise stopped.__cause__ or stopped from None
    except BadInput as exc:
        print(f"filmbot: {exc.message}", file=sys.stderr)
        return 2
    print("\n".join(result.lines()))
    return 0


async def _download(
    settings: Settings, dest: Path | None, min_votes: int | None, importing: bool
) -> DownloadResult:
    store = await Store.open(settings.database)
    try:
        last = await saved_plan(store)
        plan = DownloadPlan(
            dest or (last.dest if last else default_dest(settings.database, settings.imdb_dir)),
            min_votes if min_votes is not None else (last.min_votes if last else 0),
        )
        keep = f"films with at least {plan.min_votes:,} IMDb votes" if plan.min_votes else "every film"
        print(f"IMDb datasets from {settings.imdb_datasets_url} into {plan.dest} ({keep})", file=sys.stderr)
        return await download_imdb(
            store,
            Download(settings.imdb_datasets_url, plan, import_files=importing),
            progress=byte_progress_for(sys.stderr),
            import_progress=progress_for(sys.stderr),
        )
    finally:
        await store.close()
