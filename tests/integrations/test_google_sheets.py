"""Importing a campaign's Google Sheet through gspread and google-auth, against a local Google at the wire."""
from __future__ import annotations

import json
import socket

import pytest

from apps.integrations.sheets.google import GoogleSheetSource
from apps.leads.importing import run_import
from apps.leads.models import ImportRejection, ImportRun, Lead
from tests.conftest import HEADER

KEY = "1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms"
MARIA = ["Maria Gonzalez", "(212) 555-0134", "118 W 57th St, New York, NY 10019", "maria@example.com", "2-bed condo",
         "Website form", "2026-09-14"]
JAMES = ["James Carter", "312.555.0101", "2200 N Lincoln Ave, Chicago, IL 60614", "", "", "Open house", "10/02/2026"]
LEADS_TAB = [
    HEADER,
    MARIA,
    JAMES,
    [],  # a blank row in the middle: Google sends []
    ["Tom", "call after 5"],  # Google leaves out the trailing empty cells
    ["Ann Lee", "617-555-0121", "", "", "", "", ""],
    ["", "", ""],  # trailing blank rows are not sent at all
    [],
]
ARCHIVE_TAB = [HEADER, ["Old Lead", "(415) 555-0199", "", "", "", "", ""]]


@pytest.fixture
def sa_info(google) -> dict:
    return google.service_account_info()


@pytest.fixture
def google_campaign(campaign, google, sa_info, settings):
    """The campaign reads the 'Leads' tab of spreadsheet KEY (its first tab is 'Archive') from the local Google."""
    settings.GOOGLE_SERVICE_ACCOUNT_JSON = json.dumps(sa_info)
    settings.GOOGLE_SHEETS_API_URL = google.base_url
    google.add_spreadsheet(KEY, {"Archive": ARCHIVE_TAB, "Leads": LEADS_TAB})
    campaign.sheet_source = f"https://docs.google.com/spreadsheets/d/{KEY}/edit#gid=0"
    campaign.sheet_worksheet = "Leads"
    campaign.save()
    return campaign


@pytest.fixture
def no_backoff(monkeypatch):
    monkeypatch.setattr(GoogleSheetSource, "retry_backoff_seconds", 0)


def import_now(campaign) -> ImportRun:
    return run_import(ImportRun.objects.create(campaign=campaign, source=campaign.sheet_source))


def lead_snapshot(campaign) -> list[tuple]:
    return list(Lead.objects.filter(campaign=campaign).order_by("phone")
                .values_list("phone", "name", "notes", "sheet_row", "updated_at"))


# --- reading a sheet -------------------------------------------------------------


def test_it_imports_the_named_tab_of_a_google_sheet(google_campaign):
    run = import_now(google_campaign)
    assert run.status == ImportRun.Status.SUCCEEDED, run.error
    assert (run.rows_seen, run.rows_created, run.rows_rejected, run.rows_blank) == (5, 3, 1, 1)
    rows = dict(Lead.objects.filter(campaign=google_campaign).values_list("phone", "sheet_row"))
    assert rows == {"+12125550134": 2, "+13125550101": 3, "+16175550121": 6}  # the 'Archive' tab was not read
    maria = Lead.objects.get(phone="+12125550134")
    assert (maria.name, maria.email, maria.state, maria.consent_source) == (
        "Maria Gonzalez", "maria@example.com", "NY", "Website form")
    rejection = ImportRejection.objects.get(run=run)
    assert rejection.row_number == 5
    assert rejection.reason.startswith("not a phone number")
    assert rejection.raw == {"Full Name": "Tom", "Phone Number": "call after 5"}


def test_it_reads_a_tab_whose_name_needs_quoting(google_campaign, google):
    google.add_spreadsheet(KEY, {"Spring '26 leads!": [HEADER, MARIA]})
    google_campaign.sheet_worksheet = "Spring '26 leads!"
    google_campaign.save()
    run = import_now(google_campaign)
    assert (run.status, run.rows_created) == (ImportRun.Status.SUCCEEDED, 1), run.error


