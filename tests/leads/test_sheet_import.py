"""Importing a campaign's sheet: leads created, bad rows explained, re-imports idempotent."""
from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.leads.do_not_call import add_to_do_not_call
from apps.leads.importing import run_import
from apps.leads.models import DoNotCall, ImportRejection, ImportRun, Lead, LeadStatus
from tests.conftest import HEADER, write_csv

GOOD = [
    ["Maria Gonzalez", "(212) 555-0134", "118 W 57th St, New York, NY 10019", "maria@example.com", "2-bed condo",
     "Website form", "2026-09-14"],
    ["James Carter", "312.555.0101", "2200 N Lincoln Ave, Chicago, IL 60614", "", "", "Open house", "10/02/2026"],
]


def import_now(campaign, source=None) -> ImportRun:
    run = ImportRun.objects.create(campaign=campaign, source=source or campaign.sheet_source)
    return run_import(run)


def test_it_creates_normalised_leads_from_the_sheet(campaign, sheet_path):
    write_csv(sheet_path, GOOD)
    run = import_now(campaign)
    assert (run.status, run.rows_created, run.rows_rejected) == (ImportRun.Status.SUCCEEDED, 2, 0)
    maria = Lead.objects.get(campaign=campaign, phone="+12125550134")
    assert maria.raw_phone == "(212) 555-0134"
    assert maria.time_zone == "America/New_York"
    assert (maria.state, maria.postal_code) == ("NY", "10019")
    assert maria.consent_source == "Website form"
    assert maria.consent_at == dt.datetime(2026, 9, 14, tzinfo=dt.UTC)
    assert maria.sheet_row == 2 and maria.status == LeadStatus.NEW
    assert Lead.objects.get(phone="+13125550101").sheet_row == 3


def test_it_keeps_every_rejected_row_with_its_reason(campaign, sheet_path):
    write_csv(sheet_path, [
        *GOOD,
        ["Tom", "call after 5", "", "", "", "", ""],
        ["James again", "(312) 555-0101", "", "", "", "", ""],
        ["Nobody", "", "", "", "", "", ""],
        ["Fake", "555-010-0199", "", "", "", "", ""],
        ["Nina", "617-555-0121", "", "", "", "Website", "someday"],
        ["", "", "", "", "", "", ""],
    ])
    run = import_now(campaign)
    assert (run.rows_seen, run.rows_created, run.rows_rejected, run.rows_blank) == (8, 2, 5, 1)
    reasons = dict(ImportRejection.objects.filter(run=run).values_list("row_number", "reason"))
    assert reasons[4].startswith("not a phone number")
    assert reasons[5] == "duplicate phone +13125550101: same number as row 3"
    assert reasons[6] == "no phone number"
    assert reasons[7].startswith("no such number")
    assert reasons[8].startswith("consent date not understood")
    rejected = ImportRejection.objects.get(run=run, row_number=4)
    assert rejected.raw == {"Full Name": "Tom", "Phone Number": "call after 5"}


def test_reimporting_the_same_sheet_changes_nothing(campaign, sheet_path):
    write_csv(sheet_path, GOOD)
    import_now(campaign)
    before = {lead.pk: lead.updated_at for lead in Lead.objects.all()}
    run = import_now(campaign)
    assert (run.rows_created, run.rows_updated, run.rows_unchanged) == (0, 0, 2)
    assert {lead.pk: lead.updated_at for lead in Lead.objects.all()} == before


def test_an_edited_row_updates_its_lead_but_not_its_calling_state(campaign, sheet_path):
    write_csv(sheet_path, GOOD)
    import_now(campaign)
    Lead.objects.filter(phone="+12125550134").update(status=LeadStatus.CALLED, attempts=2, last_outcome="no_answer")
    edited = [[*GOOD[0][:4], "Now wants 3 beds", *GOOD[0][5:]], GOOD[1]]
    write_csv(sheet_path, edited)
    run = import_now(campaign)
    assert (run.rows_updated, run.rows_unchanged) == (1, 1)
    maria = Lead.objects.get(phone="+12125550134")
    assert maria.notes == "Now wants 3 beds"
    assert (maria.status, maria.attempts, maria.last_outcome) == (LeadStatus.CALLED, 2, "no_answer")


def test_a_moved_row_keeps_its_lead_and_updates_the_row_reference(campaign, sheet_path):
    write_csv(sheet_path, GOOD)
    import_now(campaign)
    write_csv(sheet_path, list(reversed(GOOD)))
    import_now(campaign)
    assert Lead.objects.count() == 2
    assert Lead.objects.get(phone="+12125550134").sheet_row == 3


def test_numbers_on_the_do_not_call_list_import_as_do_not_call(campaign, sheet_path):
    add_to_do_not_call("+13125550101", "asked us to stop")
    write_csv(sheet_path, GOOD)
    import_now(campaign)
    assert Lead.objects.get(phone="+13125550101").status == LeadStatus.DO_NOT_CALL
    assert Lead.objects.get(phone="+12125550134").status == LeadStatus.NEW


def test_a_number_blocked_after_import_is_marked_in_every_campaign(campaign, sheet_path):
    write_csv(sheet_path, GOOD)
    import_now(campaign)
    add_to_do_not_call("+12125550134", "opted out")
    assert Lead.objects.get(phone="+12125550134").status == LeadStatus.DO_NOT_CALL
    assert DoNotCall.objects.active().filter(phone="+12125550134").count() == 1


def test_a_missing_column_fails_the_import_and_imports_nothing(campaign, sheet_path):
    write_csv(sheet_path, [[row[0], row[1]] for row in GOOD], header=["Full Name", "Phone"])
    run = import_now(campaign)
    assert run.status == ImportRun.Status.FAILED
    assert "'Phone Number' (for phone)" in run.error
    assert "'Property Address' (for address)" in run.error
    assert Lead.objects.count() == 0


