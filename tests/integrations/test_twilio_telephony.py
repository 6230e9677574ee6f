"""Placing, finding and ending calls through the real twilio client, against a local Twilio at the wire."""
from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from apps.calls.dialing import place_call
from apps.calls.lifecycle import release_call
from apps.calls.models import Call, CallStatus
from apps.calls.sweeper import sweep_stale_calls
from apps.integrations.telephony import ProviderCall, TelephonyError, telephony
from apps.integrations.telephony.base import _provider
from apps.leads.models import LeadStatus
from tests.conftest import make_lead
from tests.integrations.fake_twilio import running_fake_twilio

ACCOUNT_SID = "AC" + "3f1c9e2a7b6d4e8f9a0b1c2d3e4f5a6b"
AUTH_TOKEN = "9c2b7e41d0a35f8e6b1c4d7a2e9f0b3c"
FROM = "+15005550006"
PHONE = "+12125550134"
PUBLIC = "https://calls.example.com"
SID = re.compile(r"CA[0-9a-f]{32}")


@pytest.fixture
def twilio(no_proxy, settings):
    with running_fake_twilio(ACCOUNT_SID, AUTH_TOKEN, numbers={FROM}) as fake:
        settings.TELEPHONY_PROVIDER = "twilio"
        settings.TWILIO_ACCOUNT_SID = ACCOUNT_SID
        settings.TWILIO_AUTH_TOKEN = AUTH_TOKEN
        settings.TWILIO_FROM_NUMBER = FROM
        settings.TWILIO_API_BASE_URL = fake.base_url
        settings.TWILIO_TIMEOUT_SECONDS = 0.5
        settings.TWILIO_MACHINE_DETECTION = True
        settings.TWILIO_RECORD_CALLS = False
        settings.PUBLIC_BASE_URL = PUBLIC
        _provider.cache_clear()  # the provider reads its settings once
        yield fake
        _provider.cache_clear()


@pytest.fixture
def queued_call(active_campaign) -> Call:
    """A call the dial tick just created: its lead claimed (queued, first attempt)."""
    lead = make_lead(active_campaign, PHONE, status=LeadStatus.QUEUED, attempts=1)
    return Call.objects.create(lead=lead, campaign=active_campaign, attempt=1)


def refreshed(call: Call) -> Call:
    call.refresh_from_db()
    call.lead.refresh_from_db()
    return call


def test_the_lead_sees_the_campaigns_own_number_and_can_call_it_back(twilio, queued_call):
    campaign_number = "+15005550009"
    twilio.numbers.add(campaign_number)
    queued_call.campaign.callback_number = "(500) 555-0009"
    queued_call.campaign.save()
    assert place_call(queued_call.pk) == "placed"
    [sent] = twilio.create_requests
    assert sent.value("From") == campaign_number


def test_it_places_the_call_with_a_media_stream_and_status_callbacks(twilio, queued_call):
    assert place_call(queued_call.pk) == "placed"

    [sent] = twilio.create_requests
    assert sent.status == 201
    assert (sent.value("To"), sent.value("From")) == (PHONE, FROM)
    assert sent.value("StatusCallback") == f"{PUBLIC}/telephony/twilio/status/{queued_call.pk}"
    assert sent.value("StatusCallbackMethod") == "POST"
    assert sent.form["StatusCallbackEvent"] == ["initiated", "ringing", "answered", "completed"]
    assert (sent.value("Timeout"), sent.value("TimeLimit")) == ("30", "900")
    assert (sent.value("MachineDetection"), sent.value("AsyncAmd")) == ("DetectMessageEnd", "true")
    assert sent.value("AsyncAmdStatusCallback") == f"{PUBLIC}/telephony/twilio/amd/{queued_call.pk}"
    assert "Record" not in sent.form and "SendDigits" not in sent.form
    stream = ET.fromstring(sent.value("Twiml")).find("./Connect/Stream")  # noqa: S314 (the TwiML we sent)
    assert stream.get("url") == "wss://calls.example.com/media/stream"
    parameters = {p.get("name"): p.get("value") for p in stream.findall("Parameter")}
    assert parameters["call_id"] == str(queued_call.pk)

    call = refreshed(queued_call)
    [twilio_call] = twilio.calls.values()
    assert SID.fullmatch(call.provider_call_id) and call.provider_call_id == twilio_call.sid
    assert (call.provider, call.status) == ("twilio", CallStatus.DIALING)
    assert call.lead.status == LeadStatus.IN_CALL


