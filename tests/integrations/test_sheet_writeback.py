"""After each call its results go back to the campaign's sheet: the lead's row in a Google Sheet (through gspread,
against a local Google speaking Sheets API v4 at the wire), a results tab, or a results CSV beside a CSV sheet."""
from __future__ import annotations

import csv
import datetime as dt
import json

import pytest
import redis
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError

from apps.calls.lifecycle import finish_call
from apps.calls.models import Appointment, Call, CallStatus
from apps.campaigns.models import Campaign
from apps.integrations.sheets.models import SheetWriteback
from apps.leads.importing import run_import
from apps.leads.models import ImportRun, Lead, LeadStatus
from apps.leads.services import schedule_callback
from tests.conftest import HEADER, MAPPING, write_csv
from workers.postcall import analyse_call, flush_sheet_writeback, record_sheet_writeback

KEY = "1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms"
STAFF = "Agent Notes"  # a column the staff keep by hand: never written
MARIA = ["Maria Gonzalez", "(212) 555-0134", "118 W 57th St, New York, NY 10019", "maria@example.com", "2-bed condo",
         "Website form", "2026-09-14", "VIP, call before noon"]
JAMES = ["James Carter", "312.555.0101", "2200 N Lincoln Ave, Chicago, IL 60614", "", "", "Open house", "10/02/2026",
         "met at the open house"]
ANN = ["Ann Lee", "617-555-0121", "12 Beacon St, Boston, MA 02108", "", "", "Website form", "2026-09-20", ""]
RESULTS = ["Call Status", "Last Called", "Outcome", "Score", "Band", "Appointment", "Callback", "Summary"]
ENDED = dt.datetime(2026, 12, 2, 15, 31, tzinfo=dt.UTC)  # 10:31 AM in New York, 9:31 AM in Chicago
MEETING = dt.datetime(2026, 12, 4, 19, 0, tzinfo=dt.UTC)  # 2:00 PM in New York
CALLBACK = dt.datetime(2026, 12, 3, 23, 0, tzinfo=dt.UTC)  # 5:00 PM in Chicago
HOT_FACTS = {"intent": {"value": "buy"}, "location": {"value": "Oak Park"}, "timeline": {"value": 3},
             "budget": {"value": 450000}, "preapproved": {"value": "yes"}, "has_agent": {"value": False}}


@pytest.fixture(autouse=True)
def fresh_writeback_state(settings):
    """Locks and the minute's quota live in Redis, keyed by sheet: start each test without the last one's."""
    settings.SHEETS_WRITEBACK_INTERVAL_SECONDS = 0
    client = redis.Redis.from_url(django_settings.REDIS_URL)
    keys = list(client.scan_iter("sheets:writeback:*"))
    if keys:
        client.delete(*keys)


@pytest.fixture
def google_campaign(campaign, google, settings):
    """The campaign imports the 'Leads' tab of spreadsheet KEY from the local Google, and writes back to it."""
    info = google.service_account_info()
    settings.GOOGLE_SERVICE_ACCOUNT_JSON = json.dumps(info)
    settings.GOOGLE_SHEETS_API_URL = google.base_url
    google.add_spreadsheet(KEY, {"Leads": [[*HEADER, STAFF], MARIA, JAMES, ANN]})
    campaign.sheet_source = f"https://docs.google.com/spreadsheets/d/{KEY}/edit#gid=0"
    campaign.sheet_worksheet = "Leads"
    campaign.save()
    return campaign


def import_leads(campaign) -> dict[str, Lead]:
    run = run_import(ImportRun.objects.create(campaign=campaign, source=campaign.sheet_source))
    assert run.status == ImportRun.Status.SUCCEEDED, run.error
    return {lead.name.split()[0]: lead for lead in Lead.objects.filter(campaign=campaign)}


