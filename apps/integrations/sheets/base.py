"""The SheetSource interface and the choice of reader for a campaign's sheet reference."""
from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass

_GOOGLE_URL = re.compile(r"docs\.google\.com/spreadsheets/d/(?P<key>[A-Za-z0-9_-]{20,})")
_GOOGLE_KEY = re.compile(r"^gsheet:(?P<key>[A-Za-z0-9_-]{20,})$")


class SheetError(Exception):
    """The sheet could not be read; the message is shown to staff on the import run."""


@dataclass
class SheetData:
    """A sheet being read: its header row, then its data rows, lazily, as (row number, cells)."""

    header: list[str]
    rows: Iterator[tuple[int, list[str]]]


class UnreadableRow(list):
    """A row's cells as far as they could be read, and `reason`: why the import rejects the row (a NUL byte,
    bytes its encoding cannot decode). The rest of the sheet imports."""

    def __init__(self, cells: list[str], reason: str):
        super().__init__(cells)
        self.reason = reason


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


def check_sheet_source(reference: str) -> None:
    """Raises SheetError when a campaign must not be saved with this sheet source (a file outside the sheets
    folder, an unsupported file, a URL that is not a Google Sheet). Blank and Google sources pass."""
    reference = (reference or "").strip()
    if reference and not google_key(reference):
        from apps.integrations.sheets.files import local_sheet_path

        local_sheet_path(reference, must_exist=False)


def source_for(reference: str, worksheet: str = "") -> SheetSource:
    """The reader for a Google Sheets URL / `gsheet:KEY`, or a sheet file inside SHEETS_LOCAL_DIR."""
    reference = (reference or "").strip()
    if not reference:
        raise SheetError("The campaign has no sheet source.")
    key = google_key(reference)
    if key:
        from apps.integrations.sheets.google import GoogleSheetSource

        return GoogleSheetSource(key, worksheet)
    from apps.integrations.sheets.files import local_source

    return local_source(reference, worksheet)