def test_it_asks_twilio_to_record_when_configured(twilio, queued_call, settings):
    settings.TWILIO_RECORD_CALLS = True
    settings.TWILIO_MACHINE_DETECTION = False

    place_call(queued_call.pk)

    [sent] = twilio.create_requests
    assert (sent.value("Record"), sent.value("RecordingChannels")) == ("true", "dual")
    assert not {"MachineDetection", "AsyncAmd", "AsyncAmdStatusCallback"} & set(sent.form)


def test_it_dials_the_leads_extension_once_connected(twilio, queued_call):
    queued_call.lead.phone_extension = "204"
    queued_call.lead.save()

    place_call(queued_call.pk)

    [sent] = twilio.create_requests
    assert sent.value("To") == PHONE and sent.value("SendDigits") == "w204"


def test_a_number_twilio_rejects_marks_the_lead_invalid(twilio, queued_call):
    twilio.fail_next_create(400, 21211, f"Invalid 'To' Phone Number: {PHONE}")

    assert place_call(queued_call.pk).startswith("failed")

    call = refreshed(queued_call)
    assert (call.status, call.outcome, call.provider_call_id) == (CallStatus.FAILED, "invalid_number", "")
    assert "21211" in call.error
    assert (call.lead.status, call.lead.next_attempt_at) == (LeadStatus.INVALID, None)
    assert twilio.calls == {}


def test_another_refusal_fails_the_call_and_tries_the_lead_again_later(twilio, queued_call):
    twilio.fail_next_create(400, 21215)
    before = timezone.now()

    assert place_call(queued_call.pk).startswith("failed")

    call = refreshed(queued_call)
    assert (call.status, call.outcome) == (CallStatus.FAILED, "failed")
    assert "21215" in call.error
    spacing = dt.timedelta(minutes=queued_call.campaign.retry_minutes["failed"])
    assert call.lead.status == LeadStatus.CALLED
    assert before + spacing <= call.lead.next_attempt_at <= timezone.now() + spacing
    assert not twilio.list_requests  # nothing was placed: no need to look for it


def test_wrong_credentials_are_our_fault_and_cost_the_lead_no_attempt(twilio, queued_call, settings):
    settings.TWILIO_AUTH_TOKEN = "0" * 32

    with pytest.raises(TelephonyError):  # the task retries with backoff, then releases the call
        place_call(queued_call.pk)

    assert [r.status for r in twilio.create_requests] == [401]
    call = refreshed(queued_call)
    assert call.status == CallStatus.QUEUED and "20003" in call.error and "Authenticate" in call.error
    assert twilio.calls == {}
    assert release_call(call.pk, "gave up")
    call.lead.refresh_from_db()
    assert (call.lead.status, call.lead.attempts) == (LeadStatus.NEW, 0)


@pytest.mark.parametrize("lost_answer", ["500 after creating", "timeout after creating"])
def test_a_call_twilio_created_before_its_answer_was_lost_is_adopted_not_placed_twice(
        twilio, queued_call, lost_answer):
    if lost_answer == "500 after creating":
        twilio.fail_next_create(500, after_creating=True)
    else:
        twilio.hang_next_create(after_creating=True)

    assert place_call(queued_call.pk) == "placed"

    assert len(twilio.create_requests) == 1  # no second call to the lead
    [twilio_call] = twilio.calls.values()
    assert {(lookup.value("To"), lookup.value("From")) for lookup in twilio.list_requests} == {(PHONE, FROM)}
    call = refreshed(queued_call)
    assert (call.provider_call_id, call.status) == (twilio_call.sid, CallStatus.DIALING)
    assert call.lead.status == LeadStatus.IN_CALL