def test_it_opens_the_first_tab_when_no_tab_is_named(google_campaign):
    google_campaign.sheet_worksheet = ""
    google_campaign.save()
    run = import_now(google_campaign)
    assert run.status == ImportRun.Status.SUCCEEDED, run.error
    assert list(Lead.objects.values_list("phone", flat=True)) == ["+14155550199"]


def test_it_reads_many_rows_in_a_few_requests_with_one_bearer_token(google_campaign, google):
    phones = [f"(212) 555-{i:04d}" for i in range(10_000)] + [f"(312) 555-{i:04d}" for i in range(2_000)]
    google.add_spreadsheet(KEY, {"Leads": [HEADER, *([f"Lead {i}", phone] for i, phone in enumerate(phones))]})
    assert GoogleSheetSource.block_rows == 5000

    run = import_now(google_campaign)

    assert (run.status, run.rows_created) == (ImportRun.Status.SUCCEEDED, 12_000), run.error
    assert Lead.objects.get(phone="+13125551999").sheet_row == 12_001
    # The header, then 12,000 rows in blocks of 5000: never one request per row.
    assert google.read_ranges() == ["'Leads'!1:1", "'Leads'!2:5001", "'Leads'!5002:10001", "'Leads'!10002:12001"]
    assert len(google.token_requests) == 1
    [token] = google.grants
    assert {r.authorization for r in google.api_requests} == {f"Bearer {token}"}


def test_it_gets_a_new_token_when_google_expires_the_old_one_mid_import(google_campaign, google):
    google.expire_tokens(after=1)  # the header is read with the first token, the rows are not
    run = import_now(google_campaign)
    assert (run.status, run.rows_created) == (ImportRun.Status.SUCCEEDED, 3), run.error
    assert [r.status for r in google.values_requests] == [200, 401, 200]
    assert len(google.token_requests) == 2
    [new_token] = google.grants
    assert google.values_requests[-1].authorization == f"Bearer {new_token}"


def test_it_reads_the_service_account_key_from_a_file(google_campaign, sa_info, settings, tmp_path):
    key_file = tmp_path / "service-account.json"
    key_file.write_text(json.dumps(sa_info))
    settings.GOOGLE_SERVICE_ACCOUNT_JSON = str(key_file)
    run = import_now(google_campaign)
    assert (run.status, run.rows_created) == (ImportRun.Status.SUCCEEDED, 3), run.error


# --- credentials -------------------------------------------------------------------


@pytest.mark.parametrize("how", ["key no longer matches the account", "Google revoked the key"])
def test_rejected_credentials_fail_the_import_and_keep_earlier_leads(google_campaign, google, sa_info, settings, how):
    assert import_now(google_campaign).status == ImportRun.Status.SUCCEEDED
    before, api_calls = lead_snapshot(google_campaign), len(google.api_requests)
    google.add_spreadsheet(KEY, {"Leads": [HEADER, [*MARIA[:4], "now wants 3 beds"], JAMES, ["Zoe", "617-555-0188"]]})
    if how == "Google revoked the key":
        google.reject_grants = True
    else:  # a key for the same account e-mail, signed with a private key Google does not know
        stale = google.service_account_info(key_name="stale-key", email=sa_info["client_email"])
        settings.GOOGLE_SERVICE_ACCOUNT_JSON = json.dumps(stale)

    run = import_now(google_campaign)

    assert run.status == ImportRun.Status.FAILED
    assert run.error == "Google rejected the service-account credentials (invalid_grant: Invalid JWT Signature.)"
    assert (run.rows_seen, run.rows_created, run.rows_updated) == (0, 0, 0)
    assert lead_snapshot(google_campaign) == before
    assert len(google.api_requests) == api_calls  # nothing was asked of the Sheets API without a token


def test_it_names_the_missing_setting_when_no_service_account_is_configured(google_campaign, google, settings):
    settings.GOOGLE_SERVICE_ACCOUNT_JSON = ""
    run = import_now(google_campaign)
    assert run.status == ImportRun.Status.FAILED
    assert "GOOGLE_SERVICE_ACCOUNT_JSON" in run.error
    assert google.requests == []


