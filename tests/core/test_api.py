"""The REST API as a client sees it: token auth, campaigns, import triggers, leads, import runs, calls, schema."""
from __future__ import annotations

import base64
import json
from decimal import Decimal

import pytest
import redis
from django.conf import settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from apps.calls.models import Call, CallStatus, Turn
from apps.campaigns.models import Campaign
from apps.leads.importing import run_import
from apps.leads.models import ImportRun, Lead, LeadStatus
from tests.conftest import MAPPING, write_csv


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


@pytest.fixture
def as_manager(manager) -> APIClient:
    return client_for(manager)


@pytest.fixture
def as_superuser(superuser) -> APIClient:
    return client_for(superuser)


def lead(campaign, phone: str, **fields) -> Lead:
    return Lead.objects.create(campaign=campaign, phone=phone, **fields)


# --- who may call the API ---------------------------------------------------------------

def test_it_answers_401_with_an_error_body_without_a_token(campaign):
    response = APIClient().get("/api/campaigns/")
    assert response.status_code == 401
    assert set(response.json()) == {"error"}
    assert "credentials" in response.json()["error"]


def test_it_answers_401_for_an_unknown_token(campaign):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")
    response = client.get("/api/campaigns/")
    assert response.status_code == 401
    assert "error" in response.json()


def test_it_refuses_a_non_staff_users_token(django_user_model, campaign):
    member = django_user_model.objects.create_user("agent", password="pw-agent-1")
    response = client_for(member).get("/api/campaigns/")
    assert response.status_code == 403
    assert "error" in response.json()


def test_a_managers_token_lists_campaigns(as_manager, campaign):
    response = as_manager.get("/api/campaigns/")
    assert response.status_code == 200
    assert [c["slug"] for c in response.json()["results"]] == ["spring"]


# --- campaigns ------------------------------------------------------------------------------

def test_a_superuser_creates_lists_updates_and_deletes_a_campaign(as_superuser, sheets_dir):
    created = as_superuser.post("/api/campaigns/", {
        "name": "Fall sellers", "slug": "fall", "sheet_source": str(sheets_dir / "fall.csv"),
        "column_mapping": MAPPING, "budget_per_call": "0.2500", "budget_daily": "40.00",
    }, format="json")
    assert created.status_code == 201, created.json()
    campaign = Campaign.objects.get(slug="fall")
    assert (campaign.budget_per_call, campaign.budget_daily) == (Decimal("0.25"), Decimal("40.00"))
    assert campaign.is_active is False

    listed = as_superuser.get("/api/campaigns/")
    assert [c["name"] for c in listed.json()["results"]] == ["Fall sellers"]

    updated = as_superuser.patch(f"/api/campaigns/{campaign.pk}/", {"name": "Fall sellers 2026",
                                                                    "budget_total": "500.00"}, format="json")
    assert updated.status_code == 200, updated.json()
    campaign.refresh_from_db()
    assert (campaign.name, campaign.budget_total) == ("Fall sellers 2026", Decimal("500.00"))

    deleted = as_superuser.delete(f"/api/campaigns/{campaign.pk}/")
    assert deleted.status_code == 204
    assert not Campaign.objects.filter(pk=campaign.pk).exists()


def test_a_manager_cannot_set_budgets(as_manager, campaign):
    response = as_manager.patch(f"/api/campaigns/{campaign.pk}/", {"budget_per_call": "0.50"}, format="json")
    assert response.status_code == 400
    assert "budget" in response.json()["error"]
    campaign.refresh_from_db()
    assert campaign.budget_per_call == Decimal("0.10")


def test_a_manager_cannot_create_a_campaign_with_a_budget(as_manager, tmp_path):
    response = as_manager.post("/api/campaigns/", {
        "name": "Fall", "slug": "fall", "column_mapping": MAPPING, "budget_daily": "99.00",
    }, format="json")
    assert response.status_code == 400
    assert "budget_daily" in response.json()["error"]
    assert not Campaign.objects.filter(slug="fall").exists()


def test_a_manager_can_rename_a_campaign(as_manager, campaign):
    response = as_manager.patch(f"/api/campaigns/{campaign.pk}/", {"name": "Spring buyers 2026"}, format="json")
    assert response.status_code == 200
    campaign.refresh_from_db()
    assert campaign.name == "Spring buyers 2026"


def test_a_manager_cannot_delete_a_campaign(as_manager, campaign):
    response = as_manager.delete(f"/api/campaigns/{campaign.pk}/")
    assert response.status_code == 403
    assert Campaign.objects.filter(pk=campaign.pk).exists()


def test_it_rejects_a_calling_window_past_the_legal_limit(as_superuser, campaign):
    response = as_superuser.patch(f"/api/campaigns/{campaign.pk}/", {"window_end": "22:00"}, format="json")
    assert response.status_code == 400
    assert "window_end" in response.json()["error"]
    campaign.refresh_from_db()
    assert campaign.window_end.hour == 21


def _queued_imports(redis_client) -> list[tuple[bytes, dict]]:
    """(raw message, headers) of every message waiting on the `imports` queue."""
    return [(raw, json.loads(raw)["headers"]) for raw in redis_client.lrange("imports", 0, -1)]


