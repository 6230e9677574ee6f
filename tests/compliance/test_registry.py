"""The national Do Not Call registry: staff upload the FTC's area-code files, numbers on a copy are not dialled
without express consent, a requiring campaign stops on a stale copy, and a new upload replaces the old one."""
from __future__ import annotations

import datetime as dt
import tracemalloc

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from apps.calls.dialing import dial_tick
from apps.calls.models import Call
from apps.compliance.models import RegistryArea, RegistryCopy, RegistryNumber
from apps.compliance.registry import on_registry, registry_block_reason
from apps.compliance.registry_import import import_registry_file
from apps.leads.eligibility import DialContext, why_not_callable
from tests.compliance.registry_files import write_generated_registry, write_registry
from tests.conftest import WEEKDAY_MORNING_ET as NOW
from tests.conftest import make_lead
from tests.waiting import wait_for

FRESH = dt.date(2026, 11, 20)  # 12 days before NOW
ON_IT, ALSO_ON_IT, NOT_ON_IT = "+12125550101", "+12125550102", "+12125550103"


def team_copy(tmp_path, lines, as_of=FRESH, name="team.zip", **kwargs) -> RegistryCopy:
    copy = import_registry_file(write_registry(tmp_path / name, lines), as_of=as_of, **kwargs)
    assert copy.status == RegistryCopy.Status.CURRENT, copy.error
    return copy


# --- importing --------------------------------------------------------------------------------------

def test_a_zipped_full_list_in_the_ftc_format_imports(tmp_path, db):
    path = write_registry(tmp_path / "212.zip", ["212,5550101", "2125550102", "212,5550199"], dated=FRESH)
    copy = import_registry_file(path)
    assert (copy.status, copy.numbers_stored, copy.lines_rejected, copy.area_codes) == ("current", 3, 0, [212])
    assert (copy.as_of, copy.as_of_source) == (FRESH, RegistryCopy.AsOfSource.FILE)  # the zip entry's date
    assert on_registry(ON_IT, 0).as_of == FRESH and on_registry(ALSO_ON_IT, 0) is not None
    assert on_registry(NOT_ON_IT, 0) is None


def test_a_plain_file_with_a_header_takes_the_date_the_header_states(tmp_path, db):
    path = write_registry(tmp_path / "212.txt", ["Area Code,Phone Number as of 11/18/2026", "212,5550101"],
                          zipped=False)
    copy = import_registry_file(path)
    assert (copy.numbers_stored, copy.lines_rejected, copy.as_of) == (1, 0, dt.date(2026, 11, 18))
    assert copy.header.startswith("Area Code,Phone Number")


def test_bad_lines_are_counted_with_their_reasons_never_dropped(tmp_path, db):
    lines = ["212,5550101", "", "212,555010", "21,5550101", "212-555-0104", "1125550105", "2120550106",
             "212,5550107,A,2026-11-19", "212,5550101", "hello"]
    copy = team_copy(tmp_path, lines)
    assert (copy.lines_read, copy.lines_blank, copy.numbers_stored, copy.lines_duplicate) == (10, 1, 1, 1)
    assert copy.lines_rejected == 7 == sum(copy.rejection_reasons.values())
    assert copy.rejection_reasons == {
        "not a phone number: characters other than digits": 2,
        "the number after the area code must have 7 digits": 1,
        "the area code must have 3 digits": 1,
        "not a US number: an area code cannot start with 0 or 1": 1,
        "not a US number: an exchange cannot start with 0 or 1": 1,
        "more than two fields (a change list? upload it as one)": 1,
    }
    assert copy.rejection_examples[0] == {"line": 3, "text": "212,555010",
                                          "reason": "the number after the area code must have 7 digits"}
    assert [example["line"] for example in copy.rejection_examples] == [3, 4, 5, 6, 7, 8, 10]


def test_a_file_with_no_number_fails_and_says_why(tmp_path, db):
    copy = import_registry_file(write_registry(tmp_path / "empty.zip", ["nothing here", "12"]))
    assert copy.status == RegistryCopy.Status.FAILED and "no registered number" in copy.error
    assert copy.lines_rejected == 1 and not RegistryArea.objects.exists()


def test_the_command_imports_for_a_campaign_and_reports(tmp_path, campaign, capsys):
    path = write_registry(tmp_path / "212.zip", ["212,5550101", "oops"])
    call_command("import_dnc_registry", str(path), "--campaign", campaign.slug, "--as-of", "2026-11-21")
    out = capsys.readouterr().out
    assert "data as of 2026-11-21" in out and "1 numbers in 1 area code(s), 1 line(s) rejected" in out
    assert "1 rejected: not a phone number" in out
    assert RegistryCopy.objects.get().campaign == campaign


