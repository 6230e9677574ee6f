"""Call results beside a CSV/XLSX lead sheet: `leads.csv` → `leads.results.csv`, one row per call.

The staff's own file is never rewritten. They may have it open in a spreadsheet program that saves over
our columns (or locks the file), they edit it while imports read it, and result columns in it would change
every row's import fingerprint after each call. The results file is ours: rows are appended, once per call
(its Call ID column is read first, so a replayed flush adds nothing), and the columns follow the campaign.

Staff open it in Excel, and its cells hold what leads and their sheets said: a cell that would start a formula
gets a leading quote (OWASP's advice on CSV injection), and the file is written only inside SHEETS_LOCAL_DIR.
"""
from __future__ import annotations

import csv
import errno
import os
import re
import tempfile
from pathlib import Path

from apps.integrations.sheets.base import SheetError
from apps.integrations.sheets.files import inside_sheets_dir
from apps.integrations.sheets.models import SheetWriteback
from apps.integrations.sheets.writeback import IDENTITY_HEADERS, Batch, Outcome, WritebackError, WritebackTarget

CALL_ID = IDENTITY_HEADERS["call_id"]
# Staff must act on these (a missing folder, no permission, a read-only disk); anything else is tried again.
PERMANENT_ERRNOS = {errno.ENOENT, errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOTDIR, errno.EISDIR}
# OWASP "CSV Injection": Excel, LibreOffice and Google Sheets read a cell starting with = + - @, a tab or a carriage
# return as a formula; a leading single quote makes it text. A plain number (an E.164 phone such as +12125550134,
# a score, -1) is left as it is: it cannot call anything, and the quote would spoil it.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")


class ResultsFile(WritebackTarget):
    remote = False

    def __init__(self, path: Path):
        self.path = Path(path)
        self.lock_key = f"file:{self.path}"
        self.description = str(self.path)

    def write(self, batch: Batch) -> dict[int, Outcome]:
        try:
            path = inside_sheets_dir(self.path)  # again at each write: a link put there since is not followed out
        except SheetError as exc:
            raise WritebackError(str(exc), permanent=True) from exc
        try:
            header, rows = self._read(path)
            safe_header, safe_rows = safe_cells(header), [safe_cells(row) for row in rows]
            wanted = safe_cells(batch.results_header())
            present = _call_ids(safe_header, safe_rows)
            new = [safe_cells(batch.results_row(item)) for item in batch.items if str(item.call_id) not in present]
            if header == wanted and rows == safe_rows:
                self._append(path, new)
            else:  # a new file, the campaign's columns changed, or cells written before quoting: all rewritten
                merged = safe_header + [name for name in wanted if name not in safe_header]
                old = [row + [""] * (len(merged) - len(row)) for row in safe_rows]
                self._rewrite(path, merged, [*old, *(_relaid(row, wanted, merged) for row in new)])
        except OSError as exc:
            raise WritebackError(f"Cannot write {self.path}: {exc.strerror or exc}",
                                 permanent=exc.errno in PERMANENT_ERRNOS) from exc
        except (csv.Error, UnicodeDecodeError) as exc:
            raise WritebackError(f"{self.path.name} is not a readable CSV file any more ({exc}): move it away "
                                 "and its rows are written again", permanent=True) from exc
        return {item.id: Outcome(SheetWriteback.Status.DONE) for item in batch.items}

    def _read(self, path: Path) -> tuple[list[str], list[list[str]]]:
        try:
            with path.open(newline="", encoding="utf-8-sig") as handle:
                lines = list(csv.reader(handle))
        except FileNotFoundError:
            if not path.parent.is_dir():
                raise
            return [], []
        return (lines[0], lines[1:]) if lines else ([], [])

    def _append(self, path: Path, rows: list[list[str]]) -> None:
        if rows:
            with path.open("a", newline="", encoding="utf-8") as handle:
                csv.writer(handle).writerows(rows)

    def _rewrite(self, path: Path, header: list[str], rows: list[list[str]]) -> None:
        """Whole or not at all: a new file replaces the old one only once it is complete."""
        fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            with os.fdopen(fd, "w", newline="", encoding="utf-8-sig") as handle:  # the BOM: Excel reads UTF-8
                writer = csv.writer(handle)
                writer.writerow(header)
                writer.writerows(rows)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


def spreadsheet_safe(value) -> str:
    """The value as a cell a spreadsheet shows as text: a would-be formula gets a leading single quote."""
    text = str(value)
    if text.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def safe_cells(cells: list) -> list[str]:
    return [spreadsheet_safe(cell) for cell in cells]


def _call_ids(header: list[str], rows: list[list[str]]) -> set[str]:
    if CALL_ID not in header:
        return set()
    index = header.index(CALL_ID)
    return {row[index] for row in rows if len(row) > index}


def _relaid(row: list[str], header: list[str], merged: list[str]) -> list[str]:
    by_name = dict(zip(header, row, strict=True))
    return [by_name.get(name, "") for name in merged]
