"""Importing film datasets (IMDb, CSV, JSON) into the catalog, streamed and batched."""

from bot.catalog.importing.report import ImportReport
from bot.catalog.importing.run import FORMATS, Format, ImportStopped, import_catalog

__all__ = ["FORMATS", "Format", "ImportReport", "ImportStopped", "import_catalog"]
