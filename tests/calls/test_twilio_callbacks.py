"""Twilio's status and answering-machine callbacks: signed, fresh and in order, or refused; outcomes set retries."""
from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone
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
    """A call Twilio accepted (first attempt): its lead is on the phone."""
    lead = make_lead(campaign, PHONE, status=LeadStatus.IN_CALL, attempts=1)
    return Call.objects.create(lead=lead, campaign=campaign, status=CallStatus.DIALING, provider="twilio",
                               provider_call_id=CALL_SID)


def post(client, view: str, call_id: int, form: dict, *, token: str = AUTH_TOKEN, signed: dict | None = None):
    """POST `form` as Twilio does, signed over `signed` (default: the form itself) with `token`."""
    path = reverse(view, args=[call_id])
    signature = RequestValidator(token).compute_signature(PUBLIC + path, signed or form)
    return client.post(path, urlencode(form), content_type="application/x-www-form-urlencoded",
                       headers={"X-Twilio-Signature": signature})


def status(client, call: Call, event: str, sequence: int = 0, **fields):
    form = status_callback(ACCOUNT_SID, CALL_SID, event, to=PHONE, from_=FROM, sequence=sequence, **fields)
    return post(client, "twilio-status", call.pk, form)


def refreshed(call: Call) -> Call:
    call.refresh_from_db()
    call.lead.refresh_from_db()
    return call


def assert_retry_in(lead, minutes: int, before: dt.datetime) -> None:
    spacing = dt.timedelta(minutes=minutes)
    assert before + spacing <= lead.next_attempt_at <= timezone.now() + spacing


def test_it_follows_the_call_through_twilios_events_to_its_end(client, placed_call):
    assert status(client, placed_call, "initiated", 0).status_code == 204
    assert refreshed(placed_call).status == CallStatus.DIALING
    assert status(client, placed_call, "ringing", 1).status_code == 204
    assert refreshed(placed_call).status == CallStatus.RINGING
    assert status(client, placed_call, "in-progress", 2).status_code == 204
    call = refreshed(placed_call)
    assert (call.status, call.lead.status) == (CallStatus.IN_PROGRESS, LeadStatus.IN_CALL)
    assert call.answered_at is not None

    assert status(client, placed_call, "completed", 3, duration=47).status_code == 204

    call = refreshed(placed_call)
    assert (call.status, call.outcome, call.provider_status) == (CallStatus.COMPLETED, "completed", "completed")
    assert call.duration_seconds == 47 and call.ended_at is not None
    assert (call.lead.status, call.lead.next_attempt_at, call.lead.last_outcome) == (
        LeadStatus.CALLED, None, "completed")  # a finished conversation is not retried


@pytest.mark.parametrize("forgery", ["wrong token", "tampered status", "unsigned"])
def test_a_forged_callback_is_refused_and_changes_nothing(client, placed_call, forgery):
    form = status_callback(ACCOUNT_SID, CALL_SID, "completed", to=PHONE, from_=FROM, duration=1)
    if forgery == "wrong token":
        response = post(client, "twilio-status", placed_call.pk, form, token="0" * 32)
    elif forgery == "tampered status":
        response = post(client, "twilio-status", placed_call.pk, form, signed={**form, "CallStatus": "ringing"})
    else:
        path = reverse("twilio-status", args=[placed_call.pk])
        response = client.post(path, urlencode(form), content_type="application/x-www-form-urlencoded")

    assert response.status_code == 403
    assert response.json() == {"error": "invalid signature"}
    call = refreshed(placed_call)
    assert (call.status, call.lead.status, call.duration_seconds) == (CallStatus.DIALING, LeadStatus.IN_CALL, None)


def test_callbacks_are_refused_while_no_auth_token_is_configured(client, placed_call, settings):
    settings.TWILIO_AUTH_TOKEN = ""

    response = status(client, placed_call, "completed", duration=5)

    assert response.status_code == 403 and "error" in response.json()
    assert refreshed(placed_call).status == CallStatus.DIALING


@pytest.mark.parametrize("sent", [timezone.now() - dt.timedelta(hours=3), timezone.now() + dt.timedelta(hours=1)])
def test_a_replayed_callback_signed_long_ago_is_refused(client, placed_call, sent):
    response = status(client, placed_call, "busy", sent=sent)

    assert response.status_code == 403
    assert "stale" in response.json()["error"]
    assert refreshed(placed_call).status == CallStatus.DIALING


