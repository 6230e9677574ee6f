"""A campaign's local sheet is a file inside SHEETS_LOCAL_DIR: managers cannot make the import read, or the results
writer write, any other file on the server (`..`, absolute paths, links leading out), and a refusal does not say
whether the file they named exists."""
from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from apps.calls.models import CallStatus
from apps.campaigns.management.commands.seed_demo import DEMO_MAPPING, DEMO_SHEET
from apps.campaigns.models import Campaign
from apps.integrations.sheets.files import OUTSIDE
from apps.integrations.sheets.models import SheetWriteback
from apps.leads.importing import run_import
from apps.leads.models import ImportRejection, ImportRun, Lead
from tests.conftest import MAPPING, make_lead, write_csv
from tests.core.test_admin_permissions import CAMPAIGNS, form_data
from tests.integrations.test_sheet_writeback import (
    call_ends,
    flush,
    fresh_writeback_state,  # noqa: F401 - an autouse fixture
)

MARIA = ["Maria Gonzalez", "(212) 555-0134", "", "", "", "Website form", "2026-09-14"]
SECRET = "root:x:0:0:secret-on-the-server"


@pytest.fixture
def outside(tmp_path_factory):
    """A folder beside the sheets folder, holding a file a manager must not reach: a CSV, so that an import of it
    would hand its lines back as rejected rows."""
    folder = tmp_path_factory.mktemp("outside")
    write_csv(folder / "secret.csv", [[SECRET, "not a phone", "", "", "", "", ""]])
    return folder


@pytest.fixture
def api(manager) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=manager).key}")
    return client


def outside_references(sheets_dir, outside) -> dict[str, str]:
    (sheets_dir / "link.csv").symlink_to(outside / "secret.csv")
    return {
        "an existing file, absolute": str(outside / "secret.csv"),
        "a missing file, absolute": str(outside / "missing.csv"),
        "an existing file, by ..": f"../{outside.name}/secret.csv",
        "a missing file, by ..": f"../{outside.name}/missing.csv",
        "a link inside leading out": "link.csv",
        "deep ..": "../" * 40 + "etc/passwd.csv",
    }


def create(api, sheet_source: str):
    return api.post("/api/campaigns/", {"name": "Fall", "slug": "fall", "sheet_source": sheet_source,
                                        "column_mapping": MAPPING}, format="json")


# --- saving a campaign ------------------------------------------------------------------------


def test_it_refuses_every_way_out_of_the_sheets_folder_with_one_message(api, sheets_dir, outside):
    errors = {how: create(api, reference) for how, reference in outside_references(sheets_dir, outside).items()}

    assert {how: response.status_code for how, response in errors.items()} == dict.fromkeys(errors, 400)
    # Whether the file exists or not, the manager reads the same words, and never the server's paths.
    assert {response.json()["error"] for response in errors.values()} == {f"sheet_source: {OUTSIDE}"}
    assert not Campaign.objects.filter(slug="fall").exists()


def test_it_accepts_a_sheet_inside_the_folder_and_a_google_sheet(api, sheets_dir):
    (sheets_dir / "team").mkdir()
    write_csv(sheets_dir / "team" / "fall.csv", [MARIA])

    assert create(api, "team/fall.csv").status_code == 201, "a path relative to the sheets folder"
    Campaign.objects.filter(slug="fall").delete()
    assert create(api, str(sheets_dir / "team" / "fall.csv")).status_code == 201, "an absolute path inside it"
    Campaign.objects.filter(slug="fall").delete()
    assert create(api, "https://docs.google.com/spreadsheets/d/1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms/edit"
                  ).status_code == 201


@pytest.mark.parametrize(("name", "error"), [
    ("leads.json", "sheet_source: Unsupported sheet file 'leads.json': use .csv, .tsv, .txt, .xlsx, .xlsm or a "
                   "Google Sheets URL"),
    ("team.csv", "sheet_source: Cannot open 'team.csv': not a regular file (a folder, a device or a pipe)."),
    ("https://example.com/leads.csv", "sheet_source: Not a Google Sheets address: https://example.com/leads.csv"),
])
def test_it_refuses_what_is_not_a_sheet_file(api, sheets_dir, name, error):
    (sheets_dir / "leads.json").write_text("{}")
    (sheets_dir / "team.csv").mkdir()
    response = create(api, name)
    assert (response.status_code, response.json()["error"]) == (400, error)