def call_ends(lead: Lead, status: str = CallStatus.COMPLETED, *, facts: dict | None = None, meeting: bool = False,
              callback: dt.datetime | None = None) -> Call:
    """A call of the lead ends as the platform ends it; then the post-call task the call's end queues runs."""
    answered = status == CallStatus.COMPLETED
    call = Call.objects.create(lead=lead, campaign=lead.campaign, status=CallStatus.IN_PROGRESS if answered
                               else CallStatus.RINGING, answered_at=ENDED - dt.timedelta(minutes=3) if answered
                               else None, facts=facts or {}, callback_at=callback,
                               disposition="callback" if callback else "")
    Lead.objects.filter(pk=lead.pk).update(status=LeadStatus.IN_CALL)  # as the dialer leaves it
    if meeting:  # what the agent's booking does during the call
        Appointment.objects.create(lead=lead, call=call, starts_at=MEETING, ends_at=MEETING + dt.timedelta(minutes=30),
                                   lead_time_zone=lead.time_zone)
        Lead.objects.filter(pk=lead.pk).update(status=LeadStatus.APPOINTMENT)
    if callback:
        schedule_callback(lead.pk, callback)
    finish_call(call.pk, status)
    Call.objects.filter(pk=call.pk).update(ended_at=ENDED)  # a known time, to read it back in the lead's zone
    Lead.objects.filter(pk=lead.pk).update(last_called_at=ENDED)
    if answered:
        analyse_call.apply(args=[call.pk])  # the analysis, then the results queued for the sheet
    else:
        record_sheet_writeback.apply(args=[call.pk])  # what finish_call queues for an unanswered call
    call.refresh_from_db()
    return call


def flush(campaign) -> str:
    """The flush task as a worker runs it (eagerly: a retry runs at once)."""
    return flush_sheet_writeback.apply(args=[campaign.pk]).get()


def results_csv(path) -> list[dict]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


# --- the lead's row ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_writes_a_calls_results_into_the_leads_row_under_new_headers(google_campaign, google):
    leads = import_leads(google_campaign)
    hot = call_ends(leads["Maria"], facts=HOT_FACTS, meeting=True)
    call_ends(leads["James"], CallStatus.NO_ANSWER)

    assert flush(google_campaign) == "2 done"

    # The result headers are added after the last used column; the staff's column and every other cell stay.
    assert google.cells(KEY, "Leads")[0] == [*HEADER, STAFF, *RESULTS]
    maria, james = Lead.objects.get(pk=leads["Maria"].pk), Lead.objects.get(pk=leads["James"].pk)
    assert google.record(KEY, "Leads", 2) == {
        **dict(zip([*HEADER, STAFF], MARIA, strict=True)),
        "Call Status": "Appointment booked", "Last Called": "2026-12-02 10:31 AM EST", "Outcome": "Appointment booked",
        "Score": str(maria.score), "Band": "Hot", "Appointment": "2026-12-04 2:00 PM EST", "Summary": hot.summary,
    }
    assert "Appointment booked" in hot.summary and maria.score >= 70
    assert google.record(KEY, "Leads", 3) == {
        **{name: cell for name, cell in zip([*HEADER, STAFF], JAMES, strict=True) if cell},
        "Call Status": "Called", "Last Called": "2026-12-02 9:31 AM CST", "Outcome": "No answer",
    }
    assert james.status == LeadStatus.CALLED
    assert google.cells(KEY, "Leads")[3] == ANN[:7]  # not called: untouched
    assert list(SheetWriteback.objects.values_list("status", "sheet_row").order_by("call_id")) == [
        ("done", 2), ("done", 3)]


@pytest.mark.django_db
def test_it_writes_every_call_of_a_campaign_in_one_batch_update(google_campaign, google):
    leads = import_leads(google_campaign)
    for lead in leads.values():
        call_ends(lead, CallStatus.BUSY)
    call_ends(leads["Ann"], callback=CALLBACK, facts={"intent": {"value": "sell"}})  # Ann again, later
    imported = len(google.api_requests)

    assert flush(google_campaign) == "4 done"

    [write] = google.value_writes
    assert write.status == 200 and write.body["valueInputOption"] == "RAW"
    # The new headers, then one range per lead (Ann's twice-called row once, with her later call).
    assert [d["range"] for d in write.body["data"]] == ["'Leads'!I1:P1", "'Leads'!I2:P2", "'Leads'!I3:P3",
                                                        "'Leads'!I4:P4"]
    assert google.structure_writes == []  # the 26 columns of a new sheet are room enough
    flush_requests = google.api_requests[imported:]
    # The tabs, one batchGet (header and rows), the whole tab once (new headers go after its last used
    # column), one write.
    assert [(r.method, r.path.rsplit("/", 1)[-1]) for r in flush_requests] == [
        ("GET", KEY), ("GET", "values:batchGet"), ("GET", "'Leads'"), ("POST", "values:batchUpdate")]
    assert [google.record(KEY, "Leads", row)["Outcome"] for row in (2, 3, 4)] == ["Busy", "Busy", "Callback requested"]
    assert google.record(KEY, "Leads", 4)["Callback"] == "2026-12-03 6:00 PM EST"  # Ann lives in Boston
    assert flush(google_campaign) == "nothing to write"
    assert len(google.value_writes) == 1