def test_a_call_still_in_twilios_queue_when_the_answer_was_lost_is_adopted(twilio, queued_call):
    twilio.cps_backlog = True  # calls wait their turn at Twilio's calls-per-second limit: no start time yet
    twilio.hang_next_create(after_creating=True)

    assert place_call(queued_call.pk) == "placed"

    [twilio_call] = twilio.calls.values()
    assert twilio_call.status == "queued" and len(twilio.create_requests) == 1
    assert refreshed(queued_call).provider_call_id == twilio_call.sid


@pytest.mark.parametrize("failure", ["500", "timeout"])
def test_a_call_twilio_never_created_goes_back_in_the_queue_for_a_retry(twilio, queued_call, failure):
    if failure == "500":
        twilio.fail_next_create(500)
    else:
        twilio.hang_next_create(after_creating=False)

    with pytest.raises(TelephonyError):
        place_call(queued_call.pk)

    call = refreshed(queued_call)
    assert (call.status, call.provider_call_id) == (CallStatus.QUEUED, "")
    assert call.error and call.lead.status == LeadStatus.QUEUED
    assert twilio.calls == {}

    assert place_call(queued_call.pk) == "placed"  # the worker's retry
    [twilio_call] = twilio.calls.values()
    assert refreshed(queued_call).provider_call_id == twilio_call.sid


def test_an_earlier_call_to_the_same_number_is_not_mistaken_for_this_one(twilio, queued_call):
    earlier = twilio.add_call(PHONE, FROM, status="no-answer", created=timezone.now() - dt.timedelta(hours=2))
    twilio.fail_next_create(500)

    with pytest.raises(TelephonyError):
        place_call(queued_call.pk)

    call = refreshed(queued_call)
    assert (call.status, call.provider_call_id) == (CallStatus.QUEUED, "")
    assert list(twilio.calls) == [earlier.sid]


def test_hang_up_completes_the_call_at_twilio(twilio, queued_call):
    place_call(queued_call.pk)
    call = refreshed(queued_call)
    twilio.advance(call.provider_call_id, "in-progress", answered_by="human")

    telephony().hang_up(call)

    [hang_up] = twilio.requests_to("POST", f"/Calls/{call.provider_call_id}.json")
    assert hang_up.form == {"Status": ["completed"]}
    assert twilio.calls[call.provider_call_id].status == "completed"


def test_find_call_fetches_the_call_by_its_sid(twilio, queued_call):
    place_call(queued_call.pk)
    call = refreshed(queued_call)
    twilio.advance(call.provider_call_id, "completed", duration=42)

    found = telephony().find_call(call)

    assert found == ProviderCall(call.provider_call_id, "completed", 42, "-0.01400")
    assert twilio.requests[-1].path.endswith(f"/Calls/{call.provider_call_id}.json")
    call.provider_call_id = "CA" + "0" * 32  # a SID Twilio does not know
    assert telephony().find_call(call) is None


def test_the_sweeper_closes_a_quiet_call_with_what_twilio_says(twilio, queued_call):
    place_call(queued_call.pk)
    call = refreshed(queued_call)
    twilio.advance(call.provider_call_id, "busy")
    long_ago = timezone.now() - dt.timedelta(hours=1)
    Call.objects.filter(pk=call.pk).update(created_at=long_ago, last_event_at=long_ago)

    assert sweep_stale_calls()["reconciled"] == 1

    call = refreshed(queued_call)
    assert (call.status, call.provider_status) == (CallStatus.BUSY, "busy")
    assert call.lead.status == LeadStatus.CALLED and call.lead.next_attempt_at is not None