def test_the_admin_refuses_a_sheet_outside_the_folder(manager, client, campaign, outside):
    client.force_login(manager)
    data = form_data(client.get(f"{CAMPAIGNS}{campaign.pk}/change/"))
    data["sheet_source"] = str(outside / "secret.csv")

    response = client.post(f"{CAMPAIGNS}{campaign.pk}/change/", data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["sheet_source"] == [OUTSIDE]
    campaign.refresh_from_db()
    assert campaign.sheet_source != str(outside / "secret.csv")


# --- the import and the results file check again ------------------------------------------------


def test_a_campaign_saved_before_the_check_imports_nothing_from_outside(campaign, sheets_dir, outside):
    for reference in outside_references(sheets_dir, outside).values():
        Campaign.objects.filter(pk=campaign.pk).update(sheet_source=reference)  # as an old row, never cleaned
        run = run_import(ImportRun.objects.create(campaign=campaign, source=reference))
        assert (run.status, run.error) == (ImportRun.Status.FAILED, OUTSIDE)
    assert not ImportRejection.objects.exists()  # the secret file's lines never come back as rejected rows


def test_results_of_a_campaign_saved_before_the_check_are_not_written_outside(campaign, outside):
    Campaign.objects.filter(pk=campaign.pk).update(sheet_source=str(outside / "secret.csv"))
    lead = make_lead(campaign, "+12125550134")

    call_ends(lead, CallStatus.NO_ANSWER)
    flush(campaign)

    assert sorted(path.name for path in outside.iterdir()) == ["secret.csv"]  # no secret.results.csv beside it


def test_a_sheet_swapped_for_a_link_leading_out_is_neither_read_nor_written_beside(campaign, sheet_path, outside):
    write_csv(sheet_path, [MARIA])
    assert run_import(ImportRun.objects.create(campaign=campaign, source=campaign.sheet_source)).rows_created == 1
    sheet_path.unlink()
    sheet_path.symlink_to(outside / "secret.csv")  # after the campaign was saved and imported

    run = run_import(ImportRun.objects.create(campaign=campaign, source=campaign.sheet_source))
    call_ends(Lead.objects.get(), CallStatus.NO_ANSWER)
    flush(campaign)

    assert (run.status, run.error) == (ImportRun.Status.FAILED, OUTSIDE)
    assert sorted(path.name for path in outside.iterdir()) == ["secret.csv"]  # no secret.results.csv
    assert not sheet_path.with_name("leads.results.csv").exists()


def test_a_results_file_swapped_for_a_link_leading_out_is_not_written(campaign, sheet_path, outside):
    write_csv(sheet_path, [MARIA])
    run_import(ImportRun.objects.create(campaign=campaign, source=campaign.sheet_source))
    victim = outside / "secret.csv"
    before = victim.read_bytes()
    sheet_path.with_name("leads.results.csv").symlink_to(victim)

    call_ends(Lead.objects.get(), CallStatus.NO_ANSWER)
    flush(campaign)

    assert victim.read_bytes() == before
    item = SheetWriteback.objects.get()
    assert (item.status, item.last_error) == (SheetWriteback.Status.FAILED, OUTSIDE)


def test_the_demo_sheet_inside_the_project_still_imports(db, settings):
    settings.SHEETS_LOCAL_DIR = settings.BASE_DIR  # the default
    demo = Campaign.objects.create(name="Demo", slug="demo", sheet_source=DEMO_SHEET, column_mapping=DEMO_MAPPING)
    try:
        demo.full_clean()
    except ValidationError as exc:
        assert "sheet_source" not in exc.message_dict
    run = run_import(ImportRun.objects.create(campaign=demo, source=demo.sheet_source))
    assert run.status == ImportRun.Status.SUCCEEDED and run.rows_created > 0
