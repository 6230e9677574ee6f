"""`manage.py import_sheet <slug>` imports now and tells staff what happened."""
from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from apps.leads.models import ImportRun, Lead
from tests.conftest import write_csv


def test_it_imports_and_lists_the_rejected_rows(campaign, sheet_path):
    write_csv(sheet_path, [["Maria", "(212) 555-0134", "", "", "", "", ""], ["Tom", "nope", "", "", "", "", ""]])
    out = StringIO()
    call_command("import_sheet", "spring", stdout=out)
    assert "1 created" in out.getvalue() and "1 rejected" in out.getvalue()
    assert "row 3: not a phone number" in out.getvalue()
    assert ImportRun.objects.get().trigger == ImportRun.Trigger.COMMAND
    assert Lead.objects.count() == 1


def test_it_reads_another_source_when_asked(campaign, tmp_path):
    other = write_csv(tmp_path / "other.csv", [["Maria", "(212) 555-0134", "", "", "", "", ""]])
    call_command("import_sheet", "spring", "--source", str(other), stdout=StringIO())
    assert ImportRun.objects.get().source == str(other)


def test_it_fails_loudly(campaign, sheet_path):
    with pytest.raises(CommandError, match="No campaign with slug 'nope'"):
        call_command("import_sheet", "nope")
    write_csv(sheet_path, [["Maria"]], header=["Full Name"])
    with pytest.raises(CommandError, match=r"Missing column .*'Phone Number' \(for phone\)"):
        call_command("import_sheet", "spring")
