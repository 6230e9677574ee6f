"""The SheetSource interface and the choice of reader for a campaign's sheet reference."""
from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

_GOOGLE_URL = re.compile(r"docs\.google\.com/spreadsheets/d/(?P<key>[A-Za-z0-9_-]{20,})")
_GOOGLE_KEY = re.compile(r"^gsheet:(?P<key>[A-Za-z0-9_-]{20,})$")


class SheetError(Exception):
    """The sheet could not be read; the message is shown to staff on the import run."""


@dataclass
class SheetData:
    """A sheet being read: its header row, then its data rows, lazily, as (row number, cells)."""

    header: list[str]
    rows: Iterator[tuple[int, list[str]]]


class SheetSource(ABC):
    description: str

    @abstractmethod
    def open(self) -> AbstractContextManager[SheetData]:
        """Read the header and stream the rows; raises SheetError when the sheet cannot be read."""


def cell_text(value) -> str:
    """A cell as text: numbers without a spurious '.0', None as ''."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def google_key(reference: str) -> str | None:
    """The spreadsheet key of a Google Sheets URL or `gsheet:KEY`; None for anything else."""
    reference = (reference or "").strip()
    match = _GOOGLE_URL.search(reference) or _GOOGLE_KEY.match(reference)
    return match.group("key") if match else None


def local_path(reference: str) -> Path:
    """A sheet file's path; relative paths are under SHEETS_LOCAL_DIR. Raises SheetError for other URLs."""
    reference = (reference or "").strip()
    if reference.startswith(("http://", "https://")):
        raise SheetError(f"Not a Google Sheets address: {reference}")
    path = Path(reference)
    return path if path.is_absolute() else Path(settings.SHEETS_LOCAL_DIR) / path


def source_for(reference: str, worksheet: str = "") -> SheetSource:
    """The reader for a Google Sheets URL / `gsheet:KEY`, or a .csv/.xlsx path."""
    reference = (reference or "").strip()
    if not reference:
        raise SheetError("The campaign has no sheet source.")
    key = google_key(reference)
    if key:
        from apps.integrations.sheets.google import GoogleSheetSource

        return GoogleSheetSource(key, worksheet)
    path = local_path(reference)
    from apps.integrations.sheets.files import CsvSource, XlsxSource

    suffix = path.suffix.lower()
    if suffix in {".csv", ".txt"}:
        return CsvSource(path)
    if suffix in {".xlsx", ".xlsm"}:
        return XlsxSource(path, worksheet)
    raise SheetError(f"Unsupported sheet file {path.name!r}: use .csv or .xlsx, or a Google Sheets URL")