@pytest.mark.django_db
def test_headers_already_there_are_reused_wherever_they_stand(google_campaign, google):
    google.add_spreadsheet(KEY, {"Leads": [["outcome ", *HEADER, "Score"], ["", *MARIA[:7], "12"]]})
    google_campaign.writeback_columns = {"outcome": "Outcome", "score": "Score"}
    google_campaign.save()
    leads = import_leads(google_campaign)
    call_ends(leads["Maria"], CallStatus.NO_ANSWER)

    flush(google_campaign)

    assert google.cells(KEY, "Leads") == [["outcome ", *HEADER, "Score"], ["No answer", *MARIA[:7]]]


@pytest.mark.django_db
def test_it_never_takes_a_column_that_holds_staff_data_even_without_a_header(google_campaign, google):
    """A note typed in column I of one row, under no header: the new columns start after it, and the
    sheet's grid (9 columns wide here) is widened first, in the same structural request."""
    google.add_spreadsheet(KEY, {"Leads": [HEADER, MARIA[:7], [*JAMES[:7], "", "do not sell"]]}, column_count=9)
    leads = import_leads(google_campaign)
    call_ends(leads["James"], CallStatus.VOICEMAIL)

    flush(google_campaign)

    assert google.cells(KEY, "Leads")[0] == [*HEADER, "", "", *RESULTS]
    assert google.cells(KEY, "Leads")[2][:9] == [*JAMES[:7], "", "do not sell"]
    assert google.record(KEY, "Leads", 3)["Outcome"] == "Voicemail"
    [grow] = google.structure_writes
    assert grow.body == {"requests": [{"appendDimension": {"sheetId": 0, "dimension": "COLUMNS", "length": 8}}]}
    assert google.tab(KEY, "Leads").column_count == 17


# --- rows that moved --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_lead_whose_row_moved_is_found_by_phone_and_the_row_now_there_is_left_alone(google_campaign, google):
    leads = import_leads(google_campaign)
    call_ends(leads["Maria"], CallStatus.NO_ANSWER)
    zed = ["Zed Newman", "(718) 555-0199", "", "", "", "", "", "added by staff"]
    google.tab(KEY, "Leads").rows.insert(1, zed)  # staff inserted a row above Maria's after the import

    flush(google_campaign)

    assert google.cells(KEY, "Leads")[1] == zed
    assert google.record(KEY, "Leads", 3)["Full Name"] == "Maria Gonzalez"
    assert google.record(KEY, "Leads", 3)["Outcome"] == "No answer"
    assert Lead.objects.get(pk=leads["Maria"].pk).sheet_row == 3
    assert SheetWriteback.objects.get().sheet_row == 3


@pytest.mark.django_db
def test_a_lead_whose_row_is_gone_is_not_written_and_staff_see_why(google_campaign, google):
    google_campaign.results_worksheet = "Call results"
    google_campaign.save()
    leads = import_leads(google_campaign)
    call_ends(leads["Maria"], CallStatus.NO_ANSWER)
    call_ends(leads["James"], CallStatus.NO_ANSWER)
    del google.tab(KEY, "Leads").rows[1]  # Maria's row deleted: James is now on row 2, Ann on row 3

    assert flush(google_campaign) == "1 done, 1 failed"

    assert "Outcome" not in google.record(KEY, "Leads", 3)  # Ann's row did not get Maria's results
    assert google.record(KEY, "Leads", 2)["Outcome"] == "No answer"  # James, found by phone
    maria = SheetWriteback.objects.get(call__lead=leads["Maria"])
    assert maria.status == SheetWriteback.Status.FAILED
    assert maria.last_error.startswith("Row 2 of 'Leads' no longer holds this lead's number (+1••••••0134) and no "
                                       "other row does")
    assert "'Call results' tab has them" in maria.last_error
    assert [row[2] for row in google.cells(KEY, "Call results")[1:]] == ["+12125550134", "+13125550101"]


