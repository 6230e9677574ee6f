"""Local sheet files, confined to SHEETS_LOCAL_DIR: CSV (any common delimiter; UTF-8 with or without BOM, UTF-16
with a BOM, or Windows-1252) and XLSX, streamed."""
from __future__ import annotations

import codecs
import csv
import io
import re
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from django.conf import settings

from apps.integrations.sheets.base import SheetData, SheetError, SheetSource, UnreadableRow, cell_text

# .txt and .tsv: Excel's "Text (Tab delimited)" and "Unicode Text" exports. .xlsm: openpyxl reads the cells
# only and never runs a macro; kept so that campaigns saved with one go on importing.
CSV_SUFFIXES = (".csv", ".tsv", ".txt")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
# One message whether or not the file exists: a refusal must not tell a manager what is on the server.
OUTSIDE = ("Sheet files must be inside the server's sheets folder (SHEETS_LOCAL_DIR): give a path relative to it, "
           "without '..' and without links that lead out of it.")
ENCODINGS = 'UTF-8 (with or without a BOM), UTF-16 with a BOM (Excel\'s "Unicode Text") or Windows-1252'
SAMPLE_BYTES = 64 * 1024
CHUNK_BYTES = 1024 * 1024
# Bytes no text file holds: C0 controls other than tab, LF, VT, FF, CR and DOS's end-of-file mark (0x1a).
_CONTROL_BYTES = bytes(sorted(set(range(32)) - {9, 10, 11, 12, 13, 26}))
_NUL_OR_UNDECODED = re.compile("[\x00\udc80-\udcff]")  # undecodable bytes arrive as lone surrogates
_UNDECODED = re.compile("[\udc80-\udcff]")
ENCODING_NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "utf-16": "UTF-16", "cp1252": "Windows-1252"}


# --- where local sheets may be ------------------------------------------------------------

def inside_sheets_dir(path: Path) -> Path:
    """`path` with its links resolved; SheetError(OUTSIDE) unless it lies inside SHEETS_LOCAL_DIR."""
    root = Path(settings.SHEETS_LOCAL_DIR).resolve()
    try:
        resolved = (root / path).resolve()
    except (OSError, RuntimeError, ValueError):  # a link loop, a NUL byte in the name
        raise SheetError(OUTSIDE) from None
    if not resolved.is_relative_to(root):
        raise SheetError(OUTSIDE)
    return resolved


def local_sheet_path(reference: str, must_exist: bool = True) -> Path:
    """The sheet file a campaign's `sheet_source` names: inside SHEETS_LOCAL_DIR once links are resolved, with a
    sheet's extension, and (when `must_exist`) a regular file. Raises SheetError saying what is wrong."""
    reference = (reference or "").strip()
    if reference.startswith(("http://", "https://")):
        raise SheetError(f"Not a Google Sheets address: {reference}")
    path = inside_sheets_dir(Path(reference))
    if not path.name.lower().endswith((*CSV_SUFFIXES, *WORKBOOK_SUFFIXES)):
        raise SheetError(f"Unsupported sheet file {path.name!r}: use {', '.join(CSV_SUFFIXES + WORKBOOK_SUFFIXES)}"
                         " or a Google Sheets URL")
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        if must_exist:
            raise SheetError(f"Cannot open {reference!r}: no such file in the sheets folder.") from None
        return path  # saved before the file is put there: the import says so if it never is
    except OSError as exc:
        raise SheetError(f"Cannot open {reference!r}: {exc.strerror}") from None
    if not stat.S_ISREG(mode):
        raise SheetError(f"Cannot open {reference!r}: not a regular file (a folder, a device or a pipe).")
    return path


def local_source(reference: str, worksheet: str = "") -> SheetSource:
    """The reader for a local sheet file (see local_sheet_path for what is refused)."""
    path = local_sheet_path(reference)
    if path.name.lower().endswith(CSV_SUFFIXES):
        return CsvSource(path)
    return XlsxSource(path, worksheet)


# --- CSV --------------------------------------------------------------------------------------

