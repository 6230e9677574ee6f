"""Inbound calls: a lead who calls the campaign's number is answered by the agent with the same pipeline, matched
by caller ID, greeted as a returning lead with their booked meeting, and can move or cancel it or opt out. The
webhooks are signed as Twilio signs them; the agent is the real one on the database."""
from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from twilio.request_validator import RequestValidator

from apps.calls.models import Appointment, Call, CallStatus, HumanAgent
from apps.calls.streams import verify_start
from apps.leads.models import DoNotCall, Lead, LeadStatus
from tests.conftest import make_lead
from tests.media_server.agent.conversation import NOW, Conversation, add_human_agents

pytestmark = pytest.mark.django_db(transaction=True)

ACCOUNT_SID = "AC" + "3f1c9e2a7b6d4e8f9a0b1c2d3e4f5a6b"
AUTH_TOKEN = "9c2b7e41d0a35f8e6b1c4d7a2e9f0b3c"
PUBLIC = "https://calls.example.com"
OUR_NUMBER, CALLER = "+15005550009", "+13125550142"
CALL_SID = "CA" + "7" * 32


@pytest.fixture(autouse=True)
def twilio_settings(settings):
    settings.PUBLIC_BASE_URL = PUBLIC
    settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN = ACCOUNT_SID, AUTH_TOKEN
    settings.TWILIO_CALLBACK_MAX_AGE_SECONDS = 3600


def incoming(client, caller: str = CALLER, token: str = AUTH_TOKEN, sid: str = CALL_SID, **extra):
    """Twilio's request to the number's voice URL when a call comes in."""
    form = {"AccountSid": ACCOUNT_SID, "ApiVersion": "2010-04-01", "CallSid": sid, "CallStatus": "ringing",
            "Direction": "inbound", "From": caller, "To": OUR_NUMBER, "Caller": caller, "Called": OUR_NUMBER, **extra}
    path = reverse("twilio-voice")
    signature = RequestValidator(token).compute_signature(PUBLIC + path, form)
    return client.post(path, urlencode(form), content_type="application/x-www-form-urlencoded",
                       headers={"X-Twilio-Signature": signature})


def twiml(response) -> ET.Element:
    return ET.fromstring(response.content)  # noqa: S314 (the TwiML our own view answered)


@pytest.fixture
def our_lead(campaign):
    campaign.callback_number = OUR_NUMBER
    campaign.save()
    lead = make_lead(campaign, CALLER, time_zone="America/Chicago", name="Dana Whitfield", status=LeadStatus.CALLED,
                     attempts=1)
    Lead.objects.filter(pk=lead.pk).update(next_attempt_at=NOW + dt.timedelta(days=2))
    return Lead.objects.get(pk=lead.pk)


def test_a_lead_who_calls_back_is_answered_by_the_agent_on_a_stream_bound_to_the_call(client, our_lead):
    answered = incoming(client)
    stream = twiml(answered).find("Connect/Stream")
    parameters = {p.get("name"): p.get("value") for p in stream.findall("Parameter")}
    call = Call.objects.get(provider_call_id=CALL_SID)
    assert call.direction == "inbound" and call.lead == our_lead and call.status == CallStatus.IN_PROGRESS
    assert verify_start(parameters, CALL_SID).call_id == call.pk  # the media stream is good for this call only
    assert stream.get("url").startswith("wss://calls.example.com/")
    assert Lead.objects.get(pk=our_lead.pk).status == LeadStatus.IN_CALL  # the dialer leaves them alone meanwhile
    assert incoming(client).status_code == 200 and Call.objects.filter(lead=our_lead).count() == 1  # a retry


def test_when_the_call_ends_the_leads_own_schedule_goes_on(client, our_lead):
    incoming(client)
    form = {"AccountSid": ACCOUNT_SID, "CallSid": CALL_SID, "CallStatus": "completed", "CallDuration": "95",
            "From": CALLER, "To": OUR_NUMBER, "Direction": "inbound",
            "Timestamp": dt.datetime.now(dt.UTC).strftime("%a, %d %b %Y %H:%M:%S +0000")}
    path = reverse("twilio-voice-status")
    signature = RequestValidator(AUTH_TOKEN).compute_signature(PUBLIC + path, form)
    client.post(path, urlencode(form), content_type="application/x-www-form-urlencoded",
                headers={"X-Twilio-Signature": signature})
    call = Call.objects.get(provider_call_id=CALL_SID)
    assert call.status == CallStatus.COMPLETED and call.duration_seconds == 95
    lead = Lead.objects.get(pk=our_lead.pk)
    assert lead.status == LeadStatus.CALLED and lead.next_attempt_at == our_lead.next_attempt_at


def test_an_unknown_caller_becomes_a_lead_of_the_campaign_that_takes_new_callers(client, campaign):
    campaign.answers_inbound = True
    campaign.save()
    incoming(client, caller="+14155550123")
    call = Call.objects.get(provider_call_id=CALL_SID)
    assert call.lead.campaign == campaign and call.lead.phone == "+14155550123"
    assert call.lead.consent_source == ""  # calling us is not consent to be dialled
    assert call.lead.time_zone == "America/Los_Angeles"


