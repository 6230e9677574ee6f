"""Local sheet files: CSV (any common delimiter, UTF-8 with or without BOM) and XLSX, streamed."""
from __future__ import annotations

import csv
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from apps.integrations.sheets.base import SheetData, SheetError, SheetSource, cell_text


class CsvSource(SheetSource):
    def __init__(self, path: Path):
        self.path = Path(path)
        self.description = str(self.path)

    @contextmanager
    def open(self) -> Iterator[SheetData]:
        try:
            handle = self.path.open(newline="", encoding="utf-8-sig")
        except OSError as exc:
            raise SheetError(f"Cannot open {self.path}: {exc.strerror}") from None
        with handle:
            sample = handle.read(64 * 1024)
            handle.seek(0)
            try:
                dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
            except csv.Error:
                dialect = csv.excel
            reader = csv.reader(handle, dialect)
            try:
                header = [cell.strip() for cell in next(reader)]
            except StopIteration:
                raise SheetError(f"{self.path.name} is empty: no header row") from None
            except (csv.Error, UnicodeDecodeError) as exc:
                raise SheetError(f"{self.path.name} is not a readable CSV file: {exc}") from None
            yield SheetData(header=header, rows=self._rows(reader))

    def _rows(self, reader) -> Iterator[tuple[int, list[str]]]:
        try:
            # Rows are numbered as a spreadsheet shows them: the header is row 1, one row per record.
            for number, row in enumerate(reader, start=2):
                yield number, [cell.strip() for cell in row]
        except (csv.Error, UnicodeDecodeError) as exc:
            raise SheetError(f"{self.path.name} stops being readable CSV: {exc}") from None


class XlsxSource(SheetSource):
    def __init__(self, path: Path, worksheet: str = ""):
        self.path = Path(path)
        self.worksheet = worksheet
        self.description = f"{self.path}" + (f" [{worksheet}]" if worksheet else "")

    @contextmanager
    def open(self) -> Iterator[SheetData]:
        import openpyxl
        from openpyxl.utils.exceptions import InvalidFileException

        try:
            book = openpyxl.load_workbook(self.path, read_only=True, data_only=True)
        except (OSError, InvalidFileException, KeyError, ValueError) as exc:
            raise SheetError(f"Cannot open {self.path.name} as a workbook: {exc}") from None
        try:
            if self.worksheet and self.worksheet not in book.sheetnames:
                raise SheetError(f"{self.path.name} has no tab {self.worksheet!r} (tabs: {', '.join(book.sheetnames)})")
            sheet = book[self.worksheet] if self.worksheet else book.worksheets[0]
            values = sheet.iter_rows(values_only=True)
            try:
                header = [cell_text(cell) for cell in next(values)]
            except StopIteration:
                raise SheetError(f"{self.path.name} is empty: no header row") from None
            rows = ((number, [cell_text(cell) for cell in row]) for number, row in enumerate(values, start=2))
            yield SheetData(header=header, rows=rows)
        finally:
            book.close()
