"""A lead's personal data on request: exported whole, or erased keeping only the do-not-call entry and the fact
that each call happened; from the admin and the API, for staff allowed to."""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission, User
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from apps.calls.dialing import dial_tick
from apps.calls.models import Appointment, Call, CallStatus, Turn
from apps.compliance.models import DialEvidence
from apps.costs.models import CostEntry
from apps.integrations.sheets.models import SheetWriteback
from apps.integrations.webhooks.models import WebhookDelivery, WebhookEndpoint
from apps.leads.do_not_call import add_to_do_not_call
from apps.leads.models import DoNotCall, ImportRejection, ImportRun, Lead, LeadStatus
from apps.leads.privacy import ErasureRefused, erase_lead, export_lead
from tests.conftest import WEEKDAY_MORNING_ET as NOW
from tests.conftest import make_lead

NAME, EMAIL, ADDRESS = "Jane Roe", "jane.roe@example.com", "12 Elm St, Springfield"
WORDS = "we can do about four fifty"


@pytest.fixture
def held(active_campaign, settings, tmp_path):
    """A lead we hold everything about: a recorded, transcribed call with costs, an appointment, a rejected
    duplicate row of the sheet, a sheet write-back and a webhook delivery. Returns (lead, call, recording path)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    lead = make_lead(active_campaign, "+12125550140", name=NAME, email=EMAIL, address=ADDRESS, postal_code="10001",
                     notes="Prefers mornings", raw_phone="(212) 555-0140", extra={"Spouse": "John Roe"},
                     facts={"budget": {"value": 450000, "words": WORDS}})
    call = Call.objects.create(lead=lead, campaign=active_campaign, status=CallStatus.COMPLETED, outcome="completed",
                               disposition="appointment", score=80, score_band="hot", ended_at=NOW,
                               summary="Buyer, budget $450,000.", facts={"budget": {"value": 450000, "words": WORDS}})
    name = default_storage.save(f"recordings/2026/12/call-{call.pk}.wav", ContentFile(b"RIFF" + bytes(40)))
    Call.objects.filter(pk=call.pk).update(recording=name)
    Turn.objects.create(call=call, sequence=1, speaker="lead", text=f"Jane here, {WORDS}.", start_ms=0, end_ms=900)
    CostEntry.objects.create(campaign=active_campaign, call=call, kind=CostEntry.Kind.TELEPHONY, units=Decimal("2"),
                             unit_price=Decimal("0.014"), amount=Decimal("0.028"))
    Appointment.objects.create(lead=lead, call=call, starts_at=NOW + dt.timedelta(days=2),
                               ends_at=NOW + dt.timedelta(days=2, minutes=30), notes=f'budget: 450000 ("{WORDS}")')
    run = ImportRun.objects.create(campaign=active_campaign, source="leads.csv")
    ImportRejection.objects.create(run=run, row_number=9, reason="duplicate phone +12125550140: same number as row 2",
                                   raw={"Full Name": "Jane R.", "Phone Number": "(212) 555-0140"})
    SheetWriteback.objects.create(campaign=active_campaign, call=call, row_values={"summary": "Buyer"},
                                  call_values={"name": NAME, "phone": lead.phone})
    endpoint = WebhookEndpoint.objects.create(url="https://crm.example.com/hooks")
    WebhookDelivery.objects.create(endpoint=endpoint, event="call.completed", payload={
        "id": "e1", "type": "call.completed",
        "data": {"call": {"id": call.pk, "summary": "Buyer"}, "lead": {"id": lead.pk, "name": NAME, "email": EMAIL}}})
    return lead, Call.objects.get(pk=call.pk), Path(default_storage.path(name))


def api_as(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def granted(username: str, *codenames: str, staff: bool = True) -> User:
    user = User.objects.create_user(username, password=f"pw-{username}-1", is_staff=staff)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="leads", codename__in=codenames))
    return User.objects.get(pk=user.pk)  # fresh: no cached permissions


# --- export -------------------------------------------------------------------------------------------------

def test_the_export_holds_the_lead_its_calls_transcripts_and_everything_else(held):
    lead, call, _ = held
    add_to_do_not_call(lead.phone, "asked on a call", DoNotCall.Source.OPT_OUT)

    document = export_lead(lead)

    assert (document["lead"]["name"], document["lead"]["email"], document["lead"]["extra"]) == (
        NAME, EMAIL, {"Spouse": "John Roe"})
    [exported_call] = document["calls"]
    assert [turn["text"] for turn in exported_call["transcript"]] == [f"Jane here, {WORDS}."]
    assert exported_call["recording_url"] == reverse("call-recording", args=[call.pk])
    assert exported_call["facts"]["budget"]["words"] == WORDS and exported_call["disposition"] == "appointment"
    assert [entry["amount"] for entry in exported_call["cost_entries"]] == ["0.028000"]
    assert document["appointments"][0]["notes"].endswith(f'("{WORDS}")')
    assert [entry["source"] for entry in document["do_not_call"]] == ["opt_out"]
    assert document["rejected_sheet_rows"][0]["raw"]["Full Name"] == "Jane R."
    assert document["sheet_writebacks"][0]["call_values"]["name"] == NAME
    assert document["webhook_deliveries"][0]["payload"]["data"]["lead"]["email"] == EMAIL
    json.dumps(document)  # a plain JSON document


def test_the_export_holds_the_evidence_each_dial_was_made_on(held):
    lead, call, _ = held
    DialEvidence.objects.create(call=call, checked_at=call.created_at, rules_version="abc@2026-12-03",
                                evidence={"states": ["NY"], "do_not_call": {"checked": True, "listed": False}})
    [exported_call] = export_lead(lead)["calls"]
    assert exported_call["dial_evidence"]["evidence"]["states"] == ["NY"]
    json.dumps(export_lead(lead))


# --- erasure ------------------------------------------------------------------------------------------------

def test_erasing_removes_the_personal_data_and_keeps_the_call_its_costs_and_the_do_not_call_entry(held, superuser):
    lead, call, recording = held
    add_to_do_not_call(lead.phone, "asked on a call", DoNotCall.Source.OPT_OUT)

    erasure = erase_lead(lead, superuser)

    assert erasure.removed == {"calls": 1, "recordings": 1, "turns": 1, "rejected_sheet_rows": 1}
    assert (erasure.lead, erasure.erased_by) == (lead, superuser)
    lead.refresh_from_db()
    assert (lead.name, lead.email, lead.address, lead.postal_code, lead.notes, lead.raw_phone) == ("",) * 6
    assert (lead.extra, lead.facts, lead.next_attempt_at) == ({}, {}, None)
    assert lead.phone == "+12125550140" and lead.consent_source == "Website form"
    assert not recording.exists() and not Turn.objects.filter(call=call).exists()
    call.refresh_from_db()
    assert (call.status, call.outcome, call.disposition, call.score, call.ended_at) == (
        CallStatus.COMPLETED, "completed", "appointment", 80, NOW)
    assert (call.summary, call.facts, call.recording.name) == ("", {}, "")
    assert CostEntry.objects.get(call=call).amount == Decimal("0.028")
    assert DoNotCall.objects.active().filter(phone="+12125550140").exists()
    appointment = Appointment.objects.get(lead=lead)
    assert appointment.notes == "" and appointment.starts_at == NOW + dt.timedelta(days=2)
    assert not ImportRejection.objects.exists()
    writeback = SheetWriteback.objects.get(call=call)
    assert (writeback.status, writeback.call_values) == (SheetWriteback.Status.SKIPPED, {})
    everything = json.dumps(export_lead(lead))
    for personal in (NAME, EMAIL, ADDRESS, "John Roe", "Jane", WORDS, "(212) 555-0140"):
        assert personal not in everything


def test_erasing_twice_changes_nothing_more(held, superuser):
    lead, _, _ = held
    erase_lead(lead, superuser)
    assert erase_lead(lead, superuser).removed == {"calls": 1, "recordings": 0, "turns": 0, "rejected_sheet_rows": 0}
    assert lead.erasures.count() == 2  # each request is on record


def test_an_erased_lead_who_had_opted_out_is_never_dialled_again(held, superuser, settings):
    settings.MEDIA_SLOTS_TOTAL = 10
    lead, _, _ = held
    add_to_do_not_call(lead.phone, "asked on a call", DoNotCall.Source.OPT_OUT)
    erase_lead(lead, superuser)
    # Staff put the lead back in the queue by mistake; another lead is due too.
    Lead.objects.filter(pk=lead.pk).update(status=LeadStatus.NEW, next_attempt_at=NOW - dt.timedelta(hours=1))
    other = make_lead(lead.campaign, "+12125550141")

    placed = dial_tick(lead.campaign_id, now=NOW).calls

    assert [Call.objects.get(pk=pk).lead_id for pk in placed] == [other.pk]


def test_an_erased_lead_is_not_dialled_again(held, superuser, settings):
    settings.MEDIA_SLOTS_TOTAL = 10
    lead, _, _ = held
    Lead.objects.filter(pk=lead.pk).update(status=LeadStatus.CALLED)
    erase_lead(lead, superuser)
    assert dial_tick(lead.campaign_id, now=NOW).calls == []


def test_a_lead_on_a_call_is_not_erased(held, superuser):
    lead, _, recording = held
    Call.objects.create(lead=lead, campaign=lead.campaign, status=CallStatus.IN_PROGRESS)
    with pytest.raises(ErasureRefused):
        erase_lead(lead, superuser)
    lead.refresh_from_db()
    assert lead.name == NAME and not lead.erasures.exists() and recording.exists()


# --- the API ------------------------------------------------------------------------------------------------

def test_the_api_exports_a_lead_for_staff_allowed_to(held, manager):
    lead, _, _ = held
    response = api_as(manager).get(f"/api/leads/{lead.pk}/export/")
    assert response.status_code == 200
    assert response.json()["calls"][0]["transcript"][0]["text"] == f"Jane here, {WORDS}."
    clerk = User.objects.create_user("clerk", password="pw-clerk-1", is_staff=True)
    assert api_as(clerk).get(f"/api/leads/{lead.pk}/export/").status_code == 403
    assert APIClient().get(f"/api/leads/{lead.pk}/export/").status_code == 401


def test_only_staff_granted_erasure_erase_through_the_api(held, manager):
    lead, _, recording = held
    url = f"/api/leads/{lead.pk}/erase/"
    assert APIClient().post(url).status_code == 401
    assert api_as(manager).post(url).status_code == 403  # managers export; erasing is granted on purpose
    assert api_as(granted("outsider", "erase_lead", staff=False)).post(url).status_code == 403
    lead.refresh_from_db()
    assert lead.name == NAME and recording.exists()

    privacy_officer = granted("privacy", "erase_lead", "view_lead")
    response = api_as(privacy_officer).post(url)

    assert response.status_code == 200 and response.json()["recordings"] == 1
    lead.refresh_from_db()
    assert lead.name == "" and lead.erasures.get().erased_by == privacy_officer and not recording.exists()


def test_the_api_refuses_to_erase_a_lead_on_a_call(held, superuser):
    lead, _, _ = held
    Call.objects.create(lead=lead, campaign=lead.campaign, status=CallStatus.RINGING)
    response = api_as(superuser).post(f"/api/leads/{lead.pk}/erase/")
    assert response.status_code == 409 and "under way" in response.json()["error"]


# --- the admin ----------------------------------------------------------------------------------------------

def changelist_action(client, action: str, lead: Lead, **extra):
    return client.post(reverse("admin:leads_lead_changelist"),
                       {"action": action, "_selected_action": [lead.pk], **extra})


def test_the_admin_exports_a_lead_as_a_json_download(client, held, manager):
    lead, _, _ = held
    client.force_login(manager)
    response = changelist_action(client, "export_json", lead)
    assert response["Content-Disposition"] == f'attachment; filename="lead-{lead.pk}.json"'
    assert json.loads(response.content)["lead"]["name"] == NAME


def test_the_admin_erases_after_a_confirmation_page(client, held, superuser):
    lead, _, recording = held
    client.force_login(superuser)

    page = changelist_action(client, "erase_personal_data", lead)

    assert page.status_code == 200 and "cannot be undone" in page.content.decode()
    lead.refresh_from_db()
    assert lead.name == NAME and recording.exists()

    done = changelist_action(client, "erase_personal_data", lead, post="yes")

    assert done.status_code == 302
    lead.refresh_from_db()
    assert lead.name == "" and lead.erasures.get().erased_by == superuser and not recording.exists()


def test_a_manager_is_not_offered_erasure_in_the_admin(client, held, manager):
    lead, _, _ = held
    client.force_login(manager)
    page = client.get(reverse("admin:leads_lead_changelist")).content.decode()
    assert 'value="export_json"' in page and 'value="erase_personal_data"' not in page
    changelist_action(client, "erase_personal_data", lead, post="yes")
    lead.refresh_from_db()
    assert lead.name == NAME