def test_a_callback_for_an_unknown_call_is_answered_404(client, placed_call):
    form = status_callback(ACCOUNT_SID, CALL_SID, "ringing", to=PHONE, from_=FROM)

    response = post(client, "twilio-status", placed_call.pk + 1000, form)

    assert response.status_code == 404 and "error" in response.json()


def test_a_callback_naming_another_calls_sid_is_answered_404(client, placed_call):
    form = status_callback(ACCOUNT_SID, "CA" + "e" * 32, "completed", to=PHONE, from_=FROM, duration=9)

    response = post(client, "twilio-status", placed_call.pk, form)

    assert response.status_code == 404
    assert refreshed(placed_call).status == CallStatus.DIALING


def test_a_repeated_final_callback_changes_nothing_the_second_time(client, placed_call):
    form = status_callback(ACCOUNT_SID, CALL_SID, "no-answer", to=PHONE, from_=FROM, sequence=2)
    assert post(client, "twilio-status", placed_call.pk, form).status_code == 204
    first = refreshed(placed_call)
    lead_after_first = (first.lead.status, first.lead.attempts, first.lead.next_attempt_at, first.lead.last_called_at)

    assert post(client, "twilio-status", placed_call.pk, form).status_code == 204  # Twilio's retry

    call = refreshed(placed_call)
    assert (call.status, call.ended_at) == (CallStatus.NO_ANSWER, first.ended_at)
    assert (call.lead.status, call.lead.attempts, call.lead.next_attempt_at,
            call.lead.last_called_at) == lead_after_first


def test_a_late_ringing_callback_does_not_reopen_a_finished_call(client, placed_call):
    status(client, placed_call, "completed", 3, duration=12)
    finished = refreshed(placed_call)

    assert status(client, placed_call, "ringing", 1).status_code == 204

    call = refreshed(placed_call)
    assert (call.status, call.duration_seconds) == (CallStatus.COMPLETED, 12)
    assert (call.lead.status, call.lead.next_attempt_at) == (LeadStatus.CALLED, finished.lead.next_attempt_at)


@pytest.mark.parametrize(("event", "final", "retry_key"), [
    ("no-answer", CallStatus.NO_ANSWER, "no_answer"),
    ("busy", CallStatus.BUSY, "busy"),
    ("failed", CallStatus.FAILED, "failed"),
])
def test_an_unanswered_call_is_retried_after_the_campaigns_spacing(client, placed_call, event, final, retry_key):
    before = timezone.now()

    status(client, placed_call, "ringing", 1)
    assert status(client, placed_call, event, 2).status_code == 204

    call = refreshed(placed_call)
    assert (call.status, call.outcome) == (final, final)
    assert (call.lead.status, call.lead.last_outcome) == (LeadStatus.CALLED, final)
    assert_retry_in(call.lead, placed_call.campaign.retry_minutes[retry_key], before)


def test_a_lead_out_of_attempts_is_not_retried(client, placed_call):
    lead = placed_call.lead
    lead.attempts = placed_call.campaign.max_attempts
    lead.save()

    status(client, placed_call, "no-answer", 2)

    call = refreshed(placed_call)
    assert call.status == CallStatus.NO_ANSWER
    assert (call.lead.status, call.lead.next_attempt_at) == (LeadStatus.CALLED, None)


def test_an_answering_machine_makes_the_call_a_voicemail_retried_later(client, placed_call):
    before = timezone.now()
    status(client, placed_call, "in-progress", 2)

    response = post(client, "twilio-amd", placed_call.pk, amd_callback(ACCOUNT_SID, CALL_SID, "machine_end_beep"))

    assert response.status_code == 204
    assert refreshed(placed_call).answered_by == "machine_end_beep"
    status(client, placed_call, "completed", 3, duration=31)
    call = refreshed(placed_call)
    assert (call.status, call.outcome, call.duration_seconds) == (CallStatus.VOICEMAIL, "voicemail", 31)
    assert call.lead.last_outcome == "voicemail"
    assert_retry_in(call.lead, placed_call.campaign.retry_minutes["voicemail"], before)


def test_an_amd_callback_with_a_forged_signature_is_refused(client, placed_call):
    form = amd_callback(ACCOUNT_SID, CALL_SID, "machine_end_beep")

    response = post(client, "twilio-amd", placed_call.pk, form, signed={**form, "AnsweredBy": "human"})

    assert response.status_code == 403
    assert refreshed(placed_call).answered_by == ""
