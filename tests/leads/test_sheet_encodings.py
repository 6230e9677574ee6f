"""CSV sheets as staff save them: UTF-8 with or without a BOM, Excel's UTF-16 "Unicode Text" and its Windows-1252
"CSV" import with their accents intact; a binary file fails saying which encodings are read, and a NUL byte or an
undecodable byte in one row rejects that row only."""
from __future__ import annotations

import codecs
import io
import logging
import zipfile

import pytest

from apps.leads.importing import run_import
from apps.leads.models import ImportRejection, ImportRun, Lead
from tests.conftest import HEADER

ROWS = [
    ["José Núñez", "(212) 555-0134", "", "", "", "Website form", "2026-09-14"],
    ["Zoë O’Brien", "312.555.0101", "", "", "", "Open house", "2026-09-20"],  # ’: 0x92 in Windows-1252, not Latin-1
    ["Ann Lee", "617-555-0121", "", "", "", "Website form", "2026-09-21"],
]
NAMES = ["José Núñez", "Zoë O’Brien", "Ann Lee"]
ACCEPTED = 'UTF-8 (with or without a BOM), UTF-16 with a BOM (Excel\'s "Unicode Text") or Windows-1252'


def sheet_text(rows: list[list[str]], delimiter: str = ",") -> str:
    return "".join(delimiter.join(row) + "\r\n" for row in [HEADER, *rows])


def import_now(campaign) -> ImportRun:
    return run_import(ImportRun.objects.create(campaign=campaign, source=campaign.sheet_source))


def names(campaign) -> list[str]:
    return list(Lead.objects.filter(campaign=campaign).order_by("sheet_row").values_list("name", flat=True))


@pytest.mark.parametrize(("how", "data", "suffix"), [
    ("UTF-8", sheet_text(ROWS).encode(), ".csv"),
    ("UTF-8 with a BOM (Excel's 'CSV UTF-8')", codecs.BOM_UTF8 + sheet_text(ROWS).encode(), ".csv"),
    ("UTF-16 LE with a BOM, tabs (Excel's 'Unicode Text')", sheet_text(ROWS, "\t").encode("utf-16"), ".txt"),
    ("UTF-16 BE with a BOM", codecs.BOM_UTF16_BE + sheet_text(ROWS, ";").encode("utf-16-be"), ".csv"),
    ("Windows-1252 (Excel's 'CSV' on Windows)", sheet_text(ROWS).encode("cp1252"), ".csv"),
    ("tab-separated Windows-1252", sheet_text(ROWS, "\t").encode("cp1252"), ".tsv"),
])
def test_it_reads_each_encoding_staff_save_sheets_in(campaign, sheets_dir, how, data, suffix):
    (sheets_dir / f"leads{suffix}").write_bytes(data)
    campaign.sheet_source = f"leads{suffix}"
    run = import_now(campaign)
    assert (run.status, run.rows_created, run.error) == (ImportRun.Status.SUCCEEDED, 3, ""), how
    assert names(campaign) == NAMES, how


def test_an_accent_far_down_a_windows_1252_sheet_is_read_right(campaign, sheet_path):
    """The whole file decides, not its first 64 KiB: a late accent does not turn into rejected rows."""
    plain = [[f"Lead {i}", f"(415) 555-{i:04d}", "", "", "", "Website form", "2026-09-14"] for i in range(2000)]
    sheet_path.write_bytes(sheet_text([*plain, ROWS[0]]).encode("cp1252"))
    assert sheet_path.stat().st_size > 64 * 1024
    run = import_now(campaign)
    assert (run.status, run.rows_created, run.rows_rejected) == (ImportRun.Status.SUCCEEDED, 2001, 0)
    assert names(campaign)[-1] == "José Núñez"


def workbook_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("xl/workbook.xml", "<workbook/>" * 500)
    return buffer.getvalue()


@pytest.mark.parametrize(("how", "data"), [
    ("an .xlsx workbook renamed .csv", workbook_bytes()),
    ("a PNG image", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 40),
    ("UTF-16 without a BOM", sheet_text(ROWS).encode("utf-16-le")),
    ("random bytes", bytes((i * 7919) % 256 for i in range(20_000))),
])
def test_a_binary_file_fails_saying_which_encodings_are_read(campaign, sheet_path, caplog, how, data):
    sheet_path.write_bytes(data)
    with caplog.at_level(logging.ERROR):
        run = import_now(campaign)
    assert run.status == ImportRun.Status.FAILED, how
    assert run.error == (f"leads.csv is not a text file (it holds binary data): save the sheet as CSV in {ACCEPTED}, "
                         "or as an .xlsx workbook."), how
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]  # no traceback logged
    assert not Lead.objects.exists()


def test_a_nul_byte_in_one_row_rejects_that_row_and_imports_the_rest(campaign, sheet_path):
    text = sheet_text(ROWS).replace("Zoë O’Brien", "Zoë O’\x00Brien")
    sheet_path.write_bytes(text.encode())

    run = import_now(campaign)

    assert (run.status, run.rows_created, run.rows_rejected) == (ImportRun.Status.SUCCEEDED, 2, 1)
    assert names(campaign) == ["José Núñez", "Ann Lee"]
    rejection = ImportRejection.objects.get(run=run)
    assert rejection.row_number == 3
    assert rejection.reason == "the row holds a NUL byte (binary data, not text): correct or delete the row"
    assert rejection.raw["Full Name"] == "Zoë O’Brien"  # shown to staff without the NUL (PostgreSQL refuses it)


def test_a_stray_latin_1_byte_in_a_utf8_sheet_rejects_only_its_row(campaign, sheet_path):
    good = sheet_text(ROWS).encode()
    sheet_path.write_bytes(good + "Ren\xe9 Roy,404-555-0166,,,,Website form,2026-09-22\r\n".encode("latin-1"))

    run = import_now(campaign)

    assert (run.status, run.rows_created, run.rows_rejected) == (ImportRun.Status.SUCCEEDED, 3, 1)
    assert names(campaign) == NAMES  # the UTF-8 rows keep their accents
    rejection = ImportRejection.objects.get(run=run)
    assert (rejection.row_number, rejection.raw["Full Name"]) == (5, "Ren\ufffd Roy")
    assert rejection.reason == ("the row holds bytes that are not UTF-8 text: correct the row, or save the sheet as "
                                "CSV UTF-8")


def test_a_header_that_is_not_text_fails_the_import(campaign, sheet_path):
    sheet_path.write_bytes(b"Full Name,Phone\x81 Number\r\nAnn Lee,617-555-0121\r\n")
    run = import_now(campaign)
    assert run.status == ImportRun.Status.FAILED
    assert run.error == f"The header row of leads.csv is not readable text: save the sheet as CSV in {ACCEPTED}."