# --- retries and replays ----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("status", "applied"), [(429, False), (503, False), (502, True)])
def test_a_refused_write_is_retried_and_lands_once(google_campaign, google, status, applied):
    """429/5xx: retried with backoff (at once here: the task runs eagerly). `applied`: Google made the change but
    its answer was lost; the retry reads the results tab's Call IDs and adds no row twice."""
    google.add_spreadsheet(KEY, {"Leads": [[*HEADER, STAFF], MARIA, JAMES], "Call results": []})
    google_campaign.results_worksheet = "Call results"
    google_campaign.save()
    leads = import_leads(google_campaign)
    call = call_ends(leads["Maria"], CallStatus.NO_ANSWER)
    google.fail_next_writes(1, status=status, applied=applied)

    assert flush(google_campaign) == "1 done"

    assert [r.status for r in google.value_writes] == [status, 200]
    assert google.cells(KEY, "Call results")[1:] == [[str(call.pk), "Maria Gonzalez", "+12125550134", "2",
                                                      "No answer", "2026-12-02 10:31 AM EST", "No answer"]]
    assert google.record(KEY, "Leads", 2)["Outcome"] == "No answer"
    item = SheetWriteback.objects.get()
    assert (item.status, item.attempts, item.last_error) == ("done", 2, "")


@pytest.mark.django_db
def test_results_stay_pending_while_google_keeps_refusing(google_campaign, google, settings):
    settings.SHEETS_WRITEBACK_RETRIES = 2
    leads = import_leads(google_campaign)
    call_ends(leads["Maria"], CallStatus.NO_ANSWER)
    google.fail_next_writes(3, status=429)

    assert flush(google_campaign).startswith("still pending (beat tries again every minute): Google Sheets API "
                                             "error 429: Quota exceeded for quota metric 'Write requests'")

    item = SheetWriteback.objects.get()
    assert (item.status, item.attempts) == ("pending", 3)
    assert "Outcome" not in google.record(KEY, "Leads", 2)
    assert flush(google_campaign) == "1 done"  # the next minute's try
    assert google.record(KEY, "Leads", 2)["Outcome"] == "No answer"


@pytest.mark.django_db
def test_a_replayed_post_call_task_writes_nothing_twice(google_campaign, google):
    google_campaign.results_worksheet = "Call results"
    google_campaign.save()
    leads = import_leads(google_campaign)
    call = call_ends(leads["Maria"], facts=HOT_FACTS)
    analyse_call.apply(args=[call.pk])  # the broker redelivers the task
    assert record_sheet_writeback.apply(args=[call.pk]).get().startswith("already queued")

    flush(google_campaign)
    analyse_call.apply(args=[call.pk])  # and again, after the write
    flush(google_campaign)

    assert SheetWriteback.objects.count() == 1
    assert len(google.value_writes) == 1
    assert len(google.cells(KEY, "Call results")) == 2  # the header and one call


# --- the results tab --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_results_tab_is_created_and_gets_one_row_per_call(google_campaign, google):
    google_campaign.results_worksheet = "Call results"
    google_campaign.save()
    leads = import_leads(google_campaign)
    first = call_ends(leads["James"], CallStatus.NO_ANSWER)
    flush(google_campaign)
    second = call_ends(leads["James"], callback=CALLBACK, facts={"intent": {"value": "sell"}})
    flush(google_campaign)

    [added] = google.structure_writes
    assert added.body["requests"][0]["addSheet"]["properties"]["title"] == "Call results"
    assert google.cells(KEY, "Call results") == [
        ["Call ID", "Name", "Phone", "Sheet Row", *RESULTS],
        [str(first.pk), "James Carter", "+13125550101", "3", "No answer", "2026-12-02 9:31 AM CST", "No answer"],
        [str(second.pk), "James Carter", "+13125550101", "3", "Completed", "2026-12-02 9:31 AM CST",
         "Callback requested", str(second.score), second.score_band.title(), "", "2026-12-03 5:00 PM CST",
         second.summary],
    ]
    assert second.summary.endswith("Asked to be called back at Thu 3 Dec 5 PM CST.")  # the lead's clock
    assert google.record(KEY, "Leads", 3)["Callback"] == "2026-12-03 5:00 PM CST"


