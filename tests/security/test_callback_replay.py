"""A captured Twilio callback replayed later changes nothing: status callbacks must carry a fresh Timestamp,
machine detection's verdict (whose callback carries none) applies once and only while the call is on the line,
and no callback moves a finished call backwards."""
from __future__ import annotations

import logging
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from twilio.request_validator import RequestValidator

from apps.calls.models import Call, CallStatus
from apps.leads.models import LeadStatus
from tests.conftest import make_lead
from tests.integrations.fake_twilio import amd_callback, status_callback

ACCOUNT_SID = "AC" + "3f1c9e2a7b6d4e8f9a0b1c2d3e4f5a6b"
AUTH_TOKEN = "9c2b7e41d0a35f8e6b1c4d7a2e9f0b3c"
PUBLIC = "https://calls.example.com"
FROM, PHONE = "+15005550006", "+12125550134"
CALL_SID = "CA" + "5d0e3b8a1c7f4e2d9b6a0c3e8f1d4a7b"


@pytest.fixture(autouse=True)
def twilio_settings(settings):
    settings.PUBLIC_BASE_URL = PUBLIC
    settings.TWILIO_ACCOUNT_SID = ACCOUNT_SID
    settings.TWILIO_AUTH_TOKEN = AUTH_TOKEN
    settings.TWILIO_CALLBACK_MAX_AGE_SECONDS = 3600


@pytest.fixture
def placed_call(campaign) -> Call:
    lead = make_lead(campaign, PHONE, status=LeadStatus.IN_CALL, attempts=1)
    return Call.objects.create(lead=lead, campaign=campaign, status=CallStatus.DIALING, provider="twilio",
                               provider_call_id=CALL_SID)


def signed_post(client, view: str, call: Call, form: dict):
    """POST `form` as Twilio does, correctly signed: what an attacker who captured a callback can replay."""
    path = reverse(view, args=[call.pk])
    signature = RequestValidator(AUTH_TOKEN).compute_signature(PUBLIC + path, form)
    return client.post(path, urlencode(form), content_type="application/x-www-form-urlencoded",
                       headers={"X-Twilio-Signature": signature})


def status(client, call: Call, event: str, sequence: int, **fields):
    form = status_callback(ACCOUNT_SID, CALL_SID, event, to=PHONE, from_=FROM, sequence=sequence, **fields)
    return signed_post(client, "twilio-status", call, form)


def amd(client, call: Call, answered_by: str):
    return signed_post(client, "twilio-amd", call, amd_callback(ACCOUNT_SID, CALL_SID, answered_by))


def refreshed(call: Call) -> Call:
    call.refresh_from_db()
    call.lead.refresh_from_db()
    return call


def test_a_signed_status_callback_without_a_timestamp_is_refused(client, placed_call):
    form = status_callback(ACCOUNT_SID, CALL_SID, "busy", to=PHONE, from_=FROM, sequence=1)
    del form["Timestamp"]

    response = signed_post(client, "twilio-status", placed_call, form)

    assert response.status_code == 403
    assert response.json() == {"error": "no Timestamp: cannot tell a replay"}
    call = refreshed(placed_call)
    assert (call.status, call.lead.status) == (CallStatus.DIALING, LeadStatus.IN_CALL)


def test_a_replayed_machine_verdict_cannot_make_a_conversation_a_voicemail(client, placed_call, caplog):
    status(client, placed_call, "in-progress", 2)
    assert amd(client, placed_call, "human").status_code == 204

    with caplog.at_level(logging.INFO, logger="apps.calls"):
        replayed = amd(client, placed_call, "machine_end_beep")
    status(client, placed_call, "completed", 3, duration=95)

    assert replayed.status_code == 204  # Twilio would retry an error: a refusal is answered as a success
    call = refreshed(placed_call)
    assert (call.answered_by, call.status, call.outcome) == ("human", CallStatus.COMPLETED, "completed")
    assert call.lead.next_attempt_at is None  # a finished conversation is not retried
    assert any(f"call {placed_call.pk}" in r.getMessage() and "machine_end_beep" in r.getMessage()
               for r in caplog.records)


def test_a_machine_verdict_arriving_after_the_call_ended_changes_nothing(client, placed_call):
    status(client, placed_call, "in-progress", 2)
    status(client, placed_call, "completed", 3, duration=95)
    ended = refreshed(placed_call)

    assert amd(client, placed_call, "machine_end_beep").status_code == 204

    call = refreshed(placed_call)
    assert (call.answered_by, call.status, call.outcome) == ("", CallStatus.COMPLETED, "completed")
    assert (call.lead.status, call.lead.next_attempt_at) == (LeadStatus.CALLED, ended.lead.next_attempt_at)


def test_a_replayed_final_status_carrying_a_machine_verdict_does_not_relabel_the_call(client, placed_call):
    status(client, placed_call, "in-progress", 2)
    amd(client, placed_call, "human")
    status(client, placed_call, "completed", 3, duration=95)

    form = status_callback(ACCOUNT_SID, CALL_SID, "completed", to=PHONE, from_=FROM, sequence=3, duration=95)
    assert signed_post(client, "twilio-status", placed_call, {**form, "AnsweredBy": "machine_end_beep"}
                       ).status_code == 204

    call = refreshed(placed_call)
    assert (call.answered_by, call.status) == ("human", CallStatus.COMPLETED)


def test_the_first_machine_verdict_on_a_live_call_is_the_one_kept(client, placed_call):
    status(client, placed_call, "ringing", 1)

    amd(client, placed_call, "machine_end_beep")
    amd(client, placed_call, "human")
    status(client, placed_call, "in-progress", 2)
    status(client, placed_call, "completed", 3, duration=20)

    call = refreshed(placed_call)
    assert (call.answered_by, call.status) == ("machine_end_beep", CallStatus.VOICEMAIL)


@pytest.mark.parametrize("late", ["ringing", "in-progress", "busy", "no-answer"])
def test_a_late_or_replayed_status_never_moves_a_finished_call(client, placed_call, late):
    status(client, placed_call, "in-progress", 2)
    status(client, placed_call, "completed", 3, duration=95)
    ended = refreshed(placed_call)

    assert status(client, placed_call, late, 1).status_code == 204

    call = refreshed(placed_call)
    assert (call.status, call.outcome, call.ended_at, call.duration_seconds) == (
        CallStatus.COMPLETED, "completed", ended.ended_at, 95)
    assert (call.lead.status, call.lead.next_attempt_at) == (LeadStatus.CALLED, ended.lead.next_attempt_at)


def test_a_timestamp_in_utc_minus_zero_form_is_read_as_utc(client, placed_call):
    form = status_callback(ACCOUNT_SID, CALL_SID, "ringing", to=PHONE, from_=FROM, sequence=1)
    form["Timestamp"] = form["Timestamp"].replace("+0000", "-0000")  # RFC 2822: UTC, local zone unknown

    assert signed_post(client, "twilio-status", placed_call, form).status_code == 204

    assert refreshed(placed_call).status == CallStatus.RINGING
