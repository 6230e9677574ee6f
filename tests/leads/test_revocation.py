"""A lead revokes consent by any reasonable means (FCC 24-24): on a call (spoken or keypad 9: tests/media_server),
by a text to the campaign's number, by e-mail or a web form that staff or the CRM pass on through the API. Each
puts the number on the do-not-call list at once, for every campaign, with where the request came from."""
from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from twilio.request_validator import RequestValidator

from apps.campaigns.models import Campaign
from apps.leads.do_not_call import revokes_consent
from apps.leads.eligibility import DialContext, why_not_callable
from apps.leads.models import DoNotCall, Lead, LeadStatus
from tests.conftest import WEEKDAY_MORNING_ET, make_lead

AUTH_TOKEN = "5e0a9c3b7d2f4e6a8b1c0d9e7f3a2b4c"
PUBLIC = "https://calls.example.com"
PHONE = "+12125550134"


@pytest.fixture
def twilio_settings(settings):
    settings.PUBLIC_BASE_URL = PUBLIC
    settings.TWILIO_AUTH_TOKEN = AUTH_TOKEN


@pytest.fixture
def leads_in_two_campaigns(active_campaign) -> list[Lead]:
    campaign = active_campaign
    other = Campaign.objects.create(name="Autumn sellers", slug="autumn", sheet_source=campaign.sheet_source,
                                    column_mapping=campaign.column_mapping, is_active=True)
    return [make_lead(campaign, PHONE), make_lead(other, PHONE), make_lead(campaign, "+13125550188")]


def assert_no_longer_called(leads: list[Lead], phone: str = PHONE) -> None:
    for lead in leads:
        lead.refresh_from_db()
        reason = why_not_callable(lead, lead.campaign, WEEKDAY_MORNING_ET, DialContext(
            on_do_not_call=DoNotCall.objects.active().filter(phone=lead.phone).exists()))
        if lead.phone == phone:
            assert lead.status == LeadStatus.DO_NOT_CALL and reason == "on the do-not-call list", (lead, reason)
        else:
            assert lead.status != LeadStatus.DO_NOT_CALL


@pytest.mark.parametrize("message", [
    "STOP", "stop", "Stop please", "END", "Quit.", "unsubscribe", "Opt out", "REVOKE", "cancel",
    "please don't call me again", "Take me off your list", "remove my number", "stop calling this number",
    "I'm on the do not call list, lose my number", "no more calls thanks",
])
def test_a_message_that_asks_us_to_stop_revokes_consent(message):
    assert revokes_consent(message)


@pytest.mark.parametrize("message", [
    "", "yes", "can you call me after 5", "stop by the open house saturday?", "end of the month works for us",
    "cancel my appointment, I'll rebook", "what's the asking price on the Elm St house", "call me back",
])
def test_a_message_that_does_not_ask_us_to_stop_keeps_the_lead(message):
    assert not revokes_consent(message)


def text(client, body: str, *, token: str = AUTH_TOKEN, sender: str = PHONE):
    form = {"MessageSid": "SM" + "0" * 32, "AccountSid": "AC" + "1" * 32, "From": sender, "To": "+15005550006",
            "Body": body}
    path = reverse("twilio-sms")
    signature = RequestValidator(token).compute_signature(PUBLIC + path, form)
    return client.post(path, urlencode(form), content_type="application/x-www-form-urlencoded",
                       headers={"X-Twilio-Signature": signature})


def test_a_stop_texted_back_lists_the_number_for_every_campaign(client, twilio_settings, leads_in_two_campaigns):
    response = text(client, "STOP")
    assert response.status_code == 200 and "<Message>" in response.content.decode()
    entry = DoNotCall.objects.active().get(phone=PHONE)
    assert entry.source == DoNotCall.Source.TEXT_REPLY and "STOP" in entry.reason
    assert_no_longer_called(leads_in_two_campaigns)
    assert text(client, "STOP").status_code == 200  # Twilio's retry, or a second STOP: still one entry
    assert DoNotCall.objects.filter(phone=PHONE).count() == 1


def test_a_forged_text_lists_nothing(client, twilio_settings, leads_in_two_campaigns):
    response = text(client, "STOP", token="0" * 32)
    assert response.status_code == 403
    assert not DoNotCall.objects.exists()


def test_texts_are_refused_where_twilio_is_not_configured(client, settings, leads_in_two_campaigns):
    settings.TWILIO_AUTH_TOKEN = ""
    assert text(client, "STOP").status_code == 403
    assert not DoNotCall.objects.exists()


def test_a_text_that_is_not_a_revocation_changes_nothing(client, twilio_settings, leads_in_two_campaigns):
    response = text(client, "what time is the showing?")
    assert response.status_code == 200 and "<Message>" not in response.content.decode()
    assert not DoNotCall.objects.exists()


def api_client(user: User) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


@pytest.mark.parametrize("source", ["email", "web_form", "crm"])
def test_staff_or_the_crm_pass_on_a_revocation_through_the_api(manager, leads_in_two_campaigns, source):
    response = api_client(manager).post("/api/do-not-call/", {"phone": "(212) 555-0134", "source": source,
                                                              "reason": "asked to be removed"}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["source"] == source and PHONE not in response.content.decode()  # read back masked
    entry = DoNotCall.objects.active().get(phone=PHONE)
    assert (entry.source, entry.created_by) == (source, manager)
    assert_no_longer_called(leads_in_two_campaigns)


def test_the_api_refuses_what_it_cannot_list(manager, leads_in_two_campaigns, db):
    client = api_client(manager)
    bad_number = client.post("/api/do-not-call/", {"phone": "call me maybe", "source": "email"}, format="json")
    assert bad_number.status_code == 400 and "not a phone number" in bad_number.json()["error"]
    not_ours = client.post("/api/do-not-call/", {"phone": PHONE, "source": "opt_out"}, format="json")
    assert not_ours.status_code == 400  # a call's opt-out is recorded by the call, not claimed through the API
    viewer = User.objects.create_user("viewer", password="pw-viewer-1", is_staff=True)
    assert api_client(viewer).post("/api/do-not-call/", {"phone": PHONE}, format="json").status_code == 403
    assert not DoNotCall.objects.exists()