# --- staff see what failed ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_sheet_shared_read_only_fails_with_the_reason_until_staff_share_it(google_campaign, google, superuser,
                                                                             client):
    google.spreadsheets[KEY].editors = {"someone-else@example.com"}
    leads = import_leads(google_campaign)  # reading is allowed
    call_ends(leads["Maria"], CallStatus.NO_ANSWER)

    assert flush(google_campaign).startswith("failed, staff must act")
    item = SheetWriteback.objects.get()
    assert item.status == SheetWriteback.Status.FAILED
    assert item.last_error == ("The service account may not edit this spreadsheet: share it with the account's "
                               "e-mail as an editor")
    client.force_login(superuser)
    page = client.get("/admin/sheets/sheetwriteback/?status__exact=failed").content.decode()
    assert "share it with the account&#x27;s e-mail as an editor" in page
    campaign_page = client.get(f"/admin/campaigns/campaign/{google_campaign.pk}/change/").content.decode()
    assert "0 pending, 1 failed" in campaign_page

    google.spreadsheets[KEY].editors = None  # staff share the sheet, then press "Write again"
    client.post("/admin/sheets/sheetwriteback/", {"action": "write_again", "_selected_action": [item.pk]})
    assert flush(google_campaign) == "1 done"
    assert google.record(KEY, "Leads", 2)["Outcome"] == "No answer"


@pytest.mark.django_db
def test_writes_to_one_sheet_are_spaced_by_the_interval(google_campaign, google, settings):
    settings.SHEETS_WRITEBACK_INTERVAL_SECONDS = 30
    leads = import_leads(google_campaign)
    call_ends(leads["Maria"], CallStatus.NO_ANSWER)
    assert flush(google_campaign) == "1 done"
    call_ends(leads["James"], CallStatus.NO_ANSWER)

    waiting = flush(google_campaign)  # it queues itself again for when the interval is over
    assert waiting.startswith("waiting ") and 25 < float(waiting.split()[1]) <= 30

    assert len(google.value_writes) == 1
    assert SheetWriteback.objects.get(call__lead=leads["James"]).status == "pending"


# --- CSV sheets and rehearsals ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_csv_sheet_gets_a_results_file_beside_it_and_is_itself_left_alone(campaign, sheet_path):
    write_csv(sheet_path, [MARIA[:7], JAMES[:7]])
    before = sheet_path.read_bytes()
    leads = import_leads(campaign)
    hot = call_ends(leads["Maria"], facts=HOT_FACTS, meeting=True)
    missed = call_ends(leads["James"], CallStatus.NO_ANSWER)

    assert flush(campaign) == "2 done"
    record_sheet_writeback.apply(args=[missed.pk])  # a replay
    flush(campaign)

    assert sheet_path.read_bytes() == before
    assert results_csv(sheet_path.with_name("leads.results.csv")) == [
        {"Call ID": str(hot.pk), "Name": "Maria Gonzalez", "Phone": "+12125550134", "Sheet Row": "2",
         "Call Status": "Completed", "Last Called": "2026-12-02 10:31 AM EST", "Outcome": "Appointment booked",
         "Score": str(hot.score), "Band": "Hot", "Appointment": "2026-12-04 2:00 PM EST", "Callback": "",
         "Summary": hot.summary},
        {"Call ID": str(missed.pk), "Name": "James Carter", "Phone": "+13125550101", "Sheet Row": "3",
         "Call Status": "No answer", "Last Called": "2026-12-02 9:31 AM CST", "Outcome": "No answer", "Score": "",
         "Band": "", "Appointment": "", "Callback": "", "Summary": ""},
    ]


