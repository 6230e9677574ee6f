"""Call results beside a CSV/XLSX lead sheet: `leads.csv` → `leads.results.csv`, one row per call.

The staff's own file is never rewritten. They may have it open in a spreadsheet program that saves over
our columns (or locks the file), they edit it while imports read it, and result columns in it would change
every row's import fingerprint after each call. The results file is ours: rows are appended, once per call
(its Call ID column is read first, so a replayed flush adds nothing), and the columns follow the campaign.
"""
from __future__ import annotations

import csv
import errno
import os
import tempfile
from pathlib import Path

from apps.integrations.sheets.models import SheetWriteback
from apps.integrations.sheets.writeback import IDENTITY_HEADERS, Batch, Outcome, WritebackError, WritebackTarget

CALL_ID = IDENTITY_HEADERS["call_id"]
# Staff must act on these (a missing folder, no permission, a read-only disk); anything else is tried again.
PERMANENT_ERRNOS = {errno.ENOENT, errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOTDIR, errno.EISDIR}


class ResultsFile(WritebackTarget):
    remote = False

    def __init__(self, path: Path):
        self.path = Path(path)
        self.lock_key = f"file:{self.path}"
        self.description = str(self.path)

    def write(self, batch: Batch) -> dict[int, Outcome]:
        try:
            header, rows = self._read()
            wanted = batch.results_header()
            present = _call_ids(header, rows)
            new = [[str(cell) for cell in batch.results_row(item)] for item in batch.items
                   if str(item.call_id) not in present]
            if header == wanted:
                self._append(new)
            else:  # a new file, or the campaign's columns changed: every row under the new header
                merged = header + [name for name in wanted if name not in header]
                old = [row + [""] * (len(merged) - len(row)) for row in rows]
                self._rewrite(merged, [*old, *(_relaid(row, wanted, merged) for row in new)])
        except OSError as exc:
            raise WritebackError(f"Cannot write {self.path}: {exc.strerror or exc}",
                                 permanent=exc.errno in PERMANENT_ERRNOS) from exc
        except (csv.Error, UnicodeDecodeError) as exc:
            raise WritebackError(f"{self.path.name} is not a readable CSV file any more ({exc}): move it away "
                                 "and its rows are written again", permanent=True) from exc
        return {item.id: Outcome(SheetWriteback.Status.DONE) for item in batch.items}

    def _read(self) -> tuple[list[str], list[list[str]]]:
        try:
            with self.path.open(newline="", encoding="utf-8-sig") as handle:
                lines = list(csv.reader(handle))
        except FileNotFoundError:
            if not self.path.parent.is_dir():
                raise
            return [], []
        return (lines[0], lines[1:]) if lines else ([], [])

    def _append(self, rows: list[list[str]]) -> None:
        if rows:
            with self.path.open("a", newline="", encoding="utf-8") as handle:
                csv.writer(handle).writerows(rows)

    def _rewrite(self, header: list[str], rows: list[list[str]]) -> None:
        """Whole or not at all: a new file replaces the old one only once it is complete."""
        fd, temporary = tempfile.mkstemp(prefix=f".{self.path.name}.", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", newline="", encoding="utf-8-sig") as handle:  # the BOM: Excel reads UTF-8
                writer = csv.writer(handle)
                writer.writerow(header)
                writer.writerows(rows)
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


def _call_ids(header: list[str], rows: list[list[str]]) -> set[str]:
    if CALL_ID not in header:
        return set()
    index = header.index(CALL_ID)
    return {row[index] for row in rows if len(row) > index}


def _relaid(row: list[str], header: list[str], merged: list[str]) -> list[str]:
    by_name = dict(zip(header, row, strict=True))
    return [by_name.get(name, "") for name in merged]