def test_a_failed_import_leaves_earlier_leads_untouched(campaign, sheet_path):
    write_csv(sheet_path, GOOD)
    import_now(campaign)
    snapshot = list(Lead.objects.order_by("pk").values())
    run = import_now(campaign, source=str(sheet_path.with_name("gone.csv")))
    assert run.status == ImportRun.Status.FAILED and "Cannot open" in run.error
    assert list(Lead.objects.order_by("pk").values()) == snapshot


def test_the_results_we_write_back_are_not_read_as_lead_data(campaign, sheet_path):
    header = [*HEADER, "Outcome", "Lead Source", "Score"]  # our result columns among the staff's
    write_csv(sheet_path, [[*GOOD[0], "", "Zillow", ""], [*GOOD[1], "", "", ""]], header=header)
    import_now(campaign)
    write_csv(sheet_path, [[*GOOD[0], "Appointment booked", "Zillow", "85"], [*GOOD[1], "No answer", "", "0"]],
              header=header)  # what the write-back puts there after the calls
    run = import_now(campaign)
    assert (run.rows_created, run.rows_updated, run.rows_unchanged) == (0, 0, 2)
    assert Lead.objects.get(phone="+12125550134").extra == {"Lead Source": "Zillow"}


def test_columns_are_matched_ignoring_case_and_spaces_and_extras_are_kept(campaign, sheet_path):
    header = [h.upper() + " " for h in HEADER] + ["Lead Source"]
    write_csv(sheet_path, [[*GOOD[0], "Zillow"]], header=header)
    import_now(campaign)
    lead = Lead.objects.get()
    assert (lead.name, lead.phone, lead.notes) == ("Maria Gonzalez", "+12125550134", "2-bed condo")
    assert lead.extra == {"Lead Source": "Zillow"}


def test_consent_marked_no_means_no_consent(campaign, sheet_path):
    write_csv(sheet_path, [["Derek", "404-555-0166", "", "", "", "No", ""],
                           ["Robert", "303-555-0142", "", "", "", "yes", "10/05/2026"]])
    import_now(campaign)
    assert Lead.objects.get(phone="+14045550166").consent_source == ""
    robert = Lead.objects.get(phone="+13035550142")
    assert robert.consent_source == "sheet" and robert.consent_at.date() == dt.date(2026, 10, 5)


def test_a_consent_date_in_the_future_is_rejected(campaign, sheet_path):
    tomorrow_plus = (timezone.now() + dt.timedelta(days=3)).date().isoformat()
    write_csv(sheet_path, [["Ann", "404-555-0166", "", "", "", "Website", tomorrow_plus]])
    run = import_now(campaign)
    assert run.rows_rejected == 1
    assert run.rejections.get().reason.startswith("consent date is in the future")


def test_an_xlsx_sheet_imports_like_a_csv(campaign, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Leads"
    sheet.append(HEADER)
    sheet.append(["Maria Gonzalez", 2125550134, "118 W 57th St, New York, NY 10019", "", "", "Website", "2026-09-14"])
    path = tmp_path / "leads.xlsx"
    book.save(path)
    campaign.sheet_source, campaign.sheet_worksheet = str(path), "Leads"
    campaign.save()
    run = import_now(campaign)
    assert run.rows_created == 1
    assert Lead.objects.get().phone == "+12125550134"


@pytest.mark.parametrize("rows", [100, 400])
def test_queries_per_import_grow_with_batches_not_rows(campaign, sheet_path, settings, rows):
    settings.SHEETS_IMPORT_BATCH_SIZE = 100
    write_csv(sheet_path, [[f"Lead {i}", f"+1212555{i:04d}", "", "", "", "Website", "2026-09-14"]
                           for i in range(rows)])
    with CaptureQueriesContext(connection) as queries:
        run = import_now(campaign)
    assert run.rows_created == rows
    batches = rows // 100
    # A fixed handful of queries per batch of 100 rows, never one per row.
    assert len(queries) <= 10 + 6 * batches


def test_rejected_rows_are_kept_for_the_latest_runs_only(campaign, sheet_path, settings):
    settings.IMPORT_REJECTIONS_KEEP_RUNS = 2
    write_csv(sheet_path, [*GOOD, ["Tom", "call after 5", "", "", "", "", ""]])
    runs = [import_now(campaign) for _ in range(4)]
    kept = set(ImportRejection.objects.values_list("run_id", flat=True))
    assert kept == {runs[2].pk, runs[3].pk}
    assert [r.rows_rejected for r in ImportRun.objects.order_by("pk")] == [1, 1, 1, 1]


def test_a_number_blocked_between_imports_is_caught_on_the_next_one(campaign, sheet_path):
    write_csv(sheet_path, GOOD)
    import_now(campaign)
    DoNotCall.objects.create(phone="+12125550134", reason="national registry", source=DoNotCall.Source.REGISTRY)
    run = import_now(campaign)
    assert (run.rows_updated, run.rows_unchanged) == (1, 1)
    assert Lead.objects.get(phone="+12125550134").status == LeadStatus.DO_NOT_CALL


def test_a_changed_column_mapping_rereads_unchanged_rows(campaign, sheet_path):
    write_csv(sheet_path, GOOD)
    import_now(campaign)
    campaign.column_mapping = {**campaign.column_mapping, "notes": "Email", "email": "Notes"}
    campaign.save()
    run = import_now(campaign)
    assert run.rows_updated == 2
    assert Lead.objects.get(phone="+12125550134").notes == "maria@example.com"