def test_it_explains_a_service_account_key_that_is_not_a_key(google_campaign, sa_info, settings):
    settings.GOOGLE_SERVICE_ACCOUNT_JSON = json.dumps({**sa_info, "private_key": "not a PEM key"})
    run = import_now(google_campaign)
    assert run.status == ImportRun.Status.FAILED
    assert run.error.startswith("The service-account key is not valid")


# --- what Google answers -----------------------------------------------------------


def test_it_says_when_the_sheets_api_cannot_be_reached(google_campaign, settings):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))  # bound but not listening: connections are refused
        port = closed.getsockname()[1]
        settings.GOOGLE_SHEETS_API_URL = f"http://127.0.0.1:{port}"
        run = import_now(google_campaign)
    assert run.status == ImportRun.Status.FAILED
    assert run.error.startswith(f"Cannot reach the Google Sheets API (127.0.0.1:{port})")


def test_it_says_when_googles_sign_in_cannot_be_reached(google_campaign, sa_info, settings):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
        settings.GOOGLE_SERVICE_ACCOUNT_JSON = json.dumps({**sa_info, "token_uri": f"http://127.0.0.1:{port}/token"})
        run = import_now(google_campaign)
    assert run.status == ImportRun.Status.FAILED
    assert run.error.startswith("Cannot reach Google's sign-in (token) endpoint")


def test_it_says_when_the_spreadsheet_does_not_exist(google_campaign, google):
    google_campaign.sheet_source = "https://docs.google.com/spreadsheets/d/1NoSuchSheetNoSuchSheetNoSuchSheet0000/edit"
    google_campaign.save()
    run = import_now(google_campaign)
    assert (run.status, run.error) == (ImportRun.Status.FAILED, "Spreadsheet not found: check the URL or key")
    assert google.api_requests[-1].status == 404


def test_it_names_the_missing_tab(google_campaign):
    google_campaign.sheet_worksheet = "Prospects"
    google_campaign.save()
    run = import_now(google_campaign)
    assert (run.status, run.error) == (ImportRun.Status.FAILED, "The spreadsheet has no tab 'Prospects'")


def test_it_asks_for_the_sheet_to_be_shared_when_the_account_may_not_read_it(google_campaign, google):
    google.add_spreadsheet(KEY, {"Leads": LEADS_TAB}, shared_with={"someone-else@example.com"})
    run = import_now(google_campaign)
    assert run.status == ImportRun.Status.FAILED
    assert run.error == "The service account may not read this spreadsheet: share it with the account's e-mail"


@pytest.mark.parametrize("status", [429, 503, 502])
def test_it_retries_reads_that_google_refuses_for_a_moment(google_campaign, google, no_backoff, status):
    google.fail_next_values(2, status=status)  # 502: the HTML error page of Google's front end
    run = import_now(google_campaign)
    assert (run.status, run.rows_created) == (ImportRun.Status.SUCCEEDED, 3), run.error
    header_reads = [r.status for r in google.values_requests if r.path.endswith("!1:1")]
    assert header_reads == [status, status, 200]


def test_it_gives_up_when_the_quota_stays_exhausted(google_campaign, google, no_backoff):
    assert import_now(google_campaign).status == ImportRun.Status.SUCCEEDED
    before = lead_snapshot(google_campaign)
    google.add_spreadsheet(KEY, {"Leads": [HEADER, [*MARIA[:4], "now wants 3 beds"], JAMES, ["Zoe", "617-555-0188"]]})
    google.fail_next_values(GoogleSheetSource.max_retries + 1, after=1)  # the header is read, the rows never are
    run = import_now(google_campaign)
    assert run.status == ImportRun.Status.FAILED
    assert run.error.startswith("Google Sheets API error 429: Quota exceeded for quota metric 'Read requests'")
    assert lead_snapshot(google_campaign) == before