@pytest.mark.django_db
def test_the_results_file_follows_the_campaigns_columns(campaign, sheet_path):
    write_csv(sheet_path, [MARIA[:7], JAMES[:7]])
    leads = import_leads(campaign)
    first = call_ends(leads["Maria"], CallStatus.BUSY)
    flush(campaign)
    campaign.writeback_columns = {"outcome": "Result", "last_called": "Called At"}
    campaign.save()
    second = call_ends(leads["James"], CallStatus.BUSY)
    flush(campaign)

    rows = results_csv(sheet_path.with_name("leads.results.csv"))
    assert [(r["Call ID"], r["Outcome"], r["Result"], r["Called At"]) for r in rows] == [
        (str(first.pk), "Busy", "", ""), (str(second.pk), "", "Busy", "2026-12-02 9:31 AM CST")]


@pytest.mark.django_db
def test_a_rehearsal_writes_its_calls_beside_the_campaigns_sheet(campaign, sheet_path):
    """A rehearsal's persona leads are not rows of the staff's sheet: its calls go to a results file of their own."""
    write_csv(sheet_path, [MARIA[:7]])
    before = sheet_path.read_bytes()
    shadow = Campaign.objects.create(name="Spring buyers (rehearsal)", slug="spring-rehearsal", sheet_source="")
    persona = Lead.objects.create(campaign=shadow, phone="+12125550110", name="Hot Buyer", time_zone="America/New_York")
    call = call_ends(persona, CallStatus.NO_ANSWER)

    flush(shadow)

    assert sheet_path.read_bytes() == before
    assert not sheet_path.with_name("leads.results.csv").exists()
    [row] = results_csv(sheet_path.with_name("leads.rehearsal.results.csv"))
    assert (row["Call ID"], row["Name"], row["Outcome"], row["Sheet Row"]) == (str(call.pk), "Hot Buyer", "No answer",
                                                                               "")


@pytest.mark.django_db
def test_a_campaign_with_write_back_off_queues_nothing(campaign, sheet_path):
    write_csv(sheet_path, [MARIA[:7]])
    campaign.writeback_enabled = False
    campaign.save()
    leads = import_leads(campaign)
    call_ends(leads["Maria"], CallStatus.NO_ANSWER)
    assert not SheetWriteback.objects.exists()
    assert not sheet_path.with_name("leads.results.csv").exists()


@pytest.mark.django_db
def test_result_columns_may_not_take_a_column_the_import_reads(campaign):
    campaign.writeback_columns = {"outcome": "notes"}  # the campaign imports "Notes"
    with pytest.raises(ValidationError) as raised:
        campaign.full_clean()
    assert raised.value.message_dict["writeback_columns"] == [
        "These columns are read by the import and are never written: notes"]
    campaign.writeback_columns, campaign.column_mapping = {"outcome": "Outcome"}, MAPPING
    campaign.full_clean()


# --- the whole path, on a worker ---------------------------------------------------------------------------


@pytest.mark.celery_worker
def test_calls_ending_on_the_platform_reach_the_results_file_through_the_worker(celery_worker, campaign, sheet_path,
                                                                                settings):
    """finish_call queues the write-back (an unanswered call at once, an answered one after its analysis);
    a flush follows after the interval."""
    from tests.waiting import wait_for

    settings.SHEETS_WRITEBACK_INTERVAL_SECONDS = 0.5
    write_csv(sheet_path, [MARIA[:7], JAMES[:7]])
    leads = import_leads(campaign)
    talked = Call.objects.create(lead=leads["Maria"], campaign=campaign, status=CallStatus.IN_PROGRESS,
                                 answered_at=ENDED, facts=HOT_FACTS)
    missed = Call.objects.create(lead=leads["James"], campaign=campaign, status=CallStatus.RINGING)
    Lead.objects.filter(campaign=campaign).update(status=LeadStatus.IN_CALL)

    finish_call(missed.pk, CallStatus.NO_ANSWER)
    finish_call(talked.pk, CallStatus.COMPLETED)

    path = sheet_path.with_name("leads.results.csv")
    rows = wait_for(lambda: path.exists() and len(results_csv(path)) == 2 and results_csv(path))
    assert {(r["Name"], r["Outcome"], r["Band"]) for r in rows} == {("Maria Gonzalez", "Qualified", "Hot"),
                                                                   ("James Carter", "No answer", "")}
    wait_for(lambda: set(SheetWriteback.objects.values_list("status", flat=True)) == {"done"})