# --- a new upload replaces the old one --------------------------------------------------------------

def test_a_fresh_upload_supersedes_the_old_one_for_its_area_codes(tmp_path, db):
    old = team_copy(tmp_path, ["212,5550101", "312,5550101"], as_of=dt.date(2026, 10, 1), name="old.zip")
    new = team_copy(tmp_path, ["212,5550102"], name="new.zip")
    assert on_registry(ON_IT, 0) is None                    # off the registry in the new copy
    assert on_registry(ALSO_ON_IT, 0).copy_id == new.pk
    assert on_registry("+13125550101", 0).copy_id == old.pk  # 312: the old copy is still the current one
    assert RegistryNumber.objects.filter(copy=old).count() == 1  # its 212 numbers are gone
    old.refresh_from_db()
    assert old.status == RegistryCopy.Status.CURRENT
    team_copy(tmp_path, ["312,5550109"], name="newer-312.zip")
    old.refresh_from_db()
    assert old.status == RegistryCopy.Status.SUPERSEDED and not RegistryNumber.objects.filter(copy=old).exists()


def test_an_upload_of_older_data_does_not_replace_newer_data(tmp_path, db):
    newer = team_copy(tmp_path, ["212,5550101"], name="newer.zip")
    older = import_registry_file(write_registry(tmp_path / "older.zip", ["212,5550102"]), as_of=dt.date(2026, 9, 1))
    assert older.status == RegistryCopy.Status.SUPERSEDED and "kept their copy with newer data" in older.error
    assert on_registry(ON_IT, 0).copy_id == newer.pk and on_registry(ALSO_ON_IT, 0) is None


def test_a_campaigns_copy_applies_to_that_campaign_only(tmp_path, campaign, db):
    from apps.campaigns.models import Campaign

    other = Campaign.objects.create(name="Other", slug="other")
    team_copy(tmp_path, ["212,5550101"], campaign=campaign)
    assert on_registry(ON_IT, campaign).team_copy is False
    assert on_registry(ON_IT, other) is None


# --- dialling -----------------------------------------------------------------------------------------

def test_a_number_on_the_registry_is_not_dialled(tmp_path, active_campaign, settings):
    settings.MEDIA_SLOTS_TOTAL = 10
    team_copy(tmp_path, ["212,5550101"])
    make_lead(active_campaign, ON_IT)  # consent source but no date: not a recorded express consent
    free = make_lead(active_campaign, NOT_ON_IT)
    result = dial_tick(active_campaign.pk, now=NOW)
    assert [Call.objects.get(pk=pk).lead_id for pk in result.calls] == [free.pk]


def test_a_lead_with_recorded_express_consent_is_dialled_though_on_the_registry(tmp_path, active_campaign, settings):
    settings.MEDIA_SLOTS_TOTAL = 10
    team_copy(tmp_path, ["212,5550101"])
    consented = make_lead(active_campaign, ON_IT, consent_at=NOW - dt.timedelta(days=40))
    result = dial_tick(active_campaign.pk, now=NOW)
    assert [Call.objects.get(pk=pk).lead_id for pk in result.calls] == [consented.pk]


def test_why_not_callable_names_the_registry_copy(tmp_path, active_campaign):
    team_copy(tmp_path, ["212,5550101"])
    lead = make_lead(active_campaign, ON_IT)
    context = DialContext(on_registry=on_registry(lead.phone, active_campaign))
    assert why_not_callable(lead, active_campaign, NOW, context) == \
        "on the national Do Not Call registry (copy of 2026-11-20)"


def test_the_lead_page_and_the_explained_tick_name_the_registry(tmp_path, active_campaign, superuser, client,
                                                                capsys):
    team_copy(tmp_path, ["212,5550101"])
    lead = make_lead(active_campaign, ON_IT)
    client.force_login(superuser)
    page = client.get(reverse("admin:leads_lead_change", args=[lead.pk])).content.decode()
    assert "on the national Do Not Call registry (copy of 2026-11-20)" in page
    call_command("dial_tick", active_campaign.slug, "--explain")
    assert "1  on the national Do Not Call registry (copy of 2026-11-20)" in capsys.readouterr().out