def test_it_queues_an_import_and_answers_202(as_manager, campaign, django_capture_on_commit_callbacks):
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    with django_capture_on_commit_callbacks(execute=True):
        response = as_manager.post(f"/api/campaigns/{campaign.pk}/import/")
    assert response.status_code == 202
    run = ImportRun.objects.get(pk=response.json()["id"])
    assert (run.campaign, run.status, run.trigger) == (campaign, ImportRun.Status.QUEUED, ImportRun.Trigger.API)
    assert response.json()["status"] == "queued"

    ours = [(raw, headers) for raw, headers in _queued_imports(broker)
            if headers["task"] == "workers.imports.import_sheet"
            and json.loads(base64.b64decode(json.loads(raw)["body"]))[0] == [campaign.pk, run.pk]]
    for raw, _ in ours:  # no later test's worker may pick it up
        broker.lrem("imports", 0, raw)
    assert len(ours) == 1


def test_it_refuses_to_import_a_campaign_without_a_sheet(as_manager, campaign):
    campaign.sheet_source = ""
    campaign.save()
    response = as_manager.post(f"/api/campaigns/{campaign.pk}/import/")
    assert response.status_code == 400
    assert set(response.json()) == {"error"}
    assert not ImportRun.objects.exists()


# --- leads ----------------------------------------------------------------------------------

def test_it_filters_leads_by_campaign_slug_and_status(as_manager, campaign):
    other = Campaign.objects.create(name="Other", slug="other", column_mapping=MAPPING)
    lead(campaign, "+12125550134", name="Maria", status=LeadStatus.QUALIFIED)
    lead(campaign, "+13125550101", name="James")
    lead(other, "+16175550121", name="Nina", status=LeadStatus.QUALIFIED)

    by_campaign = as_manager.get("/api/leads/", {"campaign": "spring"}).json()["results"]
    assert sorted(row["name"] for row in by_campaign) == ["James", "Maria"]
    by_status = as_manager.get("/api/leads/", {"campaign": "spring", "status": "qualified"}).json()["results"]
    assert [row["name"] for row in by_status] == ["Maria"]


def test_it_finds_a_lead_by_a_phone_typed_any_way(as_manager, campaign):
    lead(campaign, "+12125550134", name="Maria", raw_phone="212.555.0134")
    lead(campaign, "+13125550101", name="James")
    found = as_manager.get("/api/leads/", {"search": "(212) 555-0134"}).json()["results"]
    assert [row["phone"] for row in found] == ["+12125550134"]
    by_name = as_manager.get("/api/leads/", {"search": "jam"}).json()["results"]
    assert [row["name"] for row in by_name] == ["James"]


def test_it_shows_a_lead(as_manager, campaign):
    maria = lead(campaign, "+12125550134", name="Maria", sheet_fingerprint="abc")
    response = as_manager.get(f"/api/leads/{maria.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert (body["name"], body["phone"], body["campaign"], body["status"]) == ("Maria", "+12125550134",
                                                                              campaign.pk, "new")
    assert "sheet_fingerprint" not in body


def test_leads_are_read_only_through_the_api(as_superuser, campaign):
    response = as_superuser.post("/api/leads/", {"campaign": campaign.pk, "phone": "+12125550134"}, format="json")
    assert response.status_code == 405
    assert not Lead.objects.exists()


# --- import runs and calls -----------------------------------------------------------------

def test_an_import_run_shows_its_rejected_rows(as_manager, campaign, sheet_path):
    write_csv(sheet_path, [
        ["Maria Gonzalez", "(212) 555-0134", "", "", "", "", ""],
        ["Tom", "call after 5", "", "", "", "", ""],
    ])
    run = run_import(ImportRun.objects.create(campaign=campaign, source=campaign.sheet_source))
    response = as_manager.get(f"/api/import-runs/{run.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["rows_created"], body["rows_rejected"]) == ("succeeded", 1, 1)
    [rejection] = body["rejections"]
    assert rejection["row_number"] == 3
    assert rejection["reason"].startswith("not a phone number")
    assert rejection["raw"]["Phone Number"] == "call after 5"


def test_a_call_shows_its_turns_in_order(as_manager, campaign):
    maria = lead(campaign, "+12125550134", name="Maria")
    call = Call.objects.create(lead=maria, campaign=campaign, status=CallStatus.COMPLETED, outcome="qualified")
    for sequence, speaker, text in ((2, "lead", "Yes, speaking."), (1, "agent", "Hi, is this Maria?"),
                                    (3, "agent", "Great, thanks for your time.")):
        Turn.objects.create(call=call, sequence=sequence, speaker=speaker, text=text,
                            start_ms=sequence * 1000, end_ms=sequence * 1000 + 900)
    response = as_manager.get(f"/api/calls/{call.pk}/")
    assert response.status_code == 200
    assert [(t["sequence"], t["speaker"], t["text"]) for t in response.json()["turns"]] == [
        (1, "agent", "Hi, is this Maria?"), (2, "lead", "Yes, speaking."), (3, "agent", "Great, thanks for your time."),
    ]


# --- schema ---------------------------------------------------------------------------------

def test_it_publishes_an_openapi_schema(as_manager):
    response = as_manager.get("/api/schema/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "openapi:" in text or '"openapi"' in text
    assert "/api/campaigns/" in text
    assert "/api/campaigns/{id}/import/" in text