def test_with_no_campaign_for_new_callers_the_caller_hears_so_and_nothing_is_kept(client, campaign):
    said = twiml(incoming(client, caller="+14155550123"))
    assert "nobody can take your call" in said.find("Say").text and said.find("Hangup") is not None
    assert not Call.objects.exists() and not Lead.objects.filter(phone="+14155550123").exists()


def test_a_forged_incoming_call_is_refused(client, our_lead):
    assert incoming(client, token="not-the-token").status_code == 403
    assert not Call.objects.exists()


def test_a_caller_on_the_do_not_call_list_is_still_answered(client, our_lead):
    DoNotCall.objects.create(phone=CALLER, reason="asked", source=DoNotCall.Source.OPT_OUT)
    assert twiml(incoming(client)).find("Connect/Stream") is not None


# --- the agent, with a lead who called ---------------------------------------------------------------------------

@pytest.fixture
def booked(our_lead):
    jordan, _ = add_human_agents(our_lead.campaign)
    in_three_days = dt.datetime.now(dt.UTC) + dt.timedelta(days=3)  # still ahead of the real clock, as it must be
    starts = in_three_days.replace(hour=15, minute=0, second=0, microsecond=0)  # 9 AM in Chicago
    return Appointment.objects.create(lead=our_lead, starts_at=starts, ends_at=starts + dt.timedelta(minutes=30),
                                      agent=jordan, lead_time_zone="America/Chicago")


def caller_talk(lead) -> Conversation:
    call = Call.objects.create(lead=lead, campaign=lead.campaign, direction=Call.Direction.INBOUND,
                               status=CallStatus.IN_PROGRESS, provider="twilio", provider_call_id=CALL_SID,
                               answered_at=NOW, attempt=0)
    return Conversation(call)


def test_a_returning_lead_is_thanked_by_name_and_told_their_booking(booked, our_lead):
    greeting = caller_talk(our_lead).greet()
    assert "calling Sunrise Realty back" in greeting and "Dana" in greeting and "automated assistant" in greeting
    assert "booked with Jordan Lee" in greeting and "9 AM" in greeting


def test_a_caller_cancels_their_meeting_and_wants_no_other(booked, our_lead):
    talk = caller_talk(our_lead)
    talk.greet()
    reply = talk.say("I need to cancel my appointment")
    assert "cancelled" in reply and Appointment.objects.get(pk=booked.pk).status == Appointment.Status.CANCELLED
    talk.say("no thanks")
    assert talk.hangup and Call.objects.get(pk=talk.call.pk).disposition == "cancelled"


def test_a_caller_moves_their_meeting_to_a_day_of_their_own(booked, our_lead):
    talk = caller_talk(our_lead)
    talk.greet()
    read_back = talk.say("can we move it to Monday at 10")
    assert "Monday" in read_back
    moved = talk.say("yes")
    assert "old time is cancelled" in moved
    assert Appointment.objects.get(pk=booked.pk).status == Appointment.Status.CANCELLED
    new = Appointment.objects.get(lead=our_lead, status=Appointment.Status.BOOKED)
    assert new.starts_at.astimezone(dt.UTC) == dt.datetime(2026, 11, 30, 16, tzinfo=dt.UTC)


def test_an_opt_out_on_a_call_the_lead_made_counts(our_lead):
    talk = caller_talk(our_lead)
    talk.greet()
    talk.say("actually please stop calling me")
    assert DoNotCall.objects.active().filter(phone=CALLER).exists()


def test_a_new_caller_is_qualified(campaign):
    HumanAgent.objects.all().delete()
    lead = Lead.objects.create(campaign=campaign, phone="+14155550123", time_zone="America/Los_Angeles")
    talk = caller_talk(lead)
    greeting = talk.greet()
    assert "Thanks for calling Sunrise Realty" in greeting and "back" not in greeting
    assert "?" in talk.say("hi, I'm thinking about selling my house")  # the next qualification question


def test_a_returning_lead_hears_what_we_know_and_the_call_back_we_owe_them(our_lead):
    our_lead.facts = {"intent": {"value": "buy", "words": "buy"},
                      "location": {"value": "Oak Park", "words": "oak park"},
                      "budget": {"value": 450000, "words": "four fifty"}}
    our_lead.callback_at = dt.datetime.now(dt.UTC) + dt.timedelta(days=2)
    our_lead.save(update_fields=["facts", "callback_at"])
    talk = caller_talk(our_lead)
    greeting = talk.greet()
    assert "buying in Oak Park, around $450,000" in greeting
    assert "due to call you back" in greeting
    reply = talk.say("yeah I'd like to set up a time to see some places")
    assert "area" not in reply.lower() and "price" not in reply.lower()  # not asked again what they told us