class CsvSource(SheetSource):
    def __init__(self, path: Path):
        self.path = Path(path)
        self.description = str(self.path)

    @contextmanager
    def open(self) -> Iterator[SheetData]:
        try:
            raw = self.path.open("rb")
        except OSError as exc:
            raise SheetError(f"Cannot open {self.path}: {exc.strerror}") from None
        with raw:
            try:
                encoding, clean = self._encoding(raw)
                handle = io.TextIOWrapper(raw, encoding=encoding, errors="surrogateescape", newline="")
                sample = handle.read(SAMPLE_BYTES)
                handle.seek(0)
            except OSError as exc:
                raise SheetError(f"Cannot read {self.path.name}: {exc.strerror or exc}") from None
            except UnicodeDecodeError as exc:  # UTF-16 cut in the middle of a character
                raise SheetError(f"{self.path.name} is not readable {ENCODING_NAMES[encoding]} text ({exc.reason}): "
                                 f"save it as CSV in {ENCODINGS}.") from None
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
            if _NUL_OR_UNDECODED.search("".join(header)):
                raise SheetError(f"The header row of {self.path.name} is not readable text: save the sheet as CSV "
                                 f"in {ENCODINGS}.")
            yield SheetData(header=header, rows=self._rows(reader, encoding, clean))

    def _encoding(self, raw: BinaryIO) -> tuple[str, bool]:
        """The file's encoding, and whether all of it is clean text (no NUL byte, no undecodable byte: its rows need
        no checking one by one). A BOM says UTF-8 or UTF-16; otherwise UTF-8 when the file is (or mostly is), else
        Windows-1252, as Excel saves "CSV" on Windows. Binary files are refused, naming the encodings read."""
        sample = raw.read(SAMPLE_BYTES)
        if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            encoding, clean = "utf-16", False
        elif sample.startswith(codecs.BOM_UTF8):
            utf8, nul = _utf8_scan(raw)
            encoding, clean = "utf-8-sig", utf8 and not nul
        elif _looks_binary(sample):
            raise SheetError(f"{self.path.name} is not a text file (it holds binary data): save the sheet as CSV "
                             f"in {ENCODINGS}, or as an .xlsx workbook.")
        else:
            utf8, nul = _utf8_scan(raw)
            encoding, clean = "utf-8" if utf8 else _mostly_utf8_or_cp1252(raw), utf8 and not nul
        raw.seek(0)
        return encoding, clean

    def _rows(self, reader, encoding: str, clean: bool) -> Iterator[tuple[int, list[str]]]:
        try:
            # Rows are numbered as a spreadsheet shows them: the header is row 1, one row per record.
            for number, row in enumerate(reader, start=2):
                cells = [cell.strip() for cell in row]
                if not clean and _NUL_OR_UNDECODED.search("".join(cells)):
                    cells = _unreadable(cells, encoding)
                yield number, cells
        except (csv.Error, UnicodeDecodeError) as exc:
            raise SheetError(f"{self.path.name} stops being readable CSV: {exc}") from None


def _looks_binary(sample: bytes) -> bool:
    """Control bytes in the header line (no header holds them), or more than 1% of the sample (and 64 at least):
    a stray NUL in one row is that row's problem, not the file's."""
    header = sample.split(b"\n", 1)[0]
    if len(header.translate(None, _CONTROL_BYTES)) < len(header):
        return True
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return controls >= 64 and controls * 100 > len(sample)


def _utf8_scan(raw: BinaryIO) -> tuple[bool, bool]:
    """Whether the whole file decodes as UTF-8, and whether it holds a NUL byte: read a chunk at a time (memory
    stays bounded), stopping at the first undecodable byte."""
    raw.seek(0)
    decoder, nul = codecs.getincrementaldecoder("utf-8")(), False
    try:
        while chunk := raw.read(CHUNK_BYTES):
            decoder.decode(chunk)
            nul = nul or b"\x00" in chunk
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False, nul
    return True, nul


def _mostly_utf8_or_cp1252(raw: BinaryIO) -> str:
    """For a file that is not all UTF-8: UTF-8 still when its UTF-8 characters outnumber its undecodable bytes (a
    stray byte rejects its own row, not every accent of the sheet), else Windows-1252."""
    raw.seek(0)
    decoder, characters, undecoded = codecs.getincrementaldecoder("utf-8")("surrogateescape"), 0, 0
    while chunk := raw.read(CHUNK_BYTES):
        text = decoder.decode(chunk)
        bad = len(_UNDECODED.findall(text))
        characters += len(text) - len(text.encode("ascii", "ignore")) - bad
        undecoded += bad
    return "utf-8" if characters > undecoded else "cp1252"


def _unreadable(cells: list[str], encoding: str) -> UnreadableRow:
    """A row holding a NUL or bytes its encoding cannot decode: rejected by the import, its cells kept legible."""
    if any("\x00" in cell for cell in cells):
        reason = "the row holds a NUL byte (binary data, not text): correct or delete the row"
    else:
        reason = (f"the row holds bytes that are not {ENCODING_NAMES.get(encoding, encoding)} text: correct the "
                  "row, or save the sheet as CSV UTF-8")
    legible = [_NUL_OR_UNDECODED.sub(lambda found: "" if found.group() == "\x00" else "\ufffd", cell)
               for cell in cells]
    return UnreadableRow(legible, reason)


# --- XLSX -----------------------------------------------------------------------------------

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