def test_the_dial_tick_gathers_registry_membership_without_a_query_per_lead(tmp_path, active_campaign, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.MEDIA_SLOTS_TOTAL = 50
    active_campaign.max_concurrent_calls = 50
    active_campaign.save()
    team_copy(tmp_path, [f"212,55502{i:02d}" for i in range(0, 40, 2)])
    for i in range(40):
        make_lead(active_campaign, f"+121255502{i:02d}")
    with CaptureQueriesContext(connection) as many:
        result = dial_tick(active_campaign.pk, now=NOW)
    assert len(result.calls) == 20  # the odd ones: the even ones are on the copy
    Call.objects.all().delete()
    active_campaign.leads.update(status="new", attempts=0)
    active_campaign.leads.exclude(phone="+12125550201").delete()
    with CaptureQueriesContext(connection) as one:
        assert len(dial_tick(active_campaign.pk, now=NOW).calls) == 1
    assert len(many) == len(one)


def test_a_lookup_is_one_query(tmp_path, campaign, django_assert_num_queries):
    team_copy(tmp_path, ["212,5550101"])
    with django_assert_num_queries(1):
        assert on_registry(ON_IT, campaign) is not None


# --- a campaign that requires the registry --------------------------------------------------------

def test_a_requiring_campaign_without_a_copy_does_not_dial(requiring):
    result = dial_tick(requiring.pk, now=NOW)
    assert result.calls == [] and result.reason == "no national Do Not Call registry copy for area code 212: upload one"


def test_a_stale_copy_stops_a_requiring_campaign_and_its_page_says_why(tmp_path, requiring, superuser, client):
    team_copy(tmp_path, ["212,5550101"], as_of=NOW.date() - dt.timedelta(days=32))
    result = dial_tick(requiring.pk, now=NOW)
    assert result.calls == []
    assert "area code 212 is 32 days old (data as of 2026-10-31)" in result.reason
    client.force_login(superuser)
    page = client.get(reverse("admin:campaigns_campaign_change", args=[requiring.pk])).content.decode()
    assert "stopped: the national Do Not Call registry copy for area code 212 is" in page


def test_a_copy_31_days_old_still_lets_it_dial(tmp_path, requiring):
    team_copy(tmp_path, ["212,5550101"], as_of=NOW.date() - dt.timedelta(days=31))
    assert registry_block_reason(requiring, NOW) is None
    assert len(dial_tick(requiring.pk, now=NOW).calls) == 1


def test_a_fresh_campaign_copy_covers_it_when_the_team_copy_is_stale(tmp_path, requiring):
    team_copy(tmp_path, ["212,5550101"], as_of=dt.date(2026, 9, 1), name="team.zip")
    team_copy(tmp_path, ["212,5550102"], campaign=requiring, name="campaign.zip")
    assert len(dial_tick(requiring.pk, now=NOW).calls) == 1


# --- the admin upload ---------------------------------------------------------------------------------

def test_the_admin_upload_queues_the_import_and_it_lands(celery_worker, tmp_path, superuser, client, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    data = write_registry(tmp_path / "212.zip", ["212,5550101", "212,5550102", "bad line"]).read_bytes()
    client.force_login(superuser)
    response = client.post(reverse("admin:compliance_registrycopy_add"), {
        "upload": SimpleUploadedFile("212.zip", data, content_type="application/zip"), "campaign": "",
        "kind": "full", "as_of": "2026-11-20"}, follow=True)
    assert "import queued on the imports worker" in response.content.decode()
    copy = wait_for(lambda: RegistryCopy.objects.filter(status=RegistryCopy.Status.CURRENT).first(),
                    what="the registry import to land")
    assert (copy.numbers_stored, copy.lines_rejected, copy.as_of_source) == (2, 1, "staff")
    assert copy.uploaded_by == superuser and on_registry(ON_IT, 0) is not None
    page = client.get(reverse("admin:compliance_registrycopy_change", args=[copy.pk])).content.decode()
    assert "1 × not a phone number: characters other than digits" in page


# --- memory -------------------------------------------------------------------------------------------

def _peak_import_memory(path) -> tuple[int, RegistryCopy]:
    tracemalloc.start()
    try:
        copy = import_registry_file(path, as_of=FRESH)
        return tracemalloc.get_traced_memory()[1], copy
    finally:
        tracemalloc.stop()


MEMORY_BOUND = 8 * 2**20  # the import holds one batch of numbers, a few reasons and examples: never the file


def test_import_memory_stays_bounded_whatever_the_file_size(tmp_path, db):
    small, small_copy = _peak_import_memory(write_generated_registry(tmp_path / "100k.txt", 100_000))
    large, large_copy = _peak_import_memory(write_generated_registry(tmp_path / "1m.txt", 1_000_000))
    assert (small_copy.numbers_stored, large_copy.numbers_stored) == (100_000, 1_000_000)
    assert small < MEMORY_BOUND and large < MEMORY_BOUND
    assert large < small * 1.5  # ten times the numbers, not ten times the memory
